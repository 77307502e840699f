// The BullMQ engine against a private redis-server child (127.0.0.1, random port, no persistence)
// and worker child processes: same bytes as the local engine, kill -9 of a worker mid-job, Redis
// restarted mid-run, refused paths, retries, redacted passwords, unreachable Redis.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, Queue } from 'bullmq';
import { bullmqEngine, connectRedis, demoHandlers, localEngine, startWorker, type EngineEvent } from '../src/index.ts';
import { cleanup, freePort, RUN_FIXTURE, snapshot, spawnWorker, startRedis, tempDir, type RedisChild, type WorkerChild } from './helpers.ts';
import { surveyDag } from './dag.ts';

let hasRedis = true;
try {
  execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
} catch {
  hasRedis = false;
}

const dirs: string[] = [];
const dir = (tag: string): string => {
  const d = tempDir(tag);
  dirs.push(d);
  return d;
};
const workers: WorkerChild[] = [];
const worker = (env: Parameters<typeof spawnWorker>[0]): WorkerChild => {
  const w = spawnWorker(env);
  workers.push(w);
  return w;
};
let redis: RedisChild;
let reference: Record<string, string>;
let referenceResults: Record<string, unknown>;

// a missing redis-server (e.g. a machine without scripts/setup.sh) is a failure, not a skip
describe('bullmq engine', () => {
  beforeAll(async () => {
    if (!hasRedis) throw new Error('redis-server is not installed: run scripts/setup.sh (Debian package redis-server)');
    redis = await startRedis();
    const ref = dir('ref');
    referenceResults = await localEngine(demoHandlers(), { roots: { cache: ref, fields: [] } }).run(surveyDag(4));
    reference = snapshot(ref);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await redis?.stop();
    cleanup(...dirs);
  });

  it('2 worker processes give byte-identical products and results to the local engine, with per-job events', async () => {
    const cache = dir('two');
    const env = { REDIS_URL: redis.url, CACHE: cache, QUEUE: 'two' };
    const ws = [worker(env), worker(env)];
    await Promise.all(ws.map((w) => w.waitFor(/listening/)));
    const engine = bullmqEngine({ redis: redis.url, queue: 'two', handlers: demoHandlers(), pollMs: 50 });
    const events: EngineEvent[] = [];
    try {
      const r = await engine.run(surveyDag(4), { onEvent: (e) => events.push(e) });
      expect(r).toEqual(referenceResults);
    } finally {
      await engine.close();
    }
    expect(snapshot(cache)).toEqual(reference);
    const done = events.filter((e) => e.type === 'done');
    expect(done).toHaveLength(17);
    expect(done.find((e) => e.id === 'field3/detect')).toMatchObject({ group: 'field3', label: 'field3/detect' });
    expect(events.filter((e) => e.type === 'start')).toHaveLength(17);
    // both processes took jobs
    for (const w of ws) expect(w.output()).toMatch(/worker: done /);
    await Promise.all(ws.map((w) => w.kill()));
  });

  it('kill -9 of a worker mid-job: the job finishes on the other worker with the same bytes', async () => {
    const cache = dir('kill');
    const env = { REDIS_URL: redis.url, CACHE: cache, QUEUE: 'kill', LOCK_MS: '1000' };
    const a = worker(env);
    await a.waitFor(/listening/);
    const engine = bullmqEngine({ redis: redis.url, queue: 'kill', handlers: demoHandlers(), pollMs: 50 });
    const events: EngineEvent[] = [];
    try {
      const run = engine.run(surveyDag(4, { slow: 'field1/detect' }), { onEvent: (e) => events.push(e) });
      await a.waitFor(/worker: start field1\/detect/);
      await a.kill('SIGKILL');
      const b = worker(env);
      const r = await run;
      expect(b.output()).toMatch(/worker: done field1\/detect/);
      expect(a.output()).not.toMatch(/worker: done field1\/detect/);
      expect(r).toEqual(referenceResults);
      await b.kill();
    } finally {
      await engine.close();
    }
    expect(snapshot(cache)).toEqual(reference);
    expect(events.some((e) => e.type === 'progress' && e.id === 'field1/detect')).toBe(true);
  });

  it('Redis killed and restarted mid-run (state lost): the run completes with the same bytes', async () => {
    const cache = dir('restart');
    const env = { REDIS_URL: redis.url, CACHE: cache, QUEUE: 'restart', LOCK_MS: '1000' };
    const ws = [worker(env), worker(env)];
    await Promise.all(ws.map((w) => w.waitFor(/listening/)));
    const engine = bullmqEngine({ redis: redis.url, queue: 'restart', handlers: demoHandlers(), pollMs: 50 });
    try {
      let doneCount = 0;
      let restarted: Promise<void> | undefined;
      const r = await engine.run(surveyDag(4, { stepMs: 60 }), {
        onEvent: (e) => {
          if (e.type === 'done' && ++doneCount === 4) {
            restarted = (async () => {
              await redis.stop();
              await new Promise((res) => setTimeout(res, 500));
              await redis.start();
            })();
          }
        },
      });
      await restarted;
      expect(r).toEqual(referenceResults);
    } finally {
      await engine.close();
    }
    expect(snapshot(cache)).toEqual(reference);
    for (const w of ws) expect(w.output()).toMatch(/reconnected/);
    await Promise.all(ws.map((w) => w.kill()));
  });

  it('Redis down for longer than the outage limit: a clear error, and a rerun resumes', async () => {
    const cache = dir('outage');
    const queue = 'outage';
    const engine = bullmqEngine({ redis: redis.url, queue, handlers: demoHandlers(), pollMs: 50, outageMs: 1500 });
    const w = await startWorker({ redis: redis.url, roots: { cache, fields: [] }, handlers: demoHandlers(), queue, lockDurationMs: 1000, log: () => {} });
    try {
      let stopped: Promise<void> | undefined;
      const run = engine.run(surveyDag(2), { onEvent: (e) => { if (e.type === 'done') stopped ??= redis.stop(); } });
      await expect(run).rejects.toThrow(new RegExp(`lost Redis at redis://127.0.0.1:${redis.port} for 2 s .*rerun the same command to resume`));
      await stopped;
      await redis.start();
      const r = await engine.run(surveyDag(2));
      expect(Object.keys(r)).toHaveLength(9);
    } finally {
      await engine.close();
      await w.close();
    }
  });

  it('a job naming a path outside the roots is refused by the worker (no retries), naming the path', async () => {
    const cache = dir('refuse');
    const outside = dir('elsewhere');
    const queue = 'refuse';
    const w = await startWorker({ redis: redis.url, roots: { cache, fields: [] }, handlers: demoHandlers(), queue, log: () => {} });
    const engine = bullmqEngine({ redis: redis.url, queue, handlers: demoHandlers(), pollMs: 50 });
    try {
      const events: EngineEvent[] = [];
      await expect(engine.run([{ id: 'evil', kind: 'demo.write', deps: [], payload: { out: join(outside, 'x.bin'), seed: 1, bytes: 8 } }], { onEvent: (e) => events.push(e) }))
        .rejects.toThrow(`job evil failed after 1 attempt: job evil: refused path ${join(outside, 'x.bin')}: outside the worker's roots`);
      expect(events.some((e) => e.type === 'retry')).toBe(false);
      await expect(engine.run([{ id: 'up', kind: 'demo.write', deps: [], payload: { out: '../x.bin', seed: 1, bytes: 8 } }]))
        .rejects.toThrow("refused path ../x.bin: '..' segments are not allowed");
      expect(snapshot(outside)).toEqual({});
      // a producer that skips validation (anyone who can write to Redis): the worker validates itself
      const conn = await connectRedis(redis.url, { maxRetriesPerRequest: null });
      const raw = new Queue(queue, { connection: conn, prefix: 'asteris' });
      try {
        await raw.add('demo.write', { id: 'raw', kind: 'demo.write', payload: { out: 'r.bin', seed: 'x', bytes: 8, extra: 1 }, deps: {} }, { jobId: 'raw-1', attempts: 3 });
        await raw.add('demo.write', { id: 'raw2', kind: 'rm.rf', payload: {}, deps: {} }, { jobId: 'raw-2', attempts: 3 });
        for (let i = 0; i < 200 && ((await raw.getJobState('raw-1')) !== 'failed' || (await raw.getJobState('raw-2')) !== 'failed'); i++) await new Promise((r) => setTimeout(r, 50));
        const j1 = (await Job.fromId(raw, 'raw-1'))!;
        expect(await j1.getState()).toBe('failed');
        expect(j1.attemptsMade).toBe(1); // not retried
        expect(j1.failedReason).toMatch(/^job raw \(demo\.write\): invalid payload: seed: .*; \(payload\): .*extra/);
        expect((await Job.fromId(raw, 'raw-2'))!.failedReason).toBe('job raw2: this worker has no handler for kind "rm.rf"');
      } finally {
        await raw.close();
        conn.disconnect();
      }
      // a transient failure is retried with backoff
      events.length = 0;
      const r = await bullmqEngine({ redis: redis.url, queue, handlers: demoHandlers(), pollMs: 50, backoffMs: 100 })
        .run([{ id: 'flaky', kind: 'demo.write', deps: [], payload: { out: 'flaky.bin', seed: 1, bytes: 8, failTimes: 1 } }], { onEvent: (e) => events.push(e) });
      expect(r.flaky).toMatchObject({ bytes: 8 });
      expect(events.find((e) => e.type === 'retry')).toMatchObject({ error: 'demo.write flaky.bin: planned failure 1 of 1' });
    } finally {
      await engine.close();
      await w.close();
    }
  });

  it('a password in the URL works and never appears in logs or errors', async () => {
    const password = 'pa55:w/rd@xyz';
    const secure = await startRedis({ password });
    const logs: string[] = [];
    const cache = dir('pw');
    try {
      const w = await startWorker({ redis: secure.url, roots: { cache, fields: [] }, handlers: demoHandlers(), queue: 'pw', log: (l) => logs.push(l) });
      const engine = bullmqEngine({ redis: secure.url, queue: 'pw', handlers: demoHandlers(), pollMs: 50 });
      const r = await engine.run(surveyDag(1));
      expect(Object.keys(r)).toHaveLength(5);
      await engine.close();
      // a wrong password: a clear error without either password
      const wrong = secure.url.replace(encodeURIComponent(password), 'nope-Secret');
      const err = await bullmqEngine({ redis: wrong, handlers: demoHandlers(), connectTimeoutMs: 2000 }).run(surveyDag(1)).catch((e: Error) => e);
      expect(String(err)).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
      // Redis restarting under the worker makes it log connection errors: still redacted
      await secure.stop();
      await new Promise((res) => setTimeout(res, 400));
      await secure.start();
      await w.close();
      const text = [...logs, String(err), (err as Error).stack ?? ''].join('\n');
      expect(logs.some((l) => l.includes('redis://:***@127.0.0.1'))).toBe(true);
      for (const s of [password, encodeURIComponent(password), 'nope-Secret']) expect(text).not.toContain(s);
      expect(JSON.stringify(snapshot(cache))).not.toContain(password);
    } finally {
      await secure.stop();
    }
  });

  it('rediss:// (TLS) with a password, CA trusted through NODE_EXTRA_CA_CERTS: same results, password never printed', async () => {
    const certs = dir('tls');
    const cert = join(certs, 'cert.pem');
    const key = join(certs, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const password = 'tls-Pa55word';
    const secure = await startRedis({ password, tls: { cert, key } });
    try {
      expect(secure.url).toMatch(/^rediss:/);
      const cache = dir('tls-cache');
      const env = { REDIS_URL: secure.url, CACHE: cache, QUEUE: 'tls', NODE_EXTRA_CA_CERTS: cert };
      const w = worker(env);
      await w.waitFor(/listening on rediss:\/\/:\*\*\*@127\.0\.0\.1/);
      const run = spawnWorker(env, RUN_FIXTURE);
      const code = await new Promise((res) => run.proc.once('exit', res));
      expect(code, run.output()).toBe(0);
      expect(run.output()).not.toMatch(/Warning/);
      const ref = Object.fromEntries(Object.entries(referenceResults).filter(([k]) => k.startsWith('field0/')));
      const got = JSON.parse(run.output().split("\n").find((l) => l.startsWith("{")) ?? "") as Record<string, unknown>;
      expect(got['survey/lf']).toMatchObject({ bytes: 4096 });
      expect(Object.fromEntries(Object.entries(got).filter(([k]) => k.startsWith('field0/')))).toEqual(ref);
      await w.kill();
      // without the CA the certificate is refused: a clear error, no password
      const untrusted = spawnWorker({ ...env, NODE_EXTRA_CA_CERTS: undefined as unknown as string }, RUN_FIXTURE);
      await new Promise((res) => untrusted.proc.once('exit', res));
      expect(untrusted.output()).toMatch(/cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+ within 5 s: .*certificate/);
      for (const o of [w.output(), run.output(), untrusted.output()]) expect(o).not.toContain(password);
    } finally {
      await secure.stop();
    }
  });

  it('unreachable Redis: one clear error within a few seconds, for the engine and the worker', async () => {
    const port = await freePort();
    const url = `redis://:hunter2@127.0.0.1:${port}`;
    const t0 = Date.now();
    const err = await bullmqEngine({ redis: url, handlers: demoHandlers(), connectTimeoutMs: 2000 }).run(surveyDag(1)).catch((e: Error) => e);
    expect(String(err)).toMatch(new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} within 2 s: .*ECONNREFUSED`));
    const err2 = await startWorker({ redis: url, roots: { cache: dir('unreach'), fields: [] }, handlers: demoHandlers(), connectTimeoutMs: 2000 }).catch((e: Error) => e);
    expect(String(err2)).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@/);
    expect(Date.now() - t0).toBeLessThan(10_000); // bounded, not a timing claim: it must not hang
    expect(`${String(err)}${String(err2)}`).not.toContain('hunter2');
  });
});
