// A queue is a trust boundary: every path a job payload names must lie inside the roots the worker
// was given (cache and field directories), after resolving `.`/symlinks. `..` segments are refused
// outright, and the deepest existing ancestor of a not-yet-written path is realpath'd, so a symlink
// inside a root that points elsewhere is an escape too.
import { realpathSync } from 'node:fs';
import { dirname, basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { Roots } from './types.ts';
import { EngineError } from './redis.ts';

export class PathError extends EngineError {
  override name = 'PathError';
}

/** Realpath of the deepest existing ancestor, with the missing tail appended. */
function realpathLoose(p: string): string {
  const tail: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return join(realpathSync(cur), ...tail.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(cur);
      if (parent === cur) return p;
      tail.push(basename(cur));
      cur = parent;
    }
  }
}

/** Roots with each directory realpath'd (they must exist). */
export function resolveRoots(roots: Roots): Roots {
  const one = (d: string, what: string): string => {
    try {
      return realpathSync(resolve(d));
    } catch {
      throw new EngineError(`${what} root ${d}: no such directory`);
    }
  };
  return { cache: one(roots.cache, 'cache'), fields: roots.fields.map((f) => one(f, 'field')) };
}

const inside = (p: string, root: string): boolean => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** Throws a PathError naming the path unless it lies inside one of the (resolved) roots. */
export function checkPath(path: string, roots: Roots, jobId?: string): string {
  const who = jobId ? `job ${jobId}: ` : '';
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new PathError(`${who}refused path ${JSON.stringify(path)}: not a valid path`);
  }
  if (path.split(/[\\/]/).includes('..')) {
    throw new PathError(`${who}refused path ${path}: '..' segments are not allowed`);
  }
  const abs = isAbsolute(path) ? path : resolve(roots.cache, path);
  const real = realpathLoose(resolve(abs));
  const all = [roots.cache, ...roots.fields];
  if (!all.some((r) => inside(real, r))) {
    const via = real !== resolve(abs) ? ` (resolves to ${real})` : '';
    throw new PathError(`${who}refused path ${path}${via}: outside the worker's roots (${all.join(', ')})`);
  }
  return real;
}
