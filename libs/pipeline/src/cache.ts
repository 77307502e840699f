// Content-addressed cache of intermediate products.
// Each product is a directory  <root>/<stage>/<key>/  whose key hashes (a) the keys or content hashes
// of its inputs, (b) the stage's configuration and (c) the stage's code version (a hash of the source
// of the libraries it calls). Directories appear by atomic rename with their manifest inside, so an
// existing directory is always complete; a run killed mid-stage leaves only `*.tmp-*` debris.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic, TMP_MARK } from '@asteris/core';
import { hashFile, hashJson } from './hash.ts';

export interface KeyParts {
  /** Named inputs: upstream product keys or file content hashes. */
  inputs: Record<string, string>;
  /** The stage configuration (any JSON value; hashed in a key-order-independent way). */
  config: unknown;
  /** Code version of the stage (hash of its libraries' sources). */
  codeVersion: string;
}

export interface ManifestFile { path: string; size: number; sha256: string }

export interface CacheEntry {
  stage: string;
  key: string;
  dir: string;
  createdAt: string;
  parts: KeyParts;
  files: ManifestFile[];
  /** Free-form summary a stage may record (counts, timings of the original computation). */
  summary?: Record<string, unknown>;
}

export const MANIFEST = 'manifest.json';

export function cacheKey(stage: string, parts: KeyParts): string {
  return hashJson({ stage, ...parts }).slice(0, 24);
}

export class ProductCache {
  constructor(readonly root: string) {}

  dirFor(stage: string, key: string): string {
    return join(this.root, stage, key);
  }

  /** A valid entry, or null when absent or damaged (missing files or changed sizes). */
  lookup(stage: string, key: string): CacheEntry | null {
    const dir = this.dirFor(stage, key);
    const mpath = join(dir, MANIFEST);
    if (!existsSync(mpath)) return null;
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(mpath, 'utf8')) as CacheEntry;
    } catch {
      return null;
    }
    for (const f of entry.files) {
      const p = join(dir, f.path);
      if (!existsSync(p) || statSync(p).size !== f.size) return null;
    }
    return { ...entry, dir };
  }

  /**
   * Returns the cached product for (stage, parts) or computes it: `compute` fills a temporary
   * directory, which becomes the product only once complete.
   */
  async getOrCompute(
    stage: string,
    parts: KeyParts,
    compute: (dir: string) => Promise<Record<string, unknown> | void>,
  ): Promise<{ entry: CacheEntry; cached: boolean }> {
    const key = cacheKey(stage, parts);
    const hit = this.lookup(stage, key);
    if (hit) return { entry: hit, cached: true };
    const dir = this.dirFor(stage, key);
    await writeDirAtomic(dir, async (tmp) => {
      const summary = (await compute(tmp)) ?? undefined;
      const files = listFiles(tmp).map((path) => {
        const full = join(tmp, path);
        return { path, size: statSync(full).size, sha256: hashFile(full) };
      });
      const entry: Omit<CacheEntry, 'dir'> = {
        stage, key, createdAt: new Date().toISOString(), parts, files, summary,
      };
      writeFileAtomic(join(tmp, MANIFEST), JSON.stringify(entry, null, 2));
    });
    const entry = this.lookup(stage, key);
    if (!entry) throw new Error(`cache: product ${stage}/${key} vanished after it was written (${dir})`);
    return { entry, cached: false };
  }

  /** Every complete entry under the root. */
  list(): CacheEntry[] {
    if (!existsSync(this.root)) return [];
    const out: CacheEntry[] = [];
    for (const stage of readdirSync(this.root).sort()) {
      const sdir = join(this.root, stage);
      if (!statSync(sdir).isDirectory()) continue;
      for (const key of readdirSync(sdir).sort()) {
        if (key.includes(TMP_MARK)) continue;
        const e = this.lookup(stage, key);
        if (e) out.push(e);
      }
    }
    return out;
  }

  /** Removes temporary debris, damaged entries and every entry whose `stage/key` is not in `keep`. */
  gc(keep: Set<string>): { removed: string[]; freedBytes: number } {
    const removed: string[] = [];
    let freedBytes = 0;
    if (!existsSync(this.root)) return { removed, freedBytes };
    for (const stage of readdirSync(this.root).sort()) {
      const sdir = join(this.root, stage);
      if (!statSync(sdir).isDirectory()) continue;
      for (const key of readdirSync(sdir).sort()) {
        const dir = join(sdir, key);
        const valid = !key.includes(TMP_MARK) && this.lookup(stage, key) !== null;
        if (valid && keep.has(`${stage}/${key}`)) continue;
        freedBytes += dirSize(dir);
        rmSync(dir, { recursive: true, force: true });
        removed.push(`${stage}/${key}`);
      }
    }
    return { removed, freedBytes };
  }

  ensureRoot(): void {
    mkdirSync(this.root, { recursive: true });
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, rel));
    else if (rel !== MANIFEST) out.push(rel);
  }
  return out;
}

export function dirSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  const st = statSync(dir);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of readdirSync(dir)) total += dirSize(join(dir, name));
  return total;
}
