// Atomic product writes: write into a temporary sibling, fsync, then rename over the target.
// A reader therefore sees either the old product or the complete new one, never a partial file,
// and a process killed at any moment leaves only `*.tmp-*` debris that the cache ignores and gc removes.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const TMP_MARK = '.tmp-';

export function tmpSibling(path: string): string {
  return join(dirname(path), `${basename(path)}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tmpSibling(path);
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Fills a fresh temporary directory with `fill`, then renames it to `dir` in one step. */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = tmpSibling(dir);
  mkdirSync(tmp, { recursive: true });
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
