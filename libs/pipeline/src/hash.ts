// Content hashes used for cache keys: files, directories, JSON configuration and code versions.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hashFile(path: string): string {
  return sha256(readFileSync(path));
}

/** Stable JSON: keys sorted at every level, so equal configurations hash equally. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

export function hashJson(value: unknown): string {
  return sha256(stableStringify(value));
}

/** Hash of every file below `dir` (relative path + content), optionally filtered by extension. */
export function hashTree(dir: string, filter: (path: string) => boolean = () => true): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (filter(p)) {
        h.update(relative(dir, p));
        h.update('\0');
        h.update(readFileSync(p));
        h.update('\0');
      }
    }
  };
  walk(dir);
  return h.digest('hex');
}
