// A stage's code version: the hash of the sources of every workspace package in its package's dependency
// closure (each package.json's dependencies, read recursively), so editing any library a stage can run —
// including core, fits, field, sim — invalidates exactly the products it could change.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashTree, sha256 } from './hash.ts';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Pkg { dir: string; deps: string[] }
let packages: Map<string, Pkg> | null = null;

/** Workspace packages by name (libs/*). */
function workspacePackages(): Map<string, Pkg> {
  if (packages) return packages;
  packages = new Map();
  const libs = join(WORKSPACE_ROOT, 'libs');
  for (const d of readdirSync(libs).sort()) {
    const pj = join(libs, d, 'package.json');
    if (!existsSync(pj)) continue;
    const p = JSON.parse(readFileSync(pj, 'utf8')) as { name: string; dependencies?: Record<string, string> };
    packages.set(p.name, { dir: join(libs, d), deps: Object.keys(p.dependencies ?? {}) });
  }
  return packages;
}

/** Workspace packages `pkg` depends on, directly or not, itself included (sorted). */
export function dependencyClosure(pkg: string): string[] {
  const all = workspacePackages();
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n) || !all.has(n)) return;
    seen.add(n);
    for (const d of all.get(n)!.deps) visit(d);
  };
  visit(pkg);
  return [...seen].sort();
}

const memo = new Map<string, string>();
function packageVersion(name: string): string {
  let v = memo.get(name);
  if (v === undefined) {
    const src = join(workspacePackages().get(name)!.dir, 'src');
    v = existsSync(src) ? hashTree(src, (p) => p.endsWith('.ts') && !p.endsWith('.test.ts')) : 'absent';
    memo.set(name, v);
  }
  return v;
}

/** Code version of a stage implemented in `pkg` (the hash of its dependency closure's sources). */
export function codeVersion(pkg: string, extra = ''): string {
  return sha256(dependencyClosure(pkg).map((n) => `${n}:${packageVersion(n)}`).join('|') + extra).slice(0, 16);
}
