// Run configuration: defaults, a strict schema built from the stages' own schemas (unknown keys are
// errors naming the key, e.g. `extract.treshold`), and merging of a user's JSON config file with
// command-line options. Each stage receives only its own section, so the cache key of a stage changes
// only when something that stage uses changes.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, formatIssues } from '@asteris/core';
import { ImagesConfigSchema, DENOISER_NAMES } from '@asteris/asteris';
import { ExtractConfigSchema } from '@asteris/extract';
import { PhotometryConfigSchema } from '@asteris/photometry';
import { LfConfigSchema } from '@asteris/lumfunc';
import { InjectionConfigSchema } from '@asteris/sim';

export { ConfigError };
export const DENOISERS = DENOISER_NAMES;

export const RunConfigSchema = ImagesConfigSchema.extend({
  detectBands: z.array(z.string()).optional().describe('bands summed for detection; default: long-wavelength bands present'),
  detectMode: z.enum(['ivw', 'chi-mean']).default('ivw'),
  extract: ExtractConfigSchema.default({}),
  photometry: PhotometryConfigSchema.default({}),
  preset: z.string().default('auto').describe('selection presets: a name, JSON file or comma-separated list; auto = every built-in preset, auto-lprior = the same with the z ≳ 11 luminosity-prior variants, -name drops one'),
  injection: InjectionConfigSchema.default({ n: 150, rounds: 1, magRange: [25.5, 31], zRange: [8.5, 16.5], seed: 12345 }),
  lf: LfConfigSchema.default({}),
  workers: z.number().int().min(0).max(64).optional().describe('worker threads per stage; 0 = in-process everywhere; default: the number of cores'),
  seed: z.number().int().default(1),
}).strict();

export type RunConfig = z.infer<typeof RunConfigSchema>;

/** Reads and validates a config file (JSON), merged under explicit overrides. */
export function loadRunConfig(file: string | undefined, overrides: Partial<Record<keyof RunConfig, unknown>> = {}): RunConfig {
  let base: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${file}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new ConfigError(`${file}: the config must be a JSON object`);
  }
  const merged = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  const parsed = RunConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(`${file ?? 'run options'}: invalid configuration: ${formatIssues(parsed.error).join('; ')}`);
  return parsed.data;
}
