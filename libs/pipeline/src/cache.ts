// Content-addressed cache of intermediate products.
// Each product is a directory  <root>/<stage>/<key>/  whose key hashes (a) the keys or content hashes
// of its inputs, (b) the stage's configuration and (c) the stage's code version (a hash of the source
// of the libraries it calls). Directories appear by atomic rename with their manifest inside, so an
// existing directory is always complete; a run killed mid-stage leaves only `*.tmp-*` debris.
//
// Integrity: the manifest records, per file, its sha256 and a stat fingerprint taken at write time
// (size, inode, mtime and ctime in nanoseconds). Reuse verifies every file: when the fingerprint is
// unchanged the bytes are trusted (fast path: one stat per file); otherwise the file is hashed and a
// sha256 mismatch is logged and the product recomputed. Any write to a file moves its ctime, which no
// user-level call can set back (utimes itself moves it), so an edit that restores size and mtime is
// still caught; only writes that bypass the kernel's inode times (raw block-device edits, a changed
// system clock) could pass the fast path. A hash that still matches refreshes the fingerprint
// (e.g. after `cp -a` or `touch`), so the next reuse is fast again.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, writeDirAtomic, writeFileAtomic, TMP_MARK } from '@asteris/core';
import { hashFile, hashJson } from './hash.ts';

export interface KeyParts {
  /** Named inputs: upstream product keys or file content hashes. */
  inputs: Record<string, string>;
  /** The stage configuration (any JSON value; hashed in a key-order-independent way). */
  config: unknown;
  /** Code version of the stage (hash of its libraries' sources). */
  codeVersion: string;
}

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
  /** Stat fingerprint at write time ("ino:mtimeNs:ctimeNs"); absent in manifests of older versions. */
  stat?: string;
}

/** What `lookup` checks: `content` = sha256 (with the stat fast path); `structure` = files present with their sizes. */
export type VerifyMode = 'content' | 'structure';

export interface CacheOptions {
  /** Where integrity problems are reported (default: stderr). */
  log?: (msg: string) => void;
}

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

/** The stat fingerprint of a file (size is checked separately). */
export function statFingerprint(path: string): string {
  const st = statSync(path, { bigint: true });
  return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}`;
}

export class ProductCache {
  private readonly log: (msg: string) => void;
  constructor(readonly root: string, opts: CacheOptions = {}) {
    this.log = opts.log ?? ((m) => process.stderr.write(`${m}\n`));
  }

  dirFor(stage: string, key: string): string {
    return join(this.root, stage, key);
  }

  /**
   * A valid entry, or null when absent or damaged. `content` (the default, used before reuse) also
   * verifies every file's bytes against the manifest's sha256 (see the header comment); a mismatch
   * is logged. `structure` only checks that the files exist with their recorded sizes (for listing).
   */
  lookup(stage: string, key: string, verify: VerifyMode = 'content'): CacheEntry | null {
    const dir = this.dirFor(stage, key);
    const mpath = join(dir, MANIFEST);
    if (!existsSync(mpath)) return null;
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(mpath, 'utf8')) as CacheEntry;
      if (!Array.isArray(entry.files)) throw new Error('no file list');
    } catch {
      this.log(`cache: ${stage}/${key}: unreadable ${MANIFEST}; recomputing`);
      return null;
    }
    let refreshed = false;
    for (const f of entry.files) {
      const p = join(dir, f.path);
      let size: number;
      try { size = statSync(p).size; } catch {
        this.log(`cache: ${stage}/${key}: ${f.path} is missing; recomputing`);
        return null;
      }
      if (size !== f.size) {
        this.log(`cache: ${stage}/${key}: ${f.path} changed size since it was written (${f.size} → ${size} bytes); recomputing`);
        return null;
      }
      if (verify === 'structure') continue;
      const fp = statFingerprint(p);
      if (f.stat === fp) continue; // fast path: untouched since written
      if (hashFile(p) !== f.sha256) {
        this.log(`cache: ${stage}/${key}: ${f.path} does not match its recorded sha256 (modified after it was written); recomputing`);
        return null;
      }
      f.stat = fp;
      refreshed = true;
    }
    if (refreshed) {
      try { writeFileAtomic(mpath, JSON.stringify(entry, null, 2)); } catch { /* read-only cache: verify again next time */ }
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
        return { path, size: statSync(full).size, sha256: hashFile(full), stat: statFingerprint(full) };
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
        const e = this.lookup(stage, key, 'structure');
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
        const valid = !key.includes(TMP_MARK) && this.lookup(stage, key, 'structure') !== null;
        if (valid && keep.has(`${stage}/${key}`)) continue;
        freedBytes += dirSize(dir);
        rmSync(dir, { recursive: true, force: true });
        removed.push(`${stage}/${key}`);
      }
    }
    return { removed, freedBytes };
  }

  ensureRoot(): void {
    ensureDir(this.root);
  }
}

/** Names made by @asteris/core's tmpSibling: `<name>.tmp-<pid>-<thread>-<n>-<hex8>.tmp`. */
const DEBRIS = /\.tmp-\d+-\d+-\d+-[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files and directories that killed runs leave below `dir` (at most `depth`
 * levels down; a product directory's own files are below that). Call it only while holding the
 * directory's lock (lock.ts), since a live run's temporaries have the same names.
 */
export function removeDebris(dir: string, depth = 3): string[] {
  const removed: string[] = [];
  const walk = (d: string, level: number): void => {
    let names: string[];
    try { names = readdirSync(d); } catch { return; }
    for (const name of names.sort()) {
      const p = join(d, name);
      if (DEBRIS.test(name)) {
        rmSync(p, { recursive: true, force: true });
        removed.push(p);
        continue;
      }
      if (level < depth) {
        let isDir = false;
        try { isDir = statSync(p).isDirectory(); } catch { /* vanished */ }
        if (isDir) walk(p, level + 1);
      }
    }
  };
  walk(dir, 1);
  return removed;
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
