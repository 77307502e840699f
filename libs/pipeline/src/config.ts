// Run configuration: defaults, a strict schema (unknown keys are errors), and merging of a user's
// JSON config file with command-line options. Each stage receives only its own section, so the
// cache key of a stage changes only when something that stage uses changes.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const DENOISERS = ['lite', 'asteris4', 'asteris8', 'none'] as const;

export const RunConfigSchema = z.object({
  denoiser: z.string().default('lite').describe('lite | asteris4 | asteris8 | none | path to an .onnx model'),
  coadd: z.enum(['mean', 'median', 'clipped-mean', 'ivw']).default('clipped-mean').describe('co-add baseline; clipped-mean rejects cosmic rays along the exposure axis'),
  tileSize: z.number().int().min(32).max(2048).optional(),
  detectBands: z.array(z.string()).optional().describe('bands summed for detection; default: long-wavelength bands present'),
  detectMode: z.enum(['ivw', 'chi-mean']).default('ivw'),
  extract: z.record(z.string(), z.unknown()).default({}),
  photometry: z.record(z.string(), z.unknown()).default({}),
  preset: z.string().default('auto').describe('selection preset name or JSON file; auto = every built-in preset'),
  injection: z.object({
    n: z.number().int().min(0).max(20000).default(150),
    rounds: z.number().int().min(1).max(50).default(1),
    magRange: z.tuple([z.number(), z.number()]).default([25.5, 31]),
    zRange: z.tuple([z.number(), z.number()]).default([8.5, 16.5]),
    seed: z.number().int().default(12345),
  }).strict().default({ n: 150, rounds: 1, magRange: [25.5, 31], zRange: [8.5, 16.5], seed: 12345 }),
  lf: z.record(z.string(), z.unknown()).default({}),
  workers: z.number().int().min(1).max(64).optional(),
  seed: z.number().int().default(1),
}).strict();

export type RunConfig = z.infer<typeof RunConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
  if (!parsed.success) {
    throw new ConfigError(`${file ?? 'run options'}: invalid configuration\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
