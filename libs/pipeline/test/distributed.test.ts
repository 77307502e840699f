// The runner on the BullMQ engine (issue 16): a 4-field mock survey run by 2 worker processes gives
// byte-identical products to the local engine, also when one worker is killed (-9) holding a job; a
// job naming a path outside the worker's roots is refused; an unreachable Redis is one clear error.
// Redis is a private `redis-server` child on a random loopback port (with a password, no persistence).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqEngine, connectRedis } from '@asteris/engine';
import { simulateField } from '@asteris/sim';
import { runPipeline, stageHandlers } from '../src/run.ts';
import { loadRunConfig } from '../src/config.ts';
import { silentReporter } from '../src/progress.ts';

const PASSWORD = 'surv3y-pw';
const WORKER = fileURLToPath(new URL('./fixtures/stage-worker.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asteris-distributed-'));
const FIELDS = ['a', 'b', 'c', 'd'].map((n) => join(tmp, n));
const survey = join(tmp, 'survey.json');
const cfg = () => loadRunConfig(undefined, {
  denoiser: 'none', preset: 'posterior-z8', workers: 0,
  injection: { n: 8, rounds: 1, magRange: [26, 29], zRange: [8.5, 10.5], seed: 5 }, lf: { nWalkers: 8, nSteps: 10 },
});
let redis: ChildProcess | undefined;
let url = '';
let redisPort = 0;
let local = '';
const workers: ChildProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const freePort = (): Promise<number> => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); });
});

function worker(cache: string, env: Record<string, string> = {}): { proc: ChildProcess; out: () => string; waitFor: (re: RegExp) => Promise<RegExpMatchArray> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, REDIS_URL: url, CACHE: cache, FIELDS: FIELDS.join(':'), QUEUE: 'dist', LOCK_MS: '3000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(proc);
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => { out += b; });
  proc.stderr!.on('data', (b: Buffer) => { out += b; });
  return {
    proc, out: () => out,
    async waitFor(re) {
      for (let i = 0; ; i++) {
        const m = out.match(re);
        if (m) return m;
        if (i > 2400 || proc.exitCode !== null) throw new Error(`worker output never matched ${re}:\n${out}`);
        await sleep(25);
      }
    },
  };
}

