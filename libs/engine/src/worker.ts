// A BullMQ worker: processes the jobs of `bullmqEngine` runs on any machine that shares the cache
// directory. The queue is a trust boundary: each payload is validated with its handler's schema here,
// and every path it names must lie inside this worker's roots; such failures are not retried.
// Stalled jobs (a worker killed mid-job) go back to the queue once their lock expires.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobHandler, Roots } from './types.ts';
import { checkPayloadPaths, errorMessage, handlerMap, parsePayload, toJson } from './dag.ts';
import { connectRedis, EngineError } from './redis.ts';
import { redact, redactUrl } from './redact.ts';
import { resolveRoots } from './roots.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, type QueuedJob } from './bullmq.ts';

export interface WorkerOptions {
  redis: string;
  roots: Roots;
  handlers: JobHandler<any, any>[];
  /** jobs processed at once by this worker (default 1) */
  concurrency?: number;
  queue?: string;
  /** a job whose worker stops renewing its lock for this long is given to another worker (default 30 s) */
  lockDurationMs?: number;
  /** how often stalled jobs are looked for (default lockDurationMs / 2) */
  stalledIntervalMs?: number;
  /** connect timeout (default 5000 ms) */
  connectTimeoutMs?: number;
  /** one line per event; every line is redacted (default: stderr) */
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** finishes the jobs in hand, then disconnects */
  close(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const hs = handlerMap(opts.handlers);
  const roots = resolveRoots(opts.roots);
  const url = opts.redis;
  const sink = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log = (line: string): void => sink(redact(line, url));
  const lockDuration = opts.lockDurationMs ?? 30_000;
  const conn: Redis = await connectRedis(url, { timeoutMs: opts.connectTimeoutMs, maxRetriesPerRequest: null });
  let lastConnError = '';
  conn.on('error', (e: Error) => {
    const msg = redact(e.message, url);
    if (msg !== lastConnError) log(`worker: Redis ${redactUrl(url)}: ${msg}`);
    lastConnError = msg;
  });
  conn.on('ready', () => {
    if (lastConnError) log(`worker: reconnected to ${redactUrl(url)}`);
    lastConnError = '';
  });

  const processor = async (job: Job<QueuedJob>): Promise<unknown> => {
    const d = job.data;
    const h = hs.get(d?.kind);
    const id = typeof d?.id === 'string' ? d.id : String(job.id);
    try {
      if (!h) throw new EngineError(`job ${id}: this worker has no handler for kind "${String(d?.kind)}"`);
      const payload = parsePayload(h, id, d.payload);
      checkPayloadPaths(h, id, payload, roots);
      log(`worker: start ${id}${job.attemptsStarted > 1 ? ` (try ${job.attemptsStarted})` : ''}`);
      const t0 = performance.now();
      const result = await h.run(payload, {
        id, roots,
        deps: d.deps && typeof d.deps === 'object' ? d.deps : {},
        progress: (done, total, message) => {
          job.updateProgress({ done, total, ...(message ? { message } : {}) }).catch(() => {});
        },
      });
      const out = toJson(id, result);
      log(`worker: done ${id} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return { ok: true, result: out }; // the envelope tells a real result from a mangled job
    } catch (e) {
      const msg = redact(errorMessage(e), url);
      log(`worker: failed ${id}: ${msg}`);
      // bad payloads and refused paths will not get better on a retry
      throw e instanceof EngineError ? new UnrecoverableError(msg) : new Error(msg);
    }
  };

  const worker = new Worker<QueuedJob>(opts.queue ?? DEFAULT_QUEUE, processor, {
    connection: conn,
    prefix: DEFAULT_PREFIX,
    concurrency: Math.max(1, Math.floor(opts.concurrency ?? 1)),
    lockDuration,
    stalledInterval: opts.stalledIntervalMs ?? Math.max(500, Math.floor(lockDuration / 2)),
    maxStalledCount: 3,
    autorun: true,
  });
  worker.on('error', (e) => {
    const msg = redact(errorMessage(e), url);
    if (msg !== lastConnError) log(`worker: ${msg}`);
  });
  worker.on('stalled', (jobId) => log(`worker: job ${jobId} stalled (its worker stopped); requeued`));
  await worker.waitUntilReady();
  log(`worker: listening on ${redactUrl(url)} queue ${opts.queue ?? DEFAULT_QUEUE} (kinds: ${[...hs.keys()].join(', ')})`);
  return {
    async close() {
      // bounded: a blocking connection that lived through a Redis restart can keep close() waiting
      const graceful = worker.close().then(() => true, () => true);
      const timer = new Promise<boolean>((res) => setTimeout(() => res(false), 5000).unref());
      if (!(await Promise.race([graceful, timer]))) await Promise.race([worker.close(true).catch(() => {}), new Promise((res) => setTimeout(res, 2000).unref())]);
      conn.disconnect();
    },
  };
}
