// bench:engine — jobs per hour of the BullMQ engine with 1 and 2 worker processes on a synthetic
// CPU-bound survey DAG (4 fields × 4 jobs + one LF job over all fields), against the in-process local
// engine in the same run. A private redis-server child on a free loopback port; every product's bytes
// are checked equal to the local engine's. Usage: npm run bench:engine [-- --fields N --spin K]
import { parseArgs } from 'node:util';
import { bullmqEngine, demoHandlers, localEngine, type JobSpec } from '../src/index.ts';
import { cleanup, snapshot, spawnWorker, startRedis, tempDir } from '../test/helpers.ts';
import { surveyDag } from '../test/dag.ts';

const { values } = parseArgs({ options: { fields: { type: 'string', default: '4' }, spin: { type: 'string', default: '1500' } } });
const fields = Number(values.fields);
const spin = Number(values.spin);
const dag = (): JobSpec[] => surveyDag(fields, { stepMs: 0 }).map((j) => ({ ...j, payload: { ...(j.payload as object), spin, steps: 2 } }));
const nJobs = dag().length;

const redis = await startRedis();
const dirs: string[] = [];
const rows: Array<{ name: string; seconds: number }> = [];
try {
  const ref = tempDir('bench-local');
  dirs.push(ref);
  let t0 = performance.now();
  await localEngine(demoHandlers(), { roots: { cache: ref, fields: [] } }).run(dag());
  rows.push({ name: 'local (in-process, 1 job at a time)', seconds: (performance.now() - t0) / 1000 });
  const expected = JSON.stringify(snapshot(ref));

  for (const n of [1, 2]) {
    const cache = tempDir(`bench-w${n}`);
    dirs.push(cache);
    const queue = `bench${n}`;
    const ws = Array.from({ length: n }, () => spawnWorker({ REDIS_URL: redis.url, CACHE: cache, QUEUE: queue }));
    await Promise.all(ws.map((w) => w.waitFor(/listening/, 60_000)));
    const engine = bullmqEngine({ redis: redis.url, queue, handlers: demoHandlers(), pollMs: 20 });
    t0 = performance.now();
    await engine.run(dag());
    rows.push({ name: `bullmq, ${n} worker process${n > 1 ? 'es' : ''}`, seconds: (performance.now() - t0) / 1000 });
    await engine.close();
    await Promise.all(ws.map((w) => w.kill()));
    if (JSON.stringify(snapshot(cache)) !== expected) throw new Error(`bullmq with ${n} workers: products differ from the local engine`);
  }
} finally {
  await redis.stop();
  cleanup(...dirs);
}
const base = rows[0].seconds;
console.log(`bench:engine — ${nJobs} jobs (${fields} fields), spin ${spin}; products byte-identical across engines`);
for (const r of rows) {
  console.log(`  ${r.name.padEnd(40)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round((nJobs / r.seconds) * 3600).toString().padStart(8)} jobs/h  ${(base / r.seconds).toFixed(2)}× local`);
}
console.log(`  2 workers / 1 worker: ${(rows[1].seconds / rows[2].seconds).toFixed(2)}× (this machine has limited cores; the ratio is bounded by them)`);
