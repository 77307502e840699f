// Checks shared by both engines: the DAG is well formed, every job has a handler, payloads pass the
// handler's zod schema (one line naming the job and the fields), and named paths lie in the roots.
import { createHash } from 'node:crypto';
import type { JobHandler, JobSpec, Roots } from './types.ts';
import { EngineError } from './redis.ts';
import { checkPath } from './roots.ts';

export function handlerMap(handlers: JobHandler<any, any>[]): Map<string, JobHandler> {
  const m = new Map<string, JobHandler>();
  for (const h of handlers) {
    if (m.has(h.kind)) throw new EngineError(`two job handlers for kind "${h.kind}"`);
    m.set(h.kind, h as JobHandler);
  }
  return m;
}

/** Job ids in a topological order (deps first, otherwise input order); throws on bad DAGs. */
export function checkDag(jobs: JobSpec[], handlers: Map<string, JobHandler>): string[] {
  const byId = new Map<string, JobSpec>();
  for (const j of jobs) {
    if (typeof j.id !== 'string' || !j.id) throw new EngineError(`job without an id (kind ${String(j.kind)})`);
    if (byId.has(j.id)) throw new EngineError(`duplicate job id "${j.id}"`);
    byId.set(j.id, j);
  }
  for (const j of jobs) {
    if (!handlers.has(j.kind)) throw new EngineError(`job ${j.id}: no handler for kind "${j.kind}" (known: ${[...handlers.keys()].join(', ') || 'none'})`);
    for (const d of j.deps) if (!byId.has(d)) throw new EngineError(`job ${j.id}: unknown dependency "${d}"`);
  }
  const order: string[] = [];
  const mark = new Map<string, 1 | 2>();
  const visit = (id: string, chain: string[]): void => {
    const m = mark.get(id);
    if (m === 2) return;
    if (m === 1) throw new EngineError(`dependency cycle: ${[...chain.slice(chain.indexOf(id)), id].join(' → ')}`);
    mark.set(id, 1);
    for (const d of byId.get(id)!.deps) visit(d, [...chain, id]);
    mark.set(id, 2);
    order.push(id);
  };
  for (const j of jobs) visit(j.id, []);
  return order;
}

function formatIssues(issues: Array<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(payload)'}: ${i.message}`).join('; ');
}

/** The payload parsed by the handler's schema, or an EngineError naming the job and the problems. */
export function parsePayload(handler: JobHandler, id: string, payload: unknown): unknown {
  const r = handler.schema.safeParse(payload);
  if (!r.success) throw new EngineError(`job ${id} (${handler.kind}): invalid payload: ${formatIssues(r.error.issues)}`);
  return r.data;
}

/** Checks every path the handler says the payload names. */
export function checkPayloadPaths(handler: JobHandler, id: string, payload: unknown, roots: Roots): void {
  for (const p of handler.paths?.(payload) ?? []) checkPath(p, roots, id);
}

/** A JSON round trip, so both engines hand out the same plain data (and non-JSON results fail here). */
export function toJson(id: string, value: unknown): unknown {
  if (value === undefined) return null;
  let s: string;
  try {
    s = JSON.stringify(value);
  } catch (e) {
    throw new EngineError(`job ${id}: result is not JSON (${(e as Error).message})`);
  }
  return s === undefined ? null : JSON.parse(s);
}

/** A short stable hash of JSON data. */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
