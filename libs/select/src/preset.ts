// Dropout-selection presets: criteria as data (JSON under data/presets/, citations inside), validated
// with zod so a user-written preset file fails with a message naming the file and the bad field.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import { SelectError } from './errors.ts';

const colour = z.object({ blue: z.string(), red: z.string() });

export const PresetSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  /** Nominal redshift range of the sample (used for z_best cut and reporting). */
  zRange: z.tuple([z.number(), z.number()]),
  citations: z.array(z.string()).min(1),
  /** Bands an object must have valid photometry in to be considered. */
  requiredBands: z.array(z.string()).min(2),
  /** Band whose magnitude goes into the MSA target list / priority ordering. */
  referenceBand: z.string(),
  /** (i) Lyman-break colour m_blue − m_red > min (blue band at its 2σ limit when S/N < 2). */
  break: colour.extend({
    min: z.number(),
    /**
     * Measure the break above the UV continuum instead of as a plain colour: subtract the colour that a
     * power law f_ν ∝ λ^(β+2) has between the two break bands, with β from this red-side colour
     * (clamped to betaRange). For β = −2 (flat f_ν) this is the plain colour. Used where the break
     * colour rises slowly with z, so that the window's lower edge does not move with β.
     */
    continuum: colour.extend({ betaRange: z.tuple([z.number(), z.number()]) }).optional(),
  }),
  /** (ii) flat red side: m_blue − m_red < max. */
  redColour: colour.extend({ max: z.number() }).optional(),
  /** Harikane+23: break colour > red colour + this. */
  breakMinusRedMin: z.number().optional(),
  /** (iii) non-detection blueward of the break: S/N < maxSnr in each of these bands (the bands present). */
  nonDetection: z.object({ bands: z.array(z.string()), maxSnr: z.number().default(2) }),
  /** χ²_opt = Σ sgn(f)(f/σ)² over the non-detection bands must be below this (Bouwens+11, +23a). */
  chi2OptMax: z.number().optional(),
  /** (iv) detection: inverse-variance-weighted S/N over these bands ≥ minSnr, and ≥ 2 bands ≥ minSnrEach. */
  detection: z.object({
    bands: z.array(z.string()).min(1),
    minSnr: z.number(),
    minBandsAbove: z.object({ snr: z.number(), n: z.number().int() }).optional(),
  }),
  /** (v) photometric-redshift cuts. */
  photoz: z.object({
    zSplit: z.number().default(7),        // P(z > zSplit) and Δχ² = χ²_min(z < zSplit) − χ²_min(z ≥ zSplit)
    minPHigh: z.number().default(0.7),
    minDchi2: z.number().default(4),
    zBestRange: z.tuple([z.number(), z.number()]),
  }),
  /** Brown-dwarf rejection (Wang+23 colours; compact = size column ≤ maxSizePx if the column exists). */
  brownDwarf: z.object({ enabled: z.boolean().default(true), maxSizePx: z.number().default(2.5) }).default({ enabled: true, maxSizePx: 2.5 }),
});
export type Preset = z.infer<typeof PresetSchema>;

let presetDir = fileURLToPath(new URL('../../../data/presets/', import.meta.url));
export function presetDirectory(): string { return presetDir; }
export function setPresetDirectory(dir: string): void { presetDir = dir; }

/** Names of the bundled presets (files data/presets/<name>.json). */
export const BUILTIN_PRESETS = ['f115w-dropout', 'f150w-dropout', 'f200w-dropout'] as const;

/** Validate a parsed preset object; throws SelectError naming the source and the bad fields. */
export function parsePreset(obj: unknown, source = 'preset'): Preset {
  const r = PresetSchema.safeParse(obj);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SelectError(`invalid preset: ${msg}`, source);
  }
  const p = r.data;
  p.requiredBands = p.requiredBands.map((b) => b.toUpperCase());
  for (const b of [p.break.blue, p.break.red, p.referenceBand, ...p.detection.bands, ...(p.redColour ? [p.redColour.blue, p.redColour.red] : []),
    ...(p.break.continuum ? [p.break.continuum.blue, p.break.continuum.red] : [])]) {
    if (!p.requiredBands.includes(b.toUpperCase())) throw new SelectError(`band ${b} is used by a criterion but not listed in requiredBands`, source);
  }
  return p;
}

/** Load a preset by built-in name ('f150w-dropout') or by path to a JSON file. */
export function loadPreset(nameOrPath: string): Preset {
  let path = nameOrPath;
  if (!nameOrPath.endsWith('.json') && !nameOrPath.includes('/')) {
    path = join(presetDir, `${nameOrPath.toLowerCase()}.json`);
    if (!existsSync(path)) throw new SelectError(`unknown preset '${nameOrPath}' (built-in: ${BUILTIN_PRESETS.join(', ')}; or give a .json file)`);
  }
  if (!existsSync(path)) throw new SelectError('preset file not found', path);
  let obj: unknown;
  try {
    obj = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SelectError(`not valid JSON (${(e as Error).message})`, path);
  }
  return parsePreset(obj, path);
}
