// Stage "photometry" (docs/pipeline.md): forced photometry of the detected sources in every band
// (fluxes on the co-add at the detections' positions and apertures by default — "detect deep, measure on
// the data"; `measureOn: 'denoised'` measures the denoised image; errors from the co-add's ERR), PSF-homogenised with each band's PSF
// resolved in the documented order (@asteris/field resolvePsf), aperture-to-total with the LW EE table.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { defineStage, parseSection } from '@asteris/core';
import { loadField, resolvePsf, type Field } from '@asteris/field';
import { readFits, readImage, selectImageHdu, Wcs } from '@asteris/fits';
import { bandPsf, realPsfPath, REPO_ROOT as SIM_REPO_ROOT } from '@asteris/sim';
import type { Source } from '@asteris/extract';
import { type BandInput, type Detection, type ForcedPhotometryOptions } from './phot/forced.ts';
import { forcedPhotometryParallel } from './parallel/forced-parallel.ts';
import { DEFAULT_BACKGROUND } from './phot/background.ts';
import { writeCatalogueCsv, writeCatalogueFits } from './catalogue/io.ts';
import type { Catalogue } from './catalogue/catalogue.ts';
import { loadEeTable, EE_TABLE_PATHS, type EeTable } from './psf/ee.ts';

export const PHOTOMETRY_FILES = { csv: 'catalogue.csv', fits: 'catalogue.fits' } as const;
export const BACKGROUND_MODES = ['mesh', 'local', 'empty-median', 'none'] as const;
/** Which image of a band the fluxes are measured on (docs/photometry.md "Which image is measured"). */
export const MEASURE_ON = ['coadd', 'denoised'] as const;
export type MeasureOn = (typeof MEASURE_ON)[number];

/** The `photometry` section of the run config (docs/photometry.md). Unknown keys are errors. */
export const PhotometryConfigSchema = z.object({
  /** image the fluxes are measured on when the images stage made a denoised one: 'coadd' (default when
   *  absent: the denoised image is biased faint, +0.15 mag at S/N > 10 for ASTERIS-lite, docs/photometry.md)
   *  or 'denoised'. The detections (positions, apertures, segmentation) come from the detect stage either way;
   *  the errors always from the co-add's ERR. Without a denoised image the co-add is measured. */
  measureOn: z.enum(MEASURE_ON).optional(),
  apertureRadii: z.array(z.number().positive()).min(1).optional(),
  totalAperture: z.number().int().min(0).optional(),
  total: z.enum(['kron', 'psf']).optional(),
  kronSnrMin: z.number().min(0).optional(),
  homogenise: z.boolean().optional(),
  targetBand: z.string().optional(),
  kernel: z.object({ regularisation: z.number().min(0).optional(), windowThreshold: z.number().min(0).optional(), size: z.number().int().positive().optional() }).strict().optional(),
  noise: z.object({
    nApertures: z.number().int().positive().optional(), buffer: z.number().min(0).optional(), seed: z.number().int().optional(),
    extraRadii: z.array(z.number().positive()).optional(), rescaleCell: z.number().int().min(0).optional(),
    depthBins: z.number().int().positive().optional(),
  }).strict().optional(),
  /** sky subtraction before photometry (docs/photometry.md §10): 'mesh' (default when absent; SExtractor-style masked mesh
   *  background), 'local' (mesh + annulus median, BACKPHOTO_TYPE LOCAL), 'empty-median' (one constant per band), 'none';
   *  or an object with the mode and mesh/annulus settings */
  background: z.union([
    z.enum(BACKGROUND_MODES),
    z.object({
      mode: z.enum(BACKGROUND_MODES).optional(), meshSize: z.number().int().min(8).optional(), filterSize: z.number().int().min(1).optional(),
      maskGrow: z.number().int().min(0).optional(), localInner: z.number().positive().optional(), localWidth: z.number().positive().optional(),
    }).strict(),
  ]).optional(),
}).strict();
export type PhotometryConfig = z.infer<typeof PhotometryConfigSchema>;

/** How the photometry is run besides its config: geometry, sky coordinates, the EE table, threads (same bytes for any count). */
export interface PhotometryContext {
  pixelScale?: number;
  pixelToSky?: (x: number, y: number) => [number, number];
  eeTable?: EeTable;
  /** band threads (1 = the calling thread; default: forcedPhotometryParallel's, 2 for big jobs on an idle machine) */
  threads?: number;
  /** below this many band-pixels run on the calling thread (default forcedPhotometryParallel's 8e6) */
  minPixels?: number;
  log?: (m: string) => void;
}

/**
 * The run config's `workers` (`asteris run --workers N`) as photometry threads: undefined → the library's
 * default; 0 (in-process everywhere) or 1 → the calling thread; N ≥ 2 → N band threads, obeyed for any
 * image size. The catalogue is the same bytes for every count.
 */
export function photometryThreads(workers: number | undefined): Pick<PhotometryContext, 'threads' | 'minPixels'> {
  if (workers === undefined) return {};
  return workers <= 1 ? { threads: 1 } : { threads: workers, minPixels: 0 };
}

