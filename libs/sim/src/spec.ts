// Field specification (the JSON that `asteris simulate --spec` and data/demo/field.json hold).
// Validated with zod; every option has a documented default (docs/sim.md).
import { z } from 'zod';

import { SPEC_KIND } from '@asteris/field';
export { SPEC_KIND };
export const DEFAULT_BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F410M', 'F444W'] as const;
export const SUPPORTED_BANDS: readonly string[] = DEFAULT_BANDS;

/** Default 5σ point-source depths (AB, 0.2″-diameter aperture, full stack of `nexp` exposures) — JADES-Deep-like. */
export const DEFAULT_DEPTH: Readonly<Record<string, number>> = Object.freeze({
  F090W: 29.5, F115W: 29.7, F150W: 29.8, F200W: 29.9, F277W: 30.0, F356W: 29.9, F410M: 29.4, F444W: 29.6,
});

const bandName = z.string().transform((s) => s.toUpperCase()).refine((s) => SUPPORTED_BANDS.includes(s), {
  message: `band must be one of ${SUPPORTED_BANDS.join(', ')}`,
});

const bandEntry = z.union([
  bandName.transform((name): { name: string; depth?: number; psf?: string; sky?: number } => ({ name })),
  z.object({
    name: bandName,
    depth: z.number().min(20).max(35).optional(),
    /** 'real' (STPSF file when one ships, else model), 'model', or a path to a PSF FITS image. */
    psf: z.string().optional(),
    sky: z.number().min(0).optional(),
  }).strict(),
]);

const lfSchema = z.object({
  kind: z.enum(['dpl', 'schechter']).default('dpl'),
  MStar: z.number().default(-21.0),
  alpha: z.number().default(-2.2),
  beta: z.number().default(-4.5),
  // log10 φ* at z0 and its slope d(log φ*)/dz (evolving normalisation)
  logPhiStar: z.number().default(-4.46),
  dLogPhiStarDz: z.number().default(-0.21),
  z0: z.number().default(9),
}).strict();

const explicitSource = z.object({
  kind: z.enum(['point', 'sersic', 'highz', 'browndwarf']),
  x: z.number(), y: z.number(),
  /** AB magnitude (flat f_ν for point/sersic; rest-1500 Å apparent for highz; F444W for browndwarf). */
  mag: z.number().optional(),
  z: z.number().optional(),
  muv: z.number().optional(),
  beta: z.number().optional(),
  re: z.number().optional(),       // arcsec
  n: z.number().optional(),
  q: z.number().optional(),
  pa: z.number().optional(),
  teff: z.number().optional(),
}).strict();

