// A stage's code version is the hash of the sources of the libraries it calls, so editing an
// algorithm invalidates exactly the products it could change.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashTree, sha256 } from './hash.ts';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const memo = new Map<string, string>();

export function libVersion(lib: string): string {
  let v = memo.get(lib);
  if (v === undefined) {
    const src = join(WORKSPACE_ROOT, 'libs', lib, 'src');
    v = existsSync(src) ? hashTree(src, (p) => p.endsWith('.ts') && !p.endsWith('.test.ts')) : 'absent';
    memo.set(lib, v);
  }
  return v;
}

export function codeVersion(libs: string[], extra = ''): string {
  return sha256([...libs].sort().map((l) => `${l}:${libVersion(l)}`).join('|') + extra).slice(0, 16);
}