/**
 * The photometry stage's measurement, the one place its config becomes forced photometry (the stage and
 * `asteris photometry` both call it): the config is checked by PhotometryConfigSchema (a bad key or value
 * throws a ConfigError naming `photometry.<key>`), the background defaults to forcedPhotometry's 'mesh'.
 */
export async function measurePhotometry(det: Detection, bands: BandInput[], config: PhotometryConfig, ctx: PhotometryContext = {}): Promise<Catalogue> {
  const c = parseSection(PhotometryConfigSchema, config, 'photometry config', ['photometry']);
  const { measureOn: _measureOn, ...phot } = c; // measureOn picks the stage's images (photometryImage), not a forced-photometry option
  const opts: ForcedPhotometryOptions = {
    ...(phot as ForcedPhotometryOptions), background: c.background ?? DEFAULT_BACKGROUND.mode,
    pixelScale: ctx.pixelScale, pixelToSky: ctx.pixelToSky, eeTable: ctx.eeTable, log: ctx.log,
  };
  return forcedPhotometryParallel(det, bands, opts, { threads: ctx.threads, minPixels: ctx.minPixels });
}

/** The file a band's fluxes are measured on: its denoised image only with `measureOn: 'denoised'` (default 'coadd'). */
export function photometryImage(files: { coadd: string; denoised?: string }, measureOn: MeasureOn | undefined): string {
  return (measureOn ?? 'coadd') === 'denoised' && files.denoised ? files.denoised : files.coadd;
}

export interface PhotometryInputs {
  /** field directory (PSFs, pixel scale) */
  field: string;
  /** detect-stage products: source list and Int32 segmentation map */
  detect: { sources: string; segmentation: string };
  /** per band of the field: co-add (with ERR) and the denoised image when there is one */
  images: Record<string, { coadd: string; denoised?: string }>;
  /** band whose co-add WCS gives RA/Dec */
  refBand: string;
  /** the run config's worker threads (photometryThreads); not part of the cache key: same bytes for any count */
  workers?: number;
}
export interface PhotometryProduct { csv: string; fits: string }

/** The PSF file a band's kernel is built from, if any (its bytes enter the cache key). */
function psfDataFile(field: Field, band: string): string | undefined {
  const p = resolvePsf(field, band);
  if (p.kind === 'file') return p.file;
  if (p.kind === 'source') {
    if (!p.source.startsWith('file:')) return undefined;
    const f = p.source.slice(5);
    return isAbsolute(f) ? f : join(SIM_REPO_ROOT, f);
  }
  return realPsfPath(band);
}

export const photometryStage = defineStage<PhotometryInputs, PhotometryConfig, PhotometryProduct>({
  name: 'photometry',
  package: '@asteris/photometry',
  schema: PhotometryConfigSchema,
  files: PHOTOMETRY_FILES,
  dataFiles: (i) => { const f = loadField(i.field); return [EE_TABLE_PATHS.LW, ...f.bands.map((b) => psfDataFile(f, b.name)).filter((p): p is string => !!p && existsSync(p))]; },
  async run(i, c, dir) {
    const sources = JSON.parse(readFileSync(i.detect.sources, 'utf8')) as Source[];
    // labels from the Int32 HDU's exact values (readImage's float32 would round labels above 2²⁴)
    const segmentation = Int32Array.from(selectImageHdu(readFits(i.detect.segmentation), undefined, i.detect.segmentation).data!);
    const warnings: string[] = [];
    const field = loadField(i.field);
    const bands: BandInput[] = field.bands.map((b) => {
      const files = i.images[b.name]!;
      const image = readImage(photometryImage(files, c.measureOn));
      const err = readImage(files.coadd, { hdu: 'ERR' });
      const psf = resolvePsf(field, b.name);
      if (psf.kind === 'builtin') warnings.push(psf.warning);
      const k = bandPsf(field, b.name, field.pixelScale);
      return { name: b.name, image, err, psf: { data: k.data, size: k.size } };
    });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    const wcs = Wcs.fromHeader(readImage(i.images[i.refBand]!.coadd).header);
    let eeTable;
    try { eeTable = loadEeTable('LW'); } catch { eeTable = undefined; }
    const cat = await measurePhotometry({ sources, segmentation }, bands, c, { pixelScale: field.pixelScale, pixelToSky: (x, y) => wcs.pixelToSky(x, y), eeTable, ...photometryThreads(i.workers) });
    writeCatalogueCsv(join(dir, PHOTOMETRY_FILES.csv), cat);
    writeCatalogueFits(join(dir, PHOTOMETRY_FILES.fits), cat);
    return { rows: cat.rows.length, ...(warnings.length ? { warnings } : {}) };
  },
  read: (dir) => ({ csv: join(dir, PHOTOMETRY_FILES.csv), fits: join(dir, PHOTOMETRY_FILES.fits) }),
  publish: { [PHOTOMETRY_FILES.csv]: 'catalogue.csv', [PHOTOMETRY_FILES.fits]: 'catalogue.fits' },
});
