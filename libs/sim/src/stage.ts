// Stages "simulate" (a field from a spec, docs/sim.md) and "inject" (a copy of a field with injected
// high-z galaxies, for completeness by injection–recovery; docs/pipeline.md).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage } from '@asteris/core';
import { loadField, FIELD_JSON, type Field } from '@asteris/field';
import { readSpecFile, simulateField } from './simulate.ts';
import { injectSources } from './inject.ts';

export const SIMULATE_FILES = { field: FIELD_JSON } as const;
export const INJECT_FILES = { field: 'field', list: 'injected.csv' } as const;

export interface SimulateInputs { spec: string; workers?: number }
export const simulateStage = defineStage<SimulateInputs, Record<string, never>, { field: string }>({
  name: 'simulate',
  package: '@asteris/sim',
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  files: SIMULATE_FILES,
  dataFiles: (i) => [i.spec],
  async run(i, _c, dir, ctx) {
    const spec = readSpecFile(i.spec);
    let done = 0;
    const res = await simulateField(spec, dir, {
      workers: i.workers,
      onProgress: (m) => { if (/ done$/.test(m)) done++; ctx?.progress(done, spec.bands.length, m); },
    });
    const kinds: Record<string, number> = {};
    for (const s of res.truth) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
    return { bands: res.bands.length, exposures: res.bands[0]?.exposures.length ?? 0, sources: res.truth.length, kinds, seconds: res.seconds };
  },
  read: (dir) => ({ field: dir }),
});

/** The `injection` section of the run config. */
export const InjectionConfigSchema = z.object({
  n: z.number().int().min(0).max(20000).default(150),
  rounds: z.number().int().min(1).max(50).default(1),
  magRange: z.tuple([z.number(), z.number()]).default([25.5, 31]),
  zRange: z.tuple([z.number(), z.number()]).default([8.5, 16.5]),
  seed: z.number().int().default(12345),
  ewOiiiHb: z.number().min(0).max(5000).optional().describe('median rest EW (Å) of [OIII]+Hβ of the injected galaxies (log-normal, 0.2 dex; Hα 0.8×); unset = continuum only'),
}).strict();
export type InjectionConfig = z.infer<typeof InjectionConfigSchema>;

/**
 * The inject stage's config: the runner's injection (high-z galaxies in zRange); `asteris inject` also
 * sets `kind` (default 'highz'), `margin` (px from the edges, default 10) and may leave zRange to the
 * library's 8.5–17.
 */
export const InjectConfigSchema = z.object({
  n: z.number().int().min(1), magRange: z.tuple([z.number(), z.number()]), zRange: z.tuple([z.number(), z.number()]).optional(), seed: z.number().int(),
  kind: z.enum(['point', 'sersic', 'highz']).optional(), margin: z.number().min(0).optional(),
  ewOiiiHb: z.number().min(0).max(5000).optional(),
}).strict();
export type InjectConfig = z.infer<typeof InjectConfigSchema>;

export interface InjectInputs { field: string }
export const injectStage = defineStage<InjectInputs, InjectConfig, { field: string; list: string }>({
  name: 'inject',
  package: '@asteris/sim',
  schema: InjectConfigSchema,
  files: INJECT_FILES,
  dataFiles: (i) => loadField(i.field).bands.flatMap((b) => b.exposures),
  async run(i, c, dir) {
    const res = injectSources(i.field, join(dir, INJECT_FILES.field), { n: c.n, mag: c.magRange, kind: c.kind ?? 'highz', zRange: c.zRange, seed: c.seed, margin: c.margin, ...(c.ewOiiiHb ? { ewOiiiHb: c.ewOiiiHb } : {}) });
    copyFileSync(res.listFile, join(dir, INJECT_FILES.list));
    return { n: res.sources.length, bands: res.field.bands.length };
  },
  read: (dir) => ({ field: join(dir, INJECT_FILES.field), list: join(dir, INJECT_FILES.list) }),
});

/** High-z oversampling factor k of a simulated field (1 for real fields): each of its candidates counts 1/k in the LF. */
export function simOversample(field: Field): number {
  const spec = field.meta['spec'] as { populations?: { highz?: { oversample?: number } } } | undefined;
  const k = spec?.populations?.highz?.oversample;
  return field.simulated && typeof k === 'number' && k > 0 ? k : 1;
}
