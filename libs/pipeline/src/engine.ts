// The adapter that turns a Stage (libs/core/src/stage.ts) into a @asteris/engine JobHandler that keys
// and stores its products in the content-addressed cache (cache.ts), and the engine a run uses: the
// in-process `localEngine` (default) or `bullmqEngine` (`asteris run … --engine bullmq --redis URL`,
// with `asteris worker` processes serving `stageHandlers()` on any machine sharing the cache).
// The job/engine interface itself is defined once, in @asteris/engine (docs/engine.md).
import { z, type ZodType } from 'zod';
import type { Stage } from '@asteris/core';
import { bullmqEngine, connectRedis, localEngine, type Engine, type JobContext, type JobHandler, type Roots } from '@asteris/engine';
import { ProductCache, type KeyParts } from './cache.ts';
import { codeVersion } from './code-version.ts';
import { hashFile } from './hash.ts';

export type { Engine, EngineEvent, JobSpec, JobHandler, JobContext, Roots } from '@asteris/engine';

/** Builds the engine of a run from the stage handlers and the run's roots (cache + field directories). */
export type EngineFactory = (handlers: JobHandler<any, any>[], roots: Roots) => Engine;

/** Which engine runs a DAG: in-process (default), a BullMQ queue served by `asteris worker`s, or a factory. */
export type EngineChoice =
  | { kind: 'local'; concurrency?: number }
  | { kind: 'bullmq'; redis: string; queue?: string; connectTimeoutMs?: number; pollMs?: number }
  | EngineFactory;

export const localEngineFactory = (concurrency = 1): EngineFactory => (handlers, roots) => localEngine(handlers, { roots, concurrency });

/** The factory of an engine choice (undefined = local). */
export function engineFactory(choice: EngineChoice | undefined): EngineFactory {
  if (!choice) return localEngineFactory();
  if (typeof choice === 'function') return choice;
  if (choice.kind === 'local') return localEngineFactory(choice.concurrency);
  const { redis, queue, connectTimeoutMs, pollMs } = choice;
  return (handlers) => bullmqEngine({ redis, queue, handlers, connectTimeoutMs, pollMs });
}

/** Fails fast with one clear line (EngineError "cannot reach Redis at redis://:***@host…") before any work. */
export async function checkEngine(choice: EngineChoice | undefined): Promise<void> {
  if (choice && typeof choice !== 'function' && choice.kind === 'bullmq') {
    (await connectRedis(choice.redis, { timeoutMs: choice.connectTimeoutMs })).disconnect();
  }
}

/** What a stage job returns: its product (the stage's read()), cache key and directory. */
export interface StageResult { stage: string; key: string; dir: string; cached: boolean; seconds: number; product: unknown; summary?: Record<string, unknown> }

/** A job payload: the stage's inputs (with {$product: jobId} references to upstream products) and config. */
export interface StagePayload { inputs: unknown; config: unknown; cache: string }

/**
 * Replaces {$product: id} by the dep's product (or its field `pick`), collecting upstream keys, and
 * {$result: id} by the dep's {key, cached, seconds} (for the report; not part of any key).
 */
function resolveRefs(v: unknown, deps: Record<string, unknown>, keys: string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, deps, keys));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['$product'] === 'string') {
      const r = deps[o['$product']] as StageResult | undefined;
      if (!r) throw new Error(`input refers to job ${o['$product']}, which is not a dependency`);
      // a picked part keys as key:part, so two jobs reading different parts of one product (e.g. the
      // detect stage's main vs co-add sources) never share a cache key
      keys.push(typeof o['pick'] === 'string' ? `${r.key}:${o['pick']}` : r.key);
      return typeof o['pick'] === 'string' ? (r.product as Record<string, unknown>)[o['pick']] : r.product;
    }
    if (typeof o['$result'] === 'string') {
      const r = deps[o['$result']] as StageResult | undefined;
      if (!r) throw new Error(`input refers to job ${o['$result']}, which is not a dependency`);
      return { key: r.key, cached: r.cached, seconds: r.seconds };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolveRefs(x, deps, keys)]));
  }
  return v;
}

/** Every absolute path string in a payload (checked against the roots before a job runs). */
function absolutePaths(v: unknown): string[] {
  if (typeof v === 'string') return v.startsWith('/') ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(absolutePaths);
  if (v && typeof v === 'object') return Object.values(v).flatMap(absolutePaths);
  return [];
}

/** A stage's cache-key parts: upstream product keys, the sha256 of every data file it reads, its config, its code version. */
export function stageKeyParts<I, C>(stage: Stage<I, C, unknown>, inputs: I, config: C, upstream: string[]): KeyParts {
  const files = stage.dataFiles(inputs, config).map((f) => hashFile(f));
  return { inputs: { upstream: upstream.join(','), files: files.join(',') }, config, codeVersion: codeVersion(stage.package) };
}

export interface StageHandlerOptions {
  /** where cache integrity messages go (default: stderr); the runner passes its reporter */
  log?: (msg: string) => void;
}

/** Runs a stage with the job's progress callback (Stage.run's `ctx`: bars per band/tile, also from BullMQ workers). */
function runWithProgress<I, C>(stage: Stage<I, C, unknown>, inputs: I, config: C, dir: string, progress: JobContext['progress']) {
  return stage.run(inputs, config, dir, { progress });
}

/** The progress message a stage job sends when its product came from the cache. */
export const CACHED = 'cached';

/** A stage as a job handler: key = upstream keys + sha256 of its data files + config + code version. */
export function stageHandler<I, C, P>(stage: Stage<I, C, P>, opts: StageHandlerOptions = {}): JobHandler<StagePayload, StageResult> {
  const schema = z.object({ inputs: z.unknown(), config: stage.schema, cache: z.string() }).strict() as unknown as ZodType<StagePayload>;
  return {
    kind: stage.name,
    schema,
    paths: (p) => [p.cache, ...absolutePaths(p.inputs)],
    async run(p, ctx) {
      const t0 = performance.now();
      const keys: string[] = [];
      const inputs = resolveRefs(p.inputs, ctx.deps, keys) as I;
      const config = p.config as C;
      const parts = stageKeyParts(stage, inputs, config, keys);
      const { entry, cached } = await new ProductCache(p.cache, { log: opts.log }).getOrCompute(stage.name, parts, (dir) => runWithProgress(stage, inputs, config, dir, ctx.progress));
      // tells the runner (through the engine's progress events, also across BullMQ) that nothing was computed
      if (cached) ctx.progress(1, 1, CACHED);
      return { stage: stage.name, key: entry.key, dir: entry.dir, cached, seconds: (performance.now() - t0) / 1000, product: stage.read(entry.dir), ...(entry.summary ? { summary: entry.summary } : {}) };
    },
  };
}