/** Every product file below dir (relative path → bytes), without what records times or paths. */
function products(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const rel = relative(dir, p);
      // temporaries (files or a job's whole temporary directory): after Redis loses its state a job can run
      // twice (at-least-once); the duplicate's temporary directory is discarded when it finishes
      if (n.includes('.tmp-')) continue;
      if (statSync(p).isDirectory()) { if (n !== 'report') walk(p); continue; }
      if (n === 'manifest.json' || n === 'run.json' || n === 'products.json') continue;
      out[rel] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  await Promise.all(FIELDS.map((dir, i) => simulateField({
    kind: 'asteris-field-spec', name: `f${i}`, seed: 40 + i, width: 88 + 8 * (i % 2), height: 88, nexp: 2, bands: ['F150W', 'F277W'], psfRadius: 1,
    populations: { lowz: { refBand: 'F150W', log10N28: 7.5, magRange: [21, 27] }, browndwarfs: { enabled: false }, highz: { oversample: 20, mLimit: 28 } },
  }, dir, { workers: 0 })));
  writeFileSync(survey, JSON.stringify({ kind: 'asteris-survey', name: 'four', fields: FIELDS.map((f) => relative(tmp, f)) }));
  const port = await freePort();
  url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
  redisPort = port;
  await startRedis();
}, 120_000);

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try { (await connectRedis(url, { timeoutMs: 500 })).disconnect(); break; } catch (e) { if (i > 100) throw e; await sleep(50); }
  }
}

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  redis?.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('asteris run --engine bullmq', () => {
  it('2 worker processes, one killed -9 holding a job: the same bytes as the local engine; paths outside the roots are refused', async () => {
    local = join(tmp, 'local');
    await runPipeline({ field: survey, out: local, config: cfg(), reporter: silentReporter() });

    const out = join(tmp, 'bull');
    const cache = join(out, 'cache');
    mkdirSync(cache, { recursive: true });
    const a = worker(cache, { HOLD_KIND: 'images', HOLD_MS: '120000' });
    const b = worker(cache);
    await Promise.all([a.waitFor(/listening/), b.waitFor(/listening/)]);
    const run = runPipeline({ field: survey, out, config: cfg(), reporter: silentReporter(), engine: { kind: 'bullmq', redis: url, queue: 'dist', pollMs: 50 } });
    const held = (await a.waitFor(/holding (\S+)/))[1]!;
    a.proc.kill('SIGKILL');
    const res = await run;
    // the job worker A held (and never finished) was run to completion by worker B
    expect(a.out()).not.toContain(`done ${held}`);
    expect(b.out()).toContain(`done ${held}`);
    expect(res.lf).not.toBeNull();

    const want = products(local);
    const got = products(out);
    expect(Object.keys(got).length).toBeGreaterThan(40);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) expect(got[k], k).toBe(want[k]);
    for (const f of ['f0', 'f1', 'f2', 'f3']) expect(existsSync(join(out, f, 'catalogue.csv'))).toBe(true);
    expect(JSON.stringify(got)).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 8));

    // a queue is a trust boundary: a job naming a path outside the worker's roots is refused, not run
    const evil = bullmqEngine({ redis: url, queue: 'dist', handlers: stageHandlers(), pollMs: 50 });
    try {
      await expect(evil.run([{ id: 'evil', kind: 'images', deps: [], payload: { inputs: { field: '/etc', band: 'F150W' }, config: { denoiser: 'none' }, cache } }]))
        .rejects.toThrow(/job evil failed after 1 attempt: job evil: refused path \/etc: outside the worker's roots/);
      await expect(evil.run([{ id: 'dots', kind: 'images', deps: [], payload: { inputs: { field: `${FIELDS[0]}/../../etc`, band: 'F150W' }, config: { denoiser: 'none' }, cache } }]))
        .rejects.toThrow(/'\.\.' segments are not allowed/);
    } finally {
      await evil.close();
    }
    expect(b.out()).not.toContain(PASSWORD);
  }, 240_000);

  it('Redis killed (no persistence) and restarted mid-run: the run completes with the same bytes', async () => {
    const out = join(tmp, 'restart');
    const cache = join(out, 'cache');
    mkdirSync(cache, { recursive: true });
    const ws = [worker(cache, { QUEUE: 'dist2' }), worker(cache, { QUEUE: 'dist2' })];
    await Promise.all(ws.map((w) => w.waitFor(/listening/)));
    const run = runPipeline({ field: survey, out, config: cfg(), reporter: silentReporter(), engine: { kind: 'bullmq', redis: url, queue: 'dist2', pollMs: 50 } });
    await ws[0]!.waitFor(/done f\d\/images/);
    const gone = new Promise((r) => redis!.once('exit', r));
    redis!.kill('SIGKILL');
    await gone;
    await sleep(500);
    await startRedis();
    await run;
    const want = products(local);
    const got = products(out);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) expect(got[k], k).toBe(want[k]);
  }, 180_000);

  it('Redis unreachable: one clear error before any stage runs', async () => {
    const dead = await freePort();
    const out = join(tmp, 'dead');
    await expect(runPipeline({ field: survey, out, config: cfg(), reporter: silentReporter(), engine: { kind: 'bullmq', redis: `redis://:${PASSWORD}@127.0.0.1:${dead}`, connectTimeoutMs: 1000 } }))
      .rejects.toThrow(new RegExp(`^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${dead} within 1 s`));
    expect(existsSync(join(out, 'cache'))).toBe(false);
  }, 30_000);

  it('a bad field is named before Redis is contacted', async () => {
    const dead = await freePort();
    const bad = join(tmp, 'no-such-field');
    const out = join(tmp, 'dead2');
    await expect(runPipeline({ field: bad, out, config: cfg(), reporter: silentReporter(), engine: { kind: 'bullmq', redis: `redis://:${PASSWORD}@127.0.0.1:${dead}`, connectTimeoutMs: 1000 } }))
      .rejects.toThrow(/no-such-field/);
    await expect(runPipeline({ field: bad, out, config: cfg(), reporter: silentReporter(), engine: { kind: 'bullmq', redis: `redis://:${PASSWORD}@127.0.0.1:${dead}`, connectTimeoutMs: 1000 } }))
      .rejects.not.toThrow(/cannot reach Redis/);
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});
