// The job/engine interface shared with @asteris/engine (issues/ENGINE-INTERFACE.md), a minimal in-process
// executor of it, and the adapter that turns a Stage (libs/core/src/stage.ts) into a JobHandler that keys
// and stores its products in the content-addressed cache (cache.ts).
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { z, type ZodType } from 'zod';
import type { Stage } from '@asteris/core';
import { ProductCache, type KeyParts } from './cache.ts';
import { codeVersion } from './code-version.ts';
import { hashFile } from './hash.ts';

export interface JobSpec { id: string; kind: string; payload: unknown; deps: string[]; label?: string; group?: string }
export interface Roots { cache: string; fields: string[] }
export interface JobContext { id: string; deps: Record<string, unknown>; roots: Roots; progress(done: number, total: number, message?: string): void }
export interface JobHandler<P = unknown, R = unknown> {
  kind: string;
  schema: ZodType<P>;
  paths?(payload: P): string[];
  run(payload: P, ctx: JobContext): Promise<R>;
}
export type EngineEvent =
  | { type: 'start' | 'done' | 'cached' | 'retry' | 'failed'; id: string; label?: string; group?: string; seconds?: number; error?: string }
  | { type: 'progress'; id: string; done: number; total: number; message?: string };
export interface Engine {
  run(jobs: JobSpec[], opts?: { onEvent?: (e: EngineEvent) => void }): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** True when `p` (after realpath of its longest existing prefix) lies inside one of `roots`. */
export function insideRoots(p: string, roots: string[]): boolean {
  const real = (q: string): string => {
    try { return realpathSync(q); } catch { const parent = resolve(q, '..'); return parent === q ? q : resolve(real(parent), q.slice(parent.length + 1)); }
  };
  const rp = real(resolve(p));
  return roots.some((r) => { const rr = real(resolve(r)); return rp === rr || rp.startsWith(rr + sep); });
}

/** Runs the DAG in this process, one job at a time in dependency order (stages parallelise internally). */
export function localEngine(handlers: JobHandler<any, any>[], roots: Roots): Engine {
  const byKind = new Map(handlers.map((h) => [h.kind, h]));
  return {
    async run(jobs, opts = {}) {
      const emit = opts.onEvent ?? (() => {});
      const results: Record<string, unknown> = {};
      const pending = new Map(jobs.map((j) => [j.id, j]));
      while (pending.size) {
        const ready = [...pending.values()].find((j) => j.deps.every((d) => d in results));
        if (!ready) throw new Error(`job graph has a cycle or a missing dependency among: ${[...pending.keys()].join(', ')}`);
        pending.delete(ready.id);
        const h = byKind.get(ready.kind);
        if (!h) throw new Error(`${ready.id}: no handler for job kind '${ready.kind}'`);
        const payload = h.schema.parse(ready.payload);
        for (const p of h.paths?.(payload) ?? []) {
          if (!insideRoots(p, [roots.cache, ...roots.fields])) throw new Error(`${ready.id}: path ${p} lies outside the field and cache roots`);
        }
        const t0 = performance.now();
        emit({ type: 'start', id: ready.id, label: ready.label, group: ready.group });
        const ctx: JobContext = {
          id: ready.id, roots, deps: Object.fromEntries(ready.deps.map((d) => [d, results[d]])),
          progress: (done, total, message) => emit({ type: 'progress', id: ready.id, done, total, message }),
        };
        try {
          results[ready.id] = await h.run(payload, ctx);
        } catch (e) {
          emit({ type: 'failed', id: ready.id, label: ready.label, group: ready.group, error: (e as Error).message });
          throw e;
        }
        const cached = (results[ready.id] as { cached?: boolean }).cached === true;
        emit({ type: cached ? 'cached' : 'done', id: ready.id, label: ready.label, group: ready.group, seconds: (performance.now() - t0) / 1000 });
      }
      return results;
    },
    async close() {},
  };
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
      keys.push(r.key);
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

/** A stage as a job handler: key = upstream keys + sha256 of its data files + config + code version. */
export function stageHandler<I, C, P>(stage: Stage<I, C, P>): JobHandler<StagePayload, StageResult> {
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
      const { entry, cached } = await new ProductCache(p.cache).getOrCompute(stage.name, parts, (dir) => stage.run(inputs, config, dir));
      return { stage: stage.name, key: entry.key, dir: entry.dir, cached, seconds: (performance.now() - t0) / 1000, product: stage.read(entry.dir), ...(entry.summary ? { summary: entry.summary } : {}) };
    },
  };
}
