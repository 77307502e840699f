// Atomic product writes: write into a temporary sibling in the same directory, fsync, then rename
// over the target (rename(2) is atomic within one filesystem). A reader sees either the old product
// or the complete new one, never a partial file; a process killed at any moment leaves only
// `<name>.tmp-*` debris, which caches ignore (names containing TMP_MARK) and their gc removes.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ensureDir } from './fs.ts';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';

/** Every temporary name contains this marker. */
export const TMP_MARK = '.tmp-';

let counter = 0;

/**
 * A fresh temporary path next to `path`: unique across processes (pid), worker threads (threadId),
 * calls (counter) and hosts sharing a filesystem (random suffix). It ends in `.tmp`.
 */
export function tmpSibling(path: string): string {
  const id = `${process.pid}-${threadId}-${++counter}-${randomBytes(4).toString('hex')}`;
  return join(dirname(path), `${basename(path)}${TMP_MARK}${id}.tmp`);
}

/**
 * Creates `path` atomically from what `write(fd)` writes into a temporary sibling (for streaming
 * writers). The parent directory is created if needed; on any error the temporary file is removed.
 */
export function writeFileAtomicWith(path: string, write: (fd: number) => void): void {
  ensureDir(dirname(path));
  const tmp = tmpSibling(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    write(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes all of `bytes` to `fd` (writeSync may write less than asked). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Writes `data` (UTF-8 for strings) to `path` atomically: temp sibling + fsync + rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileAtomicWith(path, (fd) => writeAllSync(fd, buf));
}

/** Fills a fresh temporary directory with `fill`, then renames it to `dir` in one step. */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  ensureDir(dirname(dir));
  const tmp = tmpSibling(dir);
  mkdirSync(tmp);
  try {
    await fill(tmp);
    fsyncDir(tmp);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    fsyncDir(dirname(dir));
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* directories cannot be fsynced on every filesystem; rename is still atomic */ }
}
