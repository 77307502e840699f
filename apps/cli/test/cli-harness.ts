// Spawning the real `asteris` binary (bin/asteris.mjs under this Node) and judging how it fails.
// The developers' rule: bad input gets a clear error naming the file and the problem; never a stack
// trace, a hang, or a half-written product.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const REPO = resolve(import.meta.dirname, '../../..');
export const BIN = join(REPO, 'apps/cli/bin/asteris.mjs');
/** Upper bound for one CLI run; a run that needs longer counts as a hang. */
export const SPAWN_TIMEOUT_MS = 60_000;
/** A stack frame as Node prints it: "at fn (/path/file.ts:12:5)". */
export const STACK_FRAME = /at .*\.(ts|js|mjs|cjs):\d+/;

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stdout: string; stderr: string }

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const env: Record<string, string | undefined> = { ...process.env, ASTERIS_DEBUG: undefined, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? SPAWN_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); fail(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); done({ code, signal, timedOut, stdout, stderr }); });
  });
}

/** Regular files under `dir` (recursively, relative paths); [] when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return ['.'];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r); else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** The lines the CLI printed as errors ("asteris: error: …" plus any indented continuation lines). */
export function errorLines(stderr: string): string[] {
  const lines = stderr.split('\n');
  const out: string[] = [];
  let inError = false;
  for (const l of lines) {
    if (l.startsWith('asteris: error:')) { out.push(l); inError = true; }
    else if (inError && /^\s+\S/.test(l)) out.push(l);
    else if (inError && l.trim() !== '') { out.push(l); }
    else inError = false;
  }
  return out;
}

export interface FailureExpectation {
  /** exit status: 1 = failure, 2 = usage; an array allows either */
  code?: number | number[];
  /** text the error must contain (the file it is about) */
  names?: string | string[];
  /** the problem, as a pattern */
  problem?: RegExp;
  /** how many error lines are acceptable (1 = a single line; more for a multi-problem list) */
  maxLines?: number;
  /** directories that must hold no (regular) file after the failure */
  noFilesIn?: string[];
}

/** Asserts the run failed the way the developers' rule demands. */
export function expectCleanFailure(r: CliResult, x: FailureExpectation = {}): string {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(r.timedOut, 'the command hung').toBe(false);
  expect(all, 'a stack trace was printed').not.toMatch(STACK_FRAME);
  const codes = x.code === undefined ? [1] : Array.isArray(x.code) ? x.code : [x.code];
  expect(codes, `exit status ${r.code}; stderr:\n${r.stderr}`).toContain(r.code);
  const errs = errorLines(r.stderr);
  expect(errs.length, `expected an "asteris: error:" line; stderr:\n${r.stderr}`).toBeGreaterThan(0);
  expect(errs.length, `too many error lines:\n${errs.join('\n')}`).toBeLessThanOrEqual(x.maxLines ?? 1);
  const msg = errs.join('\n');
  for (const n of [x.names ?? []].flat()) expect(msg, 'the error does not name the file').toContain(n);
  if (x.problem) expect(msg).toMatch(x.problem);
  for (const d of x.noFilesIn ?? []) expect(filesUnder(d), `partial output left in ${d}`).toEqual([]);
  return msg;
}

/**
 * Runs `asteris ...args` through the CLI's own main() in this process (what bin/asteris.mjs runs),
 * capturing what it prints. Much cheaper than a spawn; cannot see hangs or process-level crashes, so
 * every command keeps at least one spawned case in cli.test.ts. Not safe for concurrent tests.
 */
export async function runMain(args: string[]): Promise<CliResult> {
  const { vi } = await import('vitest');
  const { main } = await import('../src/main.ts');
  let stdout = '', stderr = '';
  const put = (to: 'o' | 'e') => (chunk: unknown) => { if (to === 'o') stdout += String(chunk); else stderr += String(chunk); return true; };
  vi.spyOn(process.stdout, 'write').mockImplementation(put('o') as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(put('e') as typeof process.stderr.write);
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { stdout += `${a.join(' ')}\n`; });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { stderr += `${a.join(' ')}\n`; });
  try {
    const code = await main(['node', 'asteris', ...args]);
    return { code, signal: null, timedOut: false, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
