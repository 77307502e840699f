// The stage contract (docs/contracts.md "Stages"). Every stage library exports its stages from
// src/stage.ts; only the runner (libs/pipeline) composes them. A stage owns its config section (a strict
// zod schema: unknown keys are errors), its product file names, how to compute its products into a
// directory, and how to read them back for the next stage.
import { z, type ZodType } from 'zod';

/** A product of an earlier stage: the cache directory its files live in and its cache key. */
export interface ProductRef { stage: string; key: string; dir: string }

export interface Stage<I = unknown, C = unknown, P = unknown> {
  /** cache namespace and job kind, e.g. 'detect' */
  name: string;
  /** the npm package whose dependency closure (sources) is this stage's code version */
  package: string;
  /** strict schema of the stage's config (RunConfig's section for it, when it has one) */
  schema: ZodType<C>;
  /** product file names it writes into its directory (the only place those names appear) */
  files: Readonly<Record<string, string>>;
  /**
   * Files the stage reads besides upstream products (exposures, PSFs, EE tables, filter curves, presets,
   * models): their sha256 enter the cache key. Upstream ProductRefs in the inputs enter it by their keys.
   */
  dataFiles(inputs: I, config: C): string[];
  /**
   * computes the products into `dir` (an empty temporary directory); returns a small JSON summary.
   * `ctx.progress(done, total, message)` reports progress inside a long stage (bands, tiles): the engine
   * shows it as a bar on a terminal, as log lines when piped, and forwards it from BullMQ workers.
   */
  run(inputs: I, config: C, dir: string, ctx?: StageContext): Promise<Record<string, unknown> | void>;
  /** reads the products in `dir` back for the next stage */
  read(dir: string): P;
  /** products copied to the run's output directory: file name in `dir` → path relative to the output */
  publish?: Readonly<Record<string, string>>;
}

/** What the engine hands a running stage besides its inputs. */
export interface StageContext {
  progress(done: number, total: number, message?: string): void;
}

/** A stage definition: a Stage whose `dataFiles` may be left out (a stage that reads no data files). */
export type StageDefinition<I, C, P> = Omit<Stage<I, C, P>, 'dataFiles'> & Partial<Pick<Stage<I, C, P>, 'dataFiles'>>;

/** Defines a stage (for type inference); `dataFiles` defaults to none (`() => []`). */
export function defineStage<I, C, P>(s: StageDefinition<I, C, P>): Stage<I, C, P> {
  return { ...s, dataFiles: s.dataFiles ?? (() => []) };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * One line per zod issue, naming the full key path, e.g. `extract.treshold: unknown key` or
 * `injection.n: expected number, received string`.
 */
export function formatIssues(err: z.ZodError, prefix: string[] = []): string[] {
  const lines: string[] = [];
  for (const iss of err.issues) {
    const path = [...prefix, ...iss.path.map(String)];
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) lines.push(`${[...path, k].join('.')}: unknown key`);
    } else {
      lines.push(`${path.length ? path.join('.') : '(top level)'}: ${iss.message}`);
    }
  }
  return lines;
}

/** Parses a config section with a stage's schema; errors name `where` and every offending key path. */
export function parseSection<C>(schema: ZodType<C>, value: unknown, where: string, section: string[] = []): C {
  const r = schema.safeParse(value);
  if (!r.success) throw new ConfigError(`${where}: ${formatIssues(r.error, section).join('; ')}`);
  return r.data;
}
