// The BullMQ engine (producer side): releases each job of the DAG to a BullMQ queue as soon as its
// dependencies have results, with their results in the job data, and waits for workers
// (`startWorker`, `asteris worker`) on any machine to complete it.
//
// Why not one FlowProducer tree: a BullMQ flow is a tree (each child has exactly one parent), while a
// survey DAG shares jobs (one luminosity function over every field). Releasing jobs when their deps
// are done gives the same ordering for any DAG, and the producer never needs a job's parent links.
//
// Robustness: job ids are deterministic (hash of the DAG + job id), so a rerun adopts jobs still
// queued or running from an interrupted run; a job that vanished (Redis restarted without
// persistence) is enqueued again — jobs are deterministic and write their products atomically, so a
// rerun gives the same bytes. A Redis outage longer than `outageMs` stops the run with a clear error.
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Engine, EngineEvent, JobHandler, JobSpec } from './types.ts';
import { checkDag, errorMessage, handlerMap, hashJson, parsePayload, sleep } from './dag.ts';
import { connectRedis, EngineError } from './redis.ts';
import { redact, redactUrl } from './redact.ts';

export const DEFAULT_QUEUE = 'asteris-jobs';
export const DEFAULT_PREFIX = 'asteris';

/** What a queued job carries (JSON). */
export interface QueuedJob {
  id: string;
  kind: string;
  payload: unknown;
  deps: Record<string, unknown>;
  label?: string;
  group?: string;
}

export interface BullmqEngineOptions {
  /** redis://[:password@]host[:port][/db] or rediss://… (TLS) */
  redis: string;
  /** queue name (default "asteris-jobs"); workers must use the same */
  queue?: string;
  /** used to validate payloads before they are enqueued (workers validate again) */
  handlers: JobHandler<any, any>[];
  /** tries per job, including the first (default 3) */
  attempts?: number;
  /** first retry delay; doubles each try (default 1000 ms) */
  backoffMs?: number;
  /** how often job states are read (default 200 ms) */
  pollMs?: number;
  /** connect timeout (default 5000 ms) */
  connectTimeoutMs?: number;
  /** stop with an error if Redis is unreachable for this long mid-run (default 60 s) */
  outageMs?: number;
}

interface Tracked {
  jobId: string;
  /** bumped when Redis lost the job, so a stale half-job never shadows the new one */
  generation: number;
  started: boolean;
  attemptsSeen: number;
  retries: number;
  progress?: string;
}

