// `npm run bench:survey` (issue 16): a small mock survey (4 simulated fields) through the runner on
//  - the local engine, and the BullMQ engine with 1 and 2 `asteris worker`-equivalent processes
//    (co-add path, --denoiser none, workers 0 so engine-level parallelism is what is compared);
//  - the co-add (--denoiser none) and ASTERIS (--denoiser lite-null, the default model) paths on the local engine.
// Prints fields per hour, wall time, peak memory (max RSS of the runner and every worker process) and
// candidates per arcmin². Each configuration starts from an empty cache. Redis: a private
// `redis-server` child on a random loopback port. Usage: npm run bench:survey [-- --fields 4 --size 128]
// `--closure`: the mock-survey closure test through the whole pipeline instead (survey-closure.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const BANDS = ['F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

interface ChildReport { wall: number; rssMiB: number; candidates: number; areaArcmin2: number }

async function child(): Promise<void> {
  // --child <survey.json> <out> <denoiser> <local|redis-url>
  const [survey, out, denoiser, engine] = process.argv.slice(3);
  const { runPipeline, loadRunConfig, silentReporter } = await import('../src/index.ts');
  const cfg = loadRunConfig(undefined, {
    denoiser, workers: denoiser === 'none' ? 0 : undefined, preset: 'auto',
    injection: { n: 20, rounds: 1, magRange: [26, 30], zRange: [9.5, 12.5], seed: 7 }, lf: { nWalkers: 8, nSteps: 20 },
  });
  const t0 = performance.now();
  const res = await runPipeline({
    field: survey!, out: out!, config: cfg, reporter: silentReporter(),
    engine: engine === 'local' ? undefined : { kind: 'bullmq', redis: engine!, queue: 'bench', pollMs: 50 },
  });
  const wall = (performance.now() - t0) / 1000;
  const products = JSON.parse(readFileSync(join(out!, 'products.json'), 'utf8')) as { fields?: string[] };
  let candidates = 0;
  const rel = relative(products.fields?.[0] ?? out!, res.candidates);
  for (const d of products.fields ?? [out!]) candidates += readFileSync(join(d, rel), 'utf8').trim().split('\n').length - 1;
  const lf = JSON.parse(readFileSync(res.lf!, 'utf8')) as { areaArcmin2: number };
  const r: ChildReport = { wall, rssMiB: maxRssMiB(), candidates, areaArcmin2: lf.areaArcmin2 };
  process.stdout.write(`REPORT ${JSON.stringify(r)}\n`);
}

async function worker(): Promise<void> {
  // --worker <redis-url> <cache> <fields…>
  const [url, cache, ...fields] = process.argv.slice(3);
  const { startWorker } = await import('@asteris/engine');
  const { stageHandlers } = await import('../src/index.ts');
  const w = await startWorker({ redis: url!, roots: { cache: cache!, fields }, handlers: stageHandlers(), queue: 'bench', lockDurationMs: 120_000, log: () => {} });
  process.stdout.write('listening\n');
  process.on('SIGTERM', () => {
    void w.close().then(() => { process.stdout.write(`RSS ${maxRssMiB()}\n`); process.exit(0); });
  });
}

function spawnTs(args: string[]): { proc: ChildProcess; out: () => string; done: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => { out += b; });
  return { proc, out: () => out, done: new Promise((res) => proc.on('close', (c) => res(c))) };
}

async function main(): Promise<void> {
  const nFields = arg('fields', 4);
  const size = arg('size', 128);
  const tmp = mkdtempSync(join(tmpdir(), 'asteris-bench-survey-'));
  const redisProcs: ChildProcess[] = [];
  try {
    const { simulateField } = await import('@asteris/sim');
    const fields: string[] = [];
    for (let i = 0; i < nFields; i++) {
      const dir = join(tmp, `field${i}`);
      await simulateField({
        kind: 'asteris-field-spec', name: `field${i}`, seed: 100 + i, width: size, height: size, nexp: 8, bands: BANDS, psfRadius: 1.5,
        populations: { lowz: { magRange: [20, 29] }, browndwarfs: { perArcmin2: 5 }, highz: { oversample: 400, mLimit: 28.5 } },
      } as never, dir, { workers: 0 });
      fields.push(dir);
    }
    const survey = join(tmp, 'survey.json');
    writeFileSync(survey, JSON.stringify({ kind: 'asteris-survey', name: 'bench', fields }));

    const port = await new Promise<number>((res, rej) => {
      const s = createServer();
      s.once('error', rej);
      s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); });
    });
    const url = `redis://127.0.0.1:${port}`;
    redisProcs.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    await sleep(300);

    const rows: { config: string; r: ChildReport; workersRss: number[] }[] = [];
    const runOne = async (config: string, denoiser: string, nWorkers: number): Promise<void> => {
      const out = join(tmp, `out-${rows.length}`);
      mkdirSync(join(out, 'cache'), { recursive: true });
      const ws = Array.from({ length: nWorkers }, () => spawnTs(['--worker', url, join(out, 'cache'), ...fields]));
      for (const w of ws) while (!/listening/.test(w.out())) { if (w.proc.exitCode !== null) throw new Error('worker failed to start'); await sleep(50); }
      const c = spawnTs(['--child', survey, out, denoiser, nWorkers ? url : 'local']);
      const code = await c.done;
      const m = c.out().match(/REPORT (.*)/);
      if (code !== 0 || !m) throw new Error(`${config}: run failed (exit ${code})`);
      const workersRss: number[] = [];
      for (const w of ws) {
        w.proc.kill('SIGTERM');
        await w.done;
        const r = w.out().match(/RSS ([\d.]+)/);
        if (r) workersRss.push(Number(r[1]));
      }
      rows.push({ config, r: JSON.parse(m[1]!) as ChildReport, workersRss });
      rmSync(out, { recursive: true, force: true });
      process.stderr.write(`${config}: ${rows.at(-1)!.r.wall.toFixed(1)} s\n`);
    };
    await runOne('local engine, co-add (none)', 'none', 0);
    await runOne('bullmq, 1 worker, co-add (none)', 'none', 1);
    await runOne('bullmq, 2 workers, co-add (none)', 'none', 2);
    await runOne('local engine, ASTERIS (lite-null)', 'lite-null', 0);

    const ref = rows[0]!.r.wall;
    console.log(`\nbench:survey — ${nFields} simulated fields of ${size}×${size} px, ${BANDS.length} bands, 8 exposures, 20 injections; ${cpus().length} CPU cores; each run from an empty cache`);
    console.log('config                              wall s   fields/h   vs local   peak RSS MiB (runner + workers)   candidates/arcmin²');
    for (const { config, r, workersRss } of rows) {
      const rss = `${r.rssMiB.toFixed(0)}${workersRss.length ? ` + ${workersRss.map((x) => x.toFixed(0)).join(' + ')}` : ''}`;
      console.log(`${config.padEnd(34)}  ${r.wall.toFixed(1).padStart(6)}   ${((nFields / r.wall) * 3600).toFixed(0).padStart(8)}   ${(ref / r.wall).toFixed(2).padStart(7)}×   ${rss.padEnd(32)}  ${(r.candidates / r.areaArcmin2).toFixed(1)}`);
    }
  } finally {
    for (const r of redisProcs) r.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv.includes('--closure')) await (await import('./survey-closure.ts')).closureBench(process.argv.slice(2), SELF);
else if (process.argv[2] === '--closure-child') await (await import('./survey-closure.ts')).closureChild(process.argv.slice(3));
else if (process.argv[2] === '--child') await child();
else if (process.argv[2] === '--worker') await worker();
else await main();
