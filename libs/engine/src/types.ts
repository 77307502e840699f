// Job/engine interface shared by libs/pipeline (the runner) and libs/engine (the local and BullMQ
// engines): see docs/engine.md. The runner turns a run into a DAG of deterministic jobs; an engine
// executes it. Each job writes its products into the content-addressed cache and returns a small
// JSON result, so results are byte-identical whichever engine runs them.
import type { ZodType } from 'zod';

export interface JobSpec {
  /** unique in the DAG, e.g. "fieldA/detect" */
  id: string;
  /** handler name, e.g. "detect" */
  kind: string;
  /** JSON; validated by the handler's schema before running (a queue is a trust boundary) */
  payload: unknown;
  /** ids of jobs whose results this job needs */
  deps: string[];
  /** for progress display, e.g. "fieldA: detect" */
  label?: string;
  /** e.g. the field name, for per-field progress */
  group?: string;
}

/** Every path a payload names must resolve inside these. */
export interface Roots { cache: string; fields: string[] }

export interface JobContext {
  id: string;
  /** results of the deps, by job id */
  deps: Record<string, unknown>;
  roots: Roots;
  progress(done: number, total: number, message?: string): void;
}

export interface JobHandler<P = unknown, R = unknown> {
  kind: string;
  schema: ZodType<P>;
  /** every filesystem path named in the payload (checked to lie inside roots, after realpath) */
  paths?(payload: P): string[];
  run(payload: P, ctx: JobContext): Promise<R>;
}

export type EngineEvent =
  | { type: 'start' | 'done' | 'cached' | 'retry' | 'failed'; id: string; label?: string; group?: string; seconds?: number; error?: string }
  | { type: 'progress'; id: string; done: number; total: number; message?: string };

export interface Engine {
  /** results by id */
  run(jobs: JobSpec[], opts?: { onEvent?: (e: EngineEvent) => void }): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}