const IN_FLIGHT = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export function bullmqEngine(opts: BullmqEngineOptions): Engine {
  const hs = handlerMap(opts.handlers);
  const queueName = opts.queue ?? DEFAULT_QUEUE;
  const attempts = Math.max(1, Math.floor(opts.attempts ?? 3));
  const backoffMs = opts.backoffMs ?? 1000;
  const pollMs = opts.pollMs ?? 200;
  const outageMs = opts.outageMs ?? 60_000;
  let conn: Redis | undefined;
  let queue: Queue | undefined;

  const open = async (): Promise<Queue> => {
    if (queue) return queue;
    conn = await connectRedis(opts.redis, { timeoutMs: opts.connectTimeoutMs, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    conn.on('error', () => {}); // outages are handled (and reported) by the run loop
    queue = new Queue(queueName, { connection: conn, prefix: DEFAULT_PREFIX });
    queue.on('error', () => {});
    return queue;
  };

  return {
    async run(jobs: JobSpec[], runOpts = {}) {
      const emit = (e: EngineEvent): void => runOpts.onEvent?.(e);
      const order = checkDag(jobs, hs);
      const byId = new Map(jobs.map((j) => [j.id, j]));
      for (const j of jobs) parsePayload(hs.get(j.kind)!, j.id, j.payload);
      const q = await open();
      const runKey = hashJson(jobs.map((j) => [j.id, j.kind, j.payload, j.deps]));
      const results: Record<string, unknown> = {};
      const tracked = new Map<string, Tracked>();
      let downSince: number | undefined;
      let lastError = '';

      const submit = async (spec: JobSpec, t: Tracked): Promise<void> => {
        const existing = await Job.fromId(q, t.jobId);
        if (existing) {
          const st = await existing.getState();
          if (IN_FLIGHT.has(st)) return; // adopt a job from an interrupted run of the same DAG
          await existing.remove(); // finished in an earlier run: run it again (its products are cached)
        }
        const data: QueuedJob = {
          id: spec.id, kind: spec.kind, payload: spec.payload,
          deps: Object.fromEntries(spec.deps.map((d) => [d, results[d]])),
          label: spec.label, group: spec.group,
        };
        await q.add(spec.kind, data, {
          jobId: t.jobId, attempts, backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 7 * 86400 },
        });
      };

      const jobIdOf = (id: string, generation: number): string => `${runKey}-${hashJson(id)}${generation ? `-g${generation}` : ''}`;

      const poll = async (spec: JobSpec, t: Tracked): Promise<void> => {
        const base = { id: spec.id, label: spec.label, group: spec.group };
        // state first: a job read after its state is at least as far along, so a "failed" or
        // "completed" state always comes with the failure reason or the result
        const state = await q.getJobState(t.jobId);
        const job = await Job.fromId(q, t.jobId);
        const envelope = job?.returnvalue as { ok?: unknown; result?: unknown } | null | undefined;
        if (!job || state === 'unknown' || (job.data as Partial<QueuedJob> | undefined)?.id !== spec.id
          || (state === 'completed' && envelope?.ok !== true)) {
          // lost or mangled (Redis restarted without persistence): enqueue it again under a new id
          t.generation++;
          t.jobId = jobIdOf(spec.id, t.generation);
          await submit(spec, t);
          return;
        }
        if (job.attemptsMade > t.attemptsSeen && state !== 'failed' && state !== 'completed') {
          // a try failed since the last poll; it is a retry only if the job did not finish meanwhile
          const now = await q.getJobState(t.jobId);
          if (now === 'failed' || now === 'completed') return; // reported by the next poll
          t.retries++;
          emit({ type: 'retry', ...base, error: job.failedReason });
        }
        t.attemptsSeen = Math.max(t.attemptsSeen, job.attemptsMade);
        if (!t.started && (state === 'active' || state === 'completed' || state === 'failed')) {
          t.started = true;
          emit({ type: 'start', ...base });
        }
        const p = job.progress as { done?: unknown; total?: unknown; message?: unknown } | number;
        if (p && typeof p === 'object' && typeof p.done === 'number' && typeof p.total === 'number') {
          const key = JSON.stringify(p);
          if (key !== t.progress) {
            t.progress = key;
            emit({ type: 'progress', id: spec.id, done: p.done, total: p.total, message: typeof p.message === 'string' ? p.message : undefined });
          }
        }
        if (state === 'completed' || state === 'failed') {
          // tries that failed (or stalled) between two polls: report them before the outcome
          const tries = Math.max(job.attemptsStarted ?? 0, job.attemptsMade, 1);
          for (let k = t.retries; k < tries - 1; k++) emit({ type: 'retry', ...base, error: job.failedReason || 'the job was interrupted and run again' });
          t.retries = Math.max(t.retries, tries - 1);
        }
        const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined;
        if (state === 'completed') {
          results[spec.id] = envelope?.result ?? null;
          tracked.delete(spec.id);
          emit({ type: 'done', ...base, seconds });
        } else if (state === 'failed') {
          const error = redact(job.failedReason || 'failed', opts.redis);
          emit({ type: 'failed', ...base, seconds, error });
          throw new EngineError(`job ${spec.id} failed after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${error}`);
        }
      };

      const remaining = new Set(order);
      while (remaining.size > 0) {
        try {
          for (const id of [...remaining]) {
            const spec = byId.get(id)!;
            if (id in results) {
              remaining.delete(id);
              continue;
            }
            let t = tracked.get(id);
            if (!t) {
              if (!spec.deps.every((d) => d in results)) continue;
              t = { jobId: jobIdOf(id, 0), generation: 0, started: false, attemptsSeen: 0, retries: 0 };
              await submit(spec, t);
              tracked.set(id, t);
            }
            await poll(spec, t);
            if (id in results) remaining.delete(id);
          }
          downSince = undefined;
        } catch (e) {
          if (e instanceof EngineError) throw e;
          // a Redis outage (connection refused / closed / not writeable): wait, bounded
          lastError = redact(errorMessage(e), opts.redis);
          downSince ??= Date.now();
          if (Date.now() - downSince > outageMs) {
            throw new EngineError(`lost Redis at ${redactUrl(opts.redis)} for ${Math.round(outageMs / 1000)} s (${lastError}); rerun the same command to resume`);
          }
        }
        if (remaining.size > 0) await sleep(pollMs);
      }
      return Object.fromEntries(order.map((id) => [id, results[id]]));
    },
    async close() {
      await queue?.close().catch(() => {});
      conn?.disconnect();
      queue = undefined;
      conn = undefined;
    },
  };
}
