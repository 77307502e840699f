// Directory creation that fails instead of spinning. Node's `mkdirSync(p, { recursive: true })`
// loops forever at 100 % CPU where mkdir(2) answers ENOENT although the parent exists (e.g. under
// /proc, which refuses new entries): it alternates between creating the parent (EEXIST) and the child
// (ENOENT). ensureDir walks up once and reports such a path with one clear error.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** An output directory that cannot be created; the message names the path and the reason. */
export class OutputDirError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`cannot create directory ${path}: ${reason}`);
    this.name = 'OutputDirError';
  }
}

/** Creates `dir` and its missing parents (like `mkdir -p`), or throws OutputDirError. */
export function ensureDir(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    let st;
    try { st = statSync(p); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new OutputDirError(abs, `${p}: ${code ?? (e as Error).message}`);
    }
    if (st) {
      if (!st.isDirectory()) throw new OutputDirError(abs, `${p} exists and is not a directory`);
      break;
    }
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const m of missing.reverse()) {
    try { mkdirSync(m); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        try { if (statSync(m).isDirectory()) continue; } catch { /* fall through */ }
        throw new OutputDirError(abs, `${m} exists and is not a directory`);
      }
      const why = code === 'ENOENT' ? 'the file system refuses to create it (parent exists but mkdir says ENOENT)'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'EROFS' ? 'read-only file system'
        : code ?? (e as Error).message;
      throw new OutputDirError(abs, `${m}: ${why}`);
    }
  }
}