export const fieldSpecSchema = z.object({
  kind: z.literal(SPEC_KIND),
  name: z.string().min(1).default('mock'),
  seed: z.number().int().min(0).default(1),
  width: z.number().int().min(16).max(16384).default(512),
  height: z.number().int().min(16).max(16384).default(512),
  pixelScale: z.number().positive().default(0.04),
  crval: z.tuple([z.number().min(0).max(360), z.number().min(-90).max(90)]).default([53.1625, -27.7914]),
  rotation: z.number().default(0),
  bands: z.array(bandEntry).min(1).prefault([...DEFAULT_BANDS]),
  nexp: z.number().int().min(1).max(64).default(8),
  depth: z.union([z.number(), z.record(z.string(), z.number())]).optional(),
  /** Render grid oversampling: 'auto' (pitch ≤ FWHM/1.68 per band) or a fixed integer. */
  oversample: z.union([z.literal('auto'), z.number().int().min(1).max(8)]).default('auto'),
  psfRadius: z.number().positive().max(5).default(2.0),
  /** Write the pixel-scale PSF of each band to <field>/psf/<BAND>.fits. */
  writePsf: z.boolean().default(true),
  populations: z.object({
    lowz: z.object({
      enabled: z.boolean().default(true),
      refBand: z.string().default('F200W'),
      /** log10 dN/dm per deg² per mag at m = 28 in refBand, and the counts slope d log N/dm. */
      log10N28: z.number().default(5.7),
      slope: z.number().default(0.2),
      magRange: z.tuple([z.number(), z.number()]).default([18, 31.5]),
      fractions: z.object({
        balmer: z.number().min(0).max(1).default(0.03),
        dusty: z.number().min(0).max(1).default(0.03),
        eline: z.number().min(0).max(1).default(0.03),
      }).strict().prefault({}),
    }).strict().prefault({}),
    browndwarfs: z.object({
      enabled: z.boolean().default(true),
      perArcmin2: z.number().min(0).default(0.3),
      magRange: z.tuple([z.number(), z.number()]).default([24, 29.5]),
    }).strict().prefault({}),
    highz: z.object({
      enabled: z.boolean().default(true),
      zRange: z.tuple([z.number(), z.number()]).default([8.5, 17]),
      MBright: z.number().default(-23),
      /** Faint limit: apparent rest-1500 Å magnitude. */
      mLimit: z.number().default(31.5),
      /** Multiply the LF counts by this (truth 'weight' = 1/oversample). */
      oversample: z.number().min(0).default(1),
      lf: lfSchema.prefault({}),
      betaMean: z.number().default(-2.2),
      betaSigma: z.number().min(0).default(0.25),
      /** Median half-light radius (kpc) at z = 9 (scales as (1+z)⁻¹) and its log-normal scatter in dex. */
      reKpc: z.number().positive().default(0.35),
      reSigmaDex: z.number().min(0).default(0.2),
      ewOiiiHb: z.number().min(0).default(600),
    }).strict().prefault({}),
  }).strict().prefault({}),
  sources: z.array(explicitSource).default([]),
  noise: z.object({
    readFraction: z.number().min(0).max(0.9).default(0.25),
    oneOverFFraction: z.number().min(0).max(0.5).default(0.1),
    skyVariation: z.number().min(0).max(0.5).default(0.03),
    skyGradient: z.number().min(0).max(0.5).default(0.02),
    subtractSky: z.boolean().default(true),
    artefacts: z.boolean().default(true),
    cosmicRayRate: z.number().min(0).default(1e-4),
    hotPixelRate: z.number().min(0).default(1e-4),
    hotPixelFlagged: z.number().min(0).max(1).default(0.8),
    snowballRate: z.number().min(0).default(2.5e-7),
    /** 'drizzle' or an odd square kernel; the white noise is convolved with it (Σk² normalised to 1). */
    correlation: z.union([z.literal('drizzle'), z.array(z.array(z.number()))]).optional(),
  }).strict().prefault({}),
}).strict();

export type FieldSpecInput = z.input<typeof fieldSpecSchema>;
export type FieldSpec = z.output<typeof fieldSpecSchema>;
export type BandSpec = { name: string; depth?: number; psf?: string; sky?: number };

export class SpecError extends Error {
  override name = 'SpecError';
  constructor(message: string, public file?: string) { super(file ? `${file}: ${message}` : message); }
}

/** Validate and fill defaults; throws SpecError naming the file and each problem. */
export function parseSpec(input: unknown, file?: string): FieldSpec {
  // clearer messages than zod's union error for the most common mistake
  const bands = (input as { bands?: unknown } | null)?.bands;
  if (Array.isArray(bands)) {
    bands.forEach((b, i) => {
      const name = typeof b === 'string' ? b : (b as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') throw new SpecError(`bands[${i}]: expected a band name or { name, depth?, psf?, sky? }`, file);
      if (!SUPPORTED_BANDS.includes(name.toUpperCase())) throw new SpecError(`bands[${i}]: band '${name}' is not supported (use ${SUPPORTED_BANDS.join(', ')})`, file);
    });
  }
  const r = fieldSpecSchema.safeParse(input);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SpecError(`invalid field spec: ${msg}`, file);
  }
  const spec = r.data;
  const seen = new Set<string>();
  for (const b of spec.bands) {
    if (seen.has(b.name)) throw new SpecError(`band ${b.name} listed twice`, file);
    seen.add(b.name);
  }
  if (spec.populations.lowz.magRange[0] >= spec.populations.lowz.magRange[1]) throw new SpecError('populations.lowz.magRange must be [bright, faint]', file);
  if (spec.populations.highz.zRange[0] >= spec.populations.highz.zRange[1]) throw new SpecError('populations.highz.zRange must be [zmin, zmax]', file);
  return spec;
}

export function bandDepth(spec: FieldSpec, band: BandSpec): number {
  if (band.depth !== undefined) return band.depth;
  if (typeof spec.depth === 'number') return spec.depth;
  if (spec.depth && spec.depth[band.name] !== undefined) return spec.depth[band.name];
  return DEFAULT_DEPTH[band.name] ?? 29.5;
}
