#!/usr/bin/env node
// Checks (or with --fix, writes) that every workspace project declares the packages its sources
// import: workspace libraries as "*", external packages at the version range the root lockfile has;
// and that it declares nothing it does not import (a declared-but-unused dependency fails; --fix removes it).
// A package counts as used when a file under src, bin, e2e, test, bench or scripts (or a *.config.ts at the
// project root) imports it; `@types/X` counts as used when X is.
// Nx derives the project graph (and so `^typecheck` ordering and cache inputs) from these declarations.
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const fix = process.argv.includes('--fix');
const projects = [...readdirSync(join(root, 'libs')).map((d) => join('libs', d)), 'apps/cli', 'tests'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const versionOf = (name) => {
  const declared = Object.values(projects.map((p) => JSON.parse(readFileSync(join(root, p, 'package.json'), 'utf8'))))
    .map((pk) => ({ ...pk.dependencies, ...pk.devDependencies })[name]).find(Boolean)
    ?? rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name];
  if (declared) return declared;
  const v = lock.packages?.[`node_modules/${name}`]?.version;
  return v ? `^${v}` : '*';
};
const walk = (dir) => (existsSync(dir) ? readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? (n === 'node_modules' || n === 'fixtures' ? [] : walk(p)) : /\.(ts|mjs)$/.test(n) ? [p] : [];
}) : []);
let problems = 0;
let unusedCount = 0;
// @types/foo → foo, @types/scope__name → @scope/name
const typesTarget = (n) => { const t = n.slice('@types/'.length); return t.includes('__') ? `@${t.replace('__', '/')}` : t; };
for (const proj of projects) {
  const pkgPath = join(root, proj, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  // Imports from shipped code (src, bin, e2e tests) are dependencies; from tests and benchmarks, devDependencies.
  const kinds = { dependencies: ['src', 'bin', 'e2e'], devDependencies: ['test', 'bench', 'scripts'] };
  const importRe = /^\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"./][^'"]*)['"]|\bimport\s*\(\s*['"]([^'"./][^'"]*)['"]\s*\)/gm;
  const usedBy = { dependencies: new Set(), devDependencies: new Set() };
  const configs = readdirSync(join(root, proj)).filter((n) => /\.config\.(ts|mjs)$/.test(n)).map((n) => join(root, proj, n));
  for (const [kind, dirs] of Object.entries(kinds)) {
    for (const f of [...dirs.flatMap((d) => walk(join(root, proj, d))), ...(kind === 'devDependencies' ? configs : [])]) {
      for (const m of readFileSync(f, 'utf8').matchAll(importRe)) {
        const spec = m[1] ?? m[2];
        if (builtins.has(spec) || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (name !== pkg.name) usedBy[kind].add(name);
      }
    }
  }
  const declared = { ...pkg.dependencies, ...pkg.devDependencies };
  const rootDev = new Set(Object.keys(rootPkg.devDependencies ?? {}));
  for (const kind of ['dependencies', 'devDependencies']) {
    const missing = [...usedBy[kind]].filter((n) => !(kind === 'devDependencies' && usedBy.dependencies.has(n)) && !(n in declared) && !(rootDev.has(n) && !n.startsWith('@asteris/'))).sort();
    if (!missing.length) continue;
    problems += missing.length;
    console.log(`${proj}: undeclared ${kind} ${missing.join(', ')}`);
    if (fix) {
      pkg[kind] = { ...(pkg[kind] ?? {}) };
      for (const n of missing) { pkg[kind][n] = n.startsWith('@asteris/') ? '*' : versionOf(n); declared[n] = pkg[kind][n]; }
      pkg[kind] = Object.fromEntries(Object.entries(pkg[kind]).sort(([a], [b]) => a.localeCompare(b)));
      writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
    }
  }
  const used = new Set([...usedBy.dependencies, ...usedBy.devDependencies]);
  const unused = Object.keys(declared).filter((n) => !used.has(n) && !(n.startsWith('@types/') && used.has(typesTarget(n)))).sort();
  if (unused.length) {
    unusedCount += unused.length;
    console.log(`${proj}: declared but never imported ${unused.join(', ')}`);
    if (fix) {
      for (const kind of ['dependencies', 'devDependencies']) {
        if (!pkg[kind]) continue;
        for (const n of unused) delete pkg[kind][n];
        if (!Object.keys(pkg[kind]).length) delete pkg[kind];
      }
      writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
    }
  }
}
if ((problems || unusedCount) && !fix) process.exitCode = 1;
console.log(problems ? `${problems} undeclared import(s)${fix ? ' fixed' : ''}` : 'every import is declared');
console.log(unusedCount ? `${unusedCount} unused dependenc${unusedCount === 1 ? 'y' : 'ies'}${fix ? ' removed' : ''}` : 'every declared dependency is imported');
