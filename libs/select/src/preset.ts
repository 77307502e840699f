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
  requiredBands: z.array(z.string()).min(1),
  /** Band whose magnitude goes into the MSA target list / priority ordering. */
  referenceBand: z.string(),
  /**
   * 'recipe' (default): the published colour-cut recipe, every criterion a hard edge and every band in
   * requiredBands needed. 'posterior': select on the photo-z posterior first (`posterior`), with the
   * colours and blue non-detections as vetoes that allow for the photometric errors (`minProb`), and a
   * band without coverage treated as missing data (its veto is skipped and noted) unless it is in
   * requiredBands (docs/select.md, "Posterior-led presets").
   */
  mode: z.enum(['recipe', 'posterior']).default('recipe'),
  /**
   * Posterior mode: ∫P(z > zMin) ≥ minP and Δχ² (best z < photoz.zSplit minus best z ≥ zSplit) ≥ minDchi2.
   * Optional `luminosityPrior.minP`: also veto objects whose posterior under a luminosity prior (UV LF ×
   * comoving volume; photoz.ts) keeps less than minP above zMin (opt-in; its cost in docs/select.md).
   */
  posterior: z.object({
    zMin: z.number(), minP: z.number().min(0).max(1), minDchi2: z.number(),
    luminosityPrior: z.object({ minP: z.number().min(0).max(1) }).optional(),
  }).optional(),
  /** (i) Lyman-break colour m_blue − m_red > min (blue band at its 2σ limit when S/N < 2). */
  break: colour.extend({
    min: z.number(),
    /**
     * Error-aware veto (posterior mode): reject only when P(m_blue − m_red > min) < minProb, with
     * Gaussian flux errors: P = Φ(−(f_blue − k f_red)/√(σ_blue² + k²σ_red²)), k = 10^(−0.4 min).
     * minProb = 0.16 is the cut applied at the colour's 1σ bound.
     */
    minProb: z.number().min(0).max(1).optional(),
    /**
     * Measure the break above the UV continuum instead of as a plain colour: subtract the colour that a
     * power law f_ν ∝ λ^(β+2) has between the two break bands, with β from this red-side colour
     * (clamped to betaRange). For β = −2 (flat f_ν) this is the plain colour. Used where the break
     * colour rises slowly with z, so that the window's lower edge does not move with β.
     */
    continuum: colour.extend({ betaRange: z.tuple([z.number(), z.number()]) }).optional(),
  }),
  /** (ii) flat red side: m_blue − m_red < max. */
  redColour: colour.extend({ max: z.number(), /** as break.minProb, for P(m_blue − m_red < max) */ minProb: z.number().min(0).max(1).optional() }).optional(),
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
/** The published colour-cut recipes (kept for comparison with the posterior-led presets). */
export const BUILTIN_PRESETS = ['f115w-dropout', 'f150w-dropout', 'f200w-dropout'] as const;
/** Posterior-led presets (∫P(z > z_min) and Δχ² first; colours and non-detections as error-aware vetoes). */
export const POSTERIOR_PRESETS = ['posterior-z8', 'posterior-z11', 'posterior-z15'] as const;
export const ALL_PRESETS = [...BUILTIN_PRESETS, ...POSTERIOR_PRESETS] as const;
/** Opt-in variants (not in `auto`; `auto-lprior` swaps them in): the z ≳ 11 posterior presets with the luminosity-prior veto (docs/select.md). */
export const LPRIOR_VARIANT: Readonly<Record<string, string>> = { 'posterior-z11': 'posterior-z11-lprior', 'posterior-z15': 'posterior-z15-lprior' };
export const LPRIOR_PRESETS = Object.values(LPRIOR_VARIANT);

/** Validate a parsed preset object; throws SelectError naming the source and the bad fields. */
export function parsePreset(obj: unknown, source = 'preset'): Preset {
  const r = PresetSchema.safeParse(obj);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SelectError(`invalid preset: ${msg}`, source);
  }
  const p = r.data;
  p.requiredBands = p.requiredBands.map((b) => b.toUpperCase());
  if (p.mode === 'posterior') {
    if (!p.posterior) throw new SelectError("invalid preset: mode 'posterior' needs a posterior: { zMin, minP, minDchi2 } block", source);
    if (!p.requiredBands.includes(p.referenceBand.toUpperCase())) throw new SelectError(`reference band ${p.referenceBand} must be listed in requiredBands`, source);
    return p;   // vetoes may use bands outside requiredBands: missing coverage skips the veto
  }
  if (p.requiredBands.length < 2) throw new SelectError('invalid preset: requiredBands: a recipe preset needs at least 2 bands', source);
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
    if (!existsSync(path)) throw new SelectError(`unknown preset '${nameOrPath}' (built-in: ${[...ALL_PRESETS, ...LPRIOR_PRESETS].join(', ')}; or give a .json file)`);
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
