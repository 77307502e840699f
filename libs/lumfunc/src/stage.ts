// Stage "lf" (docs/pipeline.md): the UV luminosity function from the candidates of one field or of every
// field of a survey, with each field's completeness C(M_UV, z) and area (one LF over all, veff.ts).
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage, parseSection } from '@asteris/core';
import { runLuminosityFunction, writeLfProducts, type LfResult, type LfRunOptions } from './lf.ts';
import { readCandidatesCsv } from './candidates.ts';
import { readCompleteness } from './completeness.ts';
import type { Completeness } from './veff.ts';
import type { LfCandidate } from './binned.ts';

export const LF_FILES = {
  json: 'lf.json', csv: 'lf.csv', svg: 'lf.svg', png: 'lf.png',
  // C(M_UV) per z bin and the C(M_UV, z) map of the completeness the LF used (writeLfProducts); a survey
  // writes one per field, completeness_<k>.* (k = 1…), published as well
  completenessSvg: 'completeness.svg', completenessPng: 'completeness.png', completenessMapSvg: 'completeness_map.svg', completenessMapPng: 'completeness_map.png',
} as const;
/** Fields of a survey whose completeness figures are published (completeness_1 … completeness_MAX). */
const MAX_PUBLISHED_FIELDS = 16;
const completenessFigures = (k?: number): string[] => ['.svg', '.png', '_map.svg', '_map.png'].map((x) => `completeness${k ? `_${k}` : ''}${x}`);

const MODELS = ['schechter', 'dpl'] as const;
const range = z.tuple([z.number(), z.number()]);
/** The `lf` section of the run config (docs/lumfunc.md). Unknown keys are errors. */
export const LfConfigSchema = z.object({
  zBins: z.array(range).min(1).optional(),
  mEdges: z.array(z.number()).min(2).optional(),
  fineDM: z.number().positive().optional(),
  models: z.array(z.enum(MODELS)).optional(),
  fixed: z.partialRecord(z.enum(MODELS), z.record(z.string(), z.number())).optional(),
  priors: z.record(z.string(), range).optional(),
  cosmicVariance: z.number().min(0).optional(),
  cosmology: z.object({ H0: z.number().positive(), Om: z.number().min(0).max(1) }).strict().optional(),
  seed: z.number().int().optional(),
  nWalkers: z.number().int().min(2).optional(),
  nSteps: z.number().int().min(1).optional(),
  minForFit: z.number().min(0).optional(),
  migration: z.boolean().optional(),
  minCompleteness: z.number().min(0).max(1).optional(),
}).strict();
export type LfConfig = z.infer<typeof LfConfigSchema>;

/**
 * The lf stage's computation, also what `asteris lf` calls: the config is checked by LfConfigSchema (a bad
 * key throws a ConfigError naming `lf.<key>`), the LF is computed and every product written (lf.json/csv,
 * the LF figure, corner plots, the completeness figures). `warnings` (e.g. skipped rows) go into lf.json;
 * `assumeComplete` marks C = 1 as an assumption in every product.
 */
export function lfProducts(cands: LfCandidate[], comp: Completeness, config: LfConfig, dir: string,
  opts: { png?: boolean; assumeComplete?: boolean; warnings?: string[] } = {}): { res: LfResult; files: string[] } {
  const c = parseSection(LfConfigSchema, config, 'lf config', ['lf']);
  const res = runLuminosityFunction(cands, comp, { ...(c as LfRunOptions), ...(opts.assumeComplete ? { assumeComplete: true } : {}) });
  res.warnings.push(...(opts.warnings ?? []));
  return { res, files: writeLfProducts(res, comp, dir, { png: opts.png ?? true }) };
}

export interface LfInputs {
  /** per field: its candidates (select stage), completeness file, and the high-z oversampling k of a simulated field (each candidate counts 1/k) */
  fields: { candidates: string; completeness: string; oversample: number }[];
}
export interface LfProduct { dir: string; json: string; svg: string }

export const lfStage = defineStage<LfInputs, LfConfig, LfProduct>({
  name: 'lf',
  package: '@asteris/lumfunc',
  schema: LfConfigSchema,
  files: LF_FILES,
  async run(i, c, dir) {
    const comps = i.fields.map((f) => readCompleteness(f.completeness));
    // A simulated field whose high-z population was oversampled k× (sim spec) counts each candidate 1/k.
    // rows with invalid values are skipped, but counted with the reason in lf.json (never silently)
    const warnings: string[] = [];
    const cands = i.fields.flatMap((f) => {
      const skipped: { row: number; reason: string }[] = [];
      const cs = readCandidatesCsv(f.candidates, { skipInvalid: true, skipped }).map((cd) => ({ ...cd, weight: (cd.weight ?? 1) / f.oversample }));
      if (skipped.length) warnings.push(`${skipped.length} invalid row(s) of ${f.candidates} skipped: ${skipped.slice(0, 3).map((s) => s.reason).join('; ')}${skipped.length > 3 ? '; …' : ''}`);
      return cs;
    });
    const comp = comps.length === 1 ? comps[0]! : comps;
    const { res } = lfProducts(cands, comp, c, dir, { png: true, warnings });
    return {
      nCandidates: cands.length, weight: i.fields.length === 1 ? 1 / i.fields[0]!.oversample : i.fields.map((f) => 1 / f.oversample),
      ...(warnings.length ? { skipped: warnings } : {}), atPriorBound: res.zBins.flatMap((z) => z.fits.filter((f) => f.diagnostics.status === 'at-prior-bound').map((f) => `${z.label} ${f.model}`)),
    };
  },
  read: (dir) => ({ dir, json: join(dir, LF_FILES.json), svg: join(dir, LF_FILES.svg) }),
  publish: Object.fromEntries([...Object.values(LF_FILES), ...Array.from({ length: MAX_PUBLISHED_FIELDS }, (_, k) => completenessFigures(k + 1)).flat()].map((f) => [f, `lf/${f}`])),
});
