// The in-process engine: runs the DAG in topological order, up to `concurrency` jobs at a time,
// with the same checks as a BullMQ worker (schema, roots) so both engines accept the same jobs.
import type { Engine, EngineEvent, JobHandler, JobSpec, Roots } from './types.ts';
import { checkDag, checkPayloadPaths, errorMessage, handlerMap, parsePayload, toJson } from './dag.ts';
import { EngineError } from './redis.ts';
import { resolveRoots } from './roots.ts';

export interface LocalEngineOptions {
  roots: Roots;
  /** jobs run at once (default 1) */
  concurrency?: number;
  /** tries per job (default 1: a local failure is usually not transient) */
  attempts?: number;
}

export function localEngine(handlers: JobHandler<any, any>[], opts: LocalEngineOptions): Engine {
  const hs = handlerMap(handlers);
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const attempts = Math.max(1, Math.floor(opts.attempts ?? 1));
  return {
    async run(jobs: JobSpec[], runOpts = {}) {
      const emit = (e: EngineEvent): void => runOpts.onEvent?.(e);
      const order = checkDag(jobs, hs);
      const byId = new Map(jobs.map((j) => [j.id, j]));
      // validate every payload before running anything
      const payloads = new Map(jobs.map((j) => [j.id, parsePayload(hs.get(j.kind)!, j.id, j.payload)]));
      const roots = resolveRoots(opts.roots);
      const results: Record<string, unknown> = {};
      const waiting = new Set(order);
      const running = new Map<string, Promise<void>>();
      let failure: Error | undefined;

      const runOne = async (spec: JobSpec): Promise<void> => {
        const h = hs.get(spec.kind)!;
        const base = { id: spec.id, label: spec.label, group: spec.group };
        const payload = payloads.get(spec.id);
        const t0 = performance.now();
        emit({ type: 'start', ...base });
        for (let attempt = 1; ; attempt++) {
          try {
            checkPayloadPaths(h, spec.id, payload, roots);
            const deps = Object.fromEntries(spec.deps.map((d) => [d, results[d]]));
            const r = await h.run(payload, {
              id: spec.id, deps, roots,
              progress: (done, total, message) => emit({ type: 'progress', id: spec.id, done, total, message }),
            });
            results[spec.id] = toJson(spec.id, r);
            emit({ type: 'done', ...base, seconds: (performance.now() - t0) / 1000 });
            return;
          } catch (e) {
            const msg = errorMessage(e);
            if (attempt < attempts && !(e instanceof EngineError)) {
              emit({ type: 'retry', ...base, error: msg });
              continue;
            }
            emit({ type: 'failed', ...base, error: msg });
            throw e instanceof EngineError ? e : new EngineError(`job ${spec.id} failed: ${msg}`);
          }
        }
      };

      while ((waiting.size > 0 && !failure) || running.size > 0) {
        if (!failure) {
          for (const id of [...waiting]) {
            if (running.size >= concurrency) break;
            const spec = byId.get(id)!;
            if (!spec.deps.every((d) => d in results)) continue;
            waiting.delete(id);
            const p = runOne(spec)
              .catch((e: Error) => { failure ??= e; })
              .finally(() => running.delete(id));
            running.set(id, p);
          }
        }
        if (running.size === 0) break;
        await Promise.race(running.values());
      }
      if (failure) throw failure;
      return results;
    },
    async close() {},
  };
}
