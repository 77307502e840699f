// `asteris worker --redis URL --cache DIR [--fields DIR…] [--concurrency N]` (issue 16, docs/engine.md):
// serves @asteris/pipeline's stageHandlers(), i.e. every stage of the pipeline;
// processes stage jobs of `asteris run … --engine bullmq` runs from a BullMQ queue, on any machine that
// shares the cache directory (and the field directories) at the same paths. Runs until SIGINT/SIGTERM,
// then finishes the jobs in hand and exits. The password, if any, comes in the URL (or the
// ASTERIS_REDIS_URL environment variable, which keeps it out of process listings) and is never printed.
import { Option, type Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { UsageError } from '../errors.ts';

export interface WorkerCliOptions {
  redis?: string;
  cache: string;
  fields?: string[];
  concurrency?: string;
  queue?: string;
  lockDuration?: string;
  /** serve the engine's demo handlers instead of the stages (tests only; hidden) */
  demo?: boolean;
}

/**
 * Default job lock (s). BullMQ renews a job's lock from the event loop; a stage that keeps the loop
 * busy longer than this (a large co-add or extraction in-process) would be taken for a dead worker and
 * its job run again elsewhere (same bytes, wasted work). Stage work is long and partly synchronous,
 * so the default is generous; a killed worker's job is picked up after at most about 1.5× this.
 */
export const DEFAULT_LOCK_S = 120;

export function register(program: Command): void {
  program
    .command('worker')
    .description('process stage jobs from a Redis/BullMQ queue (for `asteris run --engine bullmq`) until interrupted')
    .option('--redis <url>', 'Redis URL: redis://[:password@]host[:port][/db] or rediss:// for TLS (default: $ASTERIS_REDIS_URL)')
    .requiredOption('--cache <dir>', 'the shared cache directory (every job path must lie inside it or a --fields directory)')
    .option('--fields <dir...>', 'field directories jobs may read')
    .option('--concurrency <n>', 'jobs processed at once by this worker', '1')
    .option('--queue <name>', 'queue name (must match the run)')
    .option('--lock-duration <seconds>', 'a job whose worker stops for this long is handed to another worker (must exceed the longest time a stage blocks the event loop)', String(DEFAULT_LOCK_S))
    .addOption(new Option('--demo', 'serve the engine demo handlers (tests)').hideHelp())
    .action(async (o: WorkerCliOptions) => {
      await runWorker(o);
    });
}

export async function runWorker(o: WorkerCliOptions, signal?: AbortSignal): Promise<void> {
  const redis = o.redis ?? process.env.ASTERIS_REDIS_URL;
  if (!redis) throw new UsageError('worker: give --redis URL (or set ASTERIS_REDIS_URL)');
  const concurrency = Number(o.concurrency ?? '1');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency: expected a positive integer (got '${o.concurrency}')`);
  const lock = Number(o.lockDuration ?? String(DEFAULT_LOCK_S));
  if (!Number.isFinite(lock) || lock < 0.5) throw new UsageError(`--lock-duration: expected seconds ≥ 0.5 (got '${o.lockDuration}')`);
  mkdirSync(o.cache, { recursive: true });
  const { startWorker } = await import('@asteris/engine');
  // The stages as job handlers (the same registry the runner enqueues); loaded on use (≈ 1 s).
  const handlers = o.demo ? (await import('@asteris/engine')).demoHandlers() : (await import('@asteris/pipeline')).stageHandlers();
  const worker = await startWorker({
    redis,
    roots: { cache: o.cache, fields: o.fields ?? [] },
    handlers,
    concurrency,
    queue: o.queue,
    lockDurationMs: Math.round(lock * 1000),
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  process.stderr.write('worker: stopping (finishing the jobs in hand)\n');
  await worker.close();
}
