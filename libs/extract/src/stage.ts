// Stage "detect" (docs/pipeline.md): the detection image of the detection bands (inverse-variance-weighted
// mean or χ-mean, in nJy per pixel), the source list and segmentation map, the negated image's detections
// (for purity), and — when the images are denoised — the co-add detection image through the same
// extraction for the depth comparison. A denoised detection image gets the lowest threshold at which its
// false-detection count (negated image) is no higher than the co-add's at the configured threshold
// (SExtractor's 1.5σ by default); injected copies reuse the main field's thresholds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage, writeFileAtomic } from '@asteris/core';
import { readImage, writeFits, nJyPerPixelScale, labelImageHeader, type Image } from '@asteris/fits';
import { extractSources, type ExtractOptions, type Source } from './extract.ts';
import { detectionImage } from './detimage.ts';
import { segRunsSource } from './detect/segmap.ts';

export const DETECT_FILES = {
  detection: 'detection.fits', segmentation: 'segmentation.fits', sources: 'sources.json', negative: 'sources_negative.json',
  coadd: 'sources_coadd.json', coaddNegative: 'sources_coadd_negative.json', thresholds: 'thresholds.json',
} as const;

/** The `extract` section of the run config: SExtractor-style options (docs/extract.md). Unknown keys are errors. */
export const ExtractConfigSchema = z.object({
  threshold: z.number().positive().optional(),
  thresholdType: z.enum(['relative', 'absolute']).optional(),
  filter: z.enum(['conv', 'matched', 'none']).optional(),
  minArea: z.number().int().min(1).optional(),
  deblendNThresh: z.number().int().min(1).optional(),
  deblendMinCont: z.number().min(0).max(1).optional(),
  clean: z.boolean().optional(),
  cleanParam: z.number().positive().optional(),
  apertures: z.array(z.number().positive()).optional(),
  autoParams: z.tuple([z.number().positive(), z.number().positive()]).optional(),
  fluxFrac: z.array(z.number().gt(0).lt(1)).optional(),
  gain: z.number().min(0).optional(),
  saturation: z.number().optional(),
  aperSubpix: z.number().int().min(0).optional(),
  backSize: z.number().int().min(1).optional(),
  backFilterSize: z.number().int().min(1).optional(),
  backFilterThresh: z.number().min(0).optional(),
  globalRms: z.number().positive().optional(),
  maskType: z.enum(['correct', 'blank', 'none']).optional(),
  /**
   * Noise covariance kernel (docs/extract.md, "Noise model"): 'none' (default: white noise, SExtractor) or
   * 'auto' (measured on the source-masked sky; corrects the threshold and the errors for correlated noise).
   */
  noiseKernel: z.enum(['none', 'auto']).optional(),
  /**
   * Per-pixel noise of the detection: 'background' (default: the interpolated mesh RMS) or 'rms' (the
   * detection image's propagated error map, the ERR HDU of detection.fits, as SExtractor's MAP_RMS).
   */
  weightType: z.enum(['background', 'rms']).optional(),
}).strict();
export type ExtractConfig = z.infer<typeof ExtractConfigSchema>;

export const DetectConfigSchema = z.object({
  bands: z.array(z.string()).min(1),
  mode: z.enum(['ivw', 'chi-mean']).default('ivw'),
  extract: ExtractConfigSchema.default({}),
}).strict();
export type DetectConfig = z.infer<typeof DetectConfigSchema>;

export interface Thresholds { coadd: number; denoised: number }
export interface DetectInputs {
  /** per detection band (config.bands order): the co-add (with its ERR HDU) and, when denoised, the denoised image */
  images: { coadd: string; denoised?: string }[];
  /** the main field's detection products, whose thresholds an injected copy reuses */
  thresholdsFrom?: DetectProduct;
}
export interface DetectProduct {
  dir: string; detection: string; segmentation: string; sources: string; negative: string;
  /** present when the images were denoised */
  coaddSources: string; coaddNegative: string; denoised: boolean;
  thresholds: Thresholds;
}

export const THRESHOLD_LADDER = [1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10, 12, 15, 20];

export function negated(image: Image): Image {
  return { ...image, data: image.data.map((v) => -v) };
}

/**
 * Extractions of the negated `image` (noise peaks of the wrong sign) at any number of thresholds: the first
 * call runs the whole extraction; later calls reuse its background model and noise model (variance map,
 * covariance kernel) and redo only detection and measurement (issue 16 item 3). The catalogues are the
 * same as fresh extractions at each threshold (test: libs/extract/test/ladder.test.ts).
 */
export function negativeExtractor(image: Image, opts: ExtractOptions): (threshold: number) => Source[] {
  const neg = negated(image);
  // in place would subtract the background from `neg` itself, which the later rungs read again
  const first: ExtractOptions = { ...opts, inPlace: false, maps: false };
  let reuse: ExtractOptions | null = null;
  return (threshold) => {
    if (reuse) return extractSources(neg, { ...reuse, threshold }).sources;
    const r = extractSources(neg, { ...first, threshold });
    // the noise model replaces the weight map and the kernel measurement; a constant or full-resolution
    // background stays as given (only the mesh model is rebuilt on every call)
    const { weight: _w, noiseKernel: _k, ...rest } = first;
    const auto = opts.background === undefined || opts.background === 'auto';
    reuse = { ...rest, noise: r.noise, ...(auto && r.backgroundModel ? { background: r.backgroundModel } : {}) };
    return r.sources;
  };
}

/** Number of detections on the negated image at the given threshold (noise peaks of the wrong sign). */
export function falseDetections(image: Image, opts: ExtractOptions, threshold: number): number {
  return extractSources(negated(image), { ...opts, threshold, maps: false }).sources.length;
}

export interface Calibration {
  threshold: number; nFalse: number; tried: { threshold: number; nFalse: number }[];
  /** the negated image's detections at the chosen threshold */
  sources: Source[];
}

/**
 * The lowest threshold of the ladder (≥ `start`) whose false-detection count is ≤ `maxFalse`; the last rung
 * if none is. The negated image's background and noise model are built once, for the first rung.
 */
export function calibrateThreshold(image: Image, opts: ExtractOptions, maxFalse: number, start = 1.5,
  ladder: number[] = THRESHOLD_LADDER): Calibration {
  const extract = negativeExtractor(image, opts);
  const tried: { threshold: number; nFalse: number }[] = [];
  let sources: Source[] = [];
  for (const t of ladder.filter((x) => x >= start)) {
    sources = extract(t);
    const n = sources.length;
    tried.push({ threshold: t, nFalse: n });
    if (n <= maxFalse) return { threshold: t, nFalse: n, tried, sources };
  }
  const last = tried[tried.length - 1]!;
  return { threshold: last.threshold, nFalse: last.nFalse, tried, sources };
}

/** The detection image of the detection bands, each first converted to nJy per pixel (detection fluxes in nJy). */
export function detectionImageOf(files: { coadd: string; denoised?: string }[], useDenoised: boolean, mode: 'ivw' | 'chi-mean'): { image: Image; rmsNoise: Float32Array } {
  const imgs: Image[] = [];
  const errs: Image[] = [];
  for (const f of files) {
    const img = readImage(useDenoised && f.denoised ? f.denoised : f.coadd);
    const err = readImage(f.coadd, { hdu: 'ERR' });
    const scale = nJyPerPixelScale(img.header);
    imgs.push({ ...img, data: img.data.map((v) => v * scale) });
    errs.push({ ...err, data: err.data.map((v) => v * scale) });
  }
  const { image, rms } = detectionImage(imgs, errs, mode);
  const header = image.header.clone();
  header.set('BUNIT', mode === 'ivw' ? 'nJy' : '', mode === 'ivw' ? 'inverse-variance-weighted mean, nJy per pixel' : 'chi-mean detection image');
  header.delete('PIXAR_SR');
  header.addHistory(`ASTERIS detection image (${mode}) from ${files.length} band(s), ${useDenoised ? 'denoised' : 'co-added'}`);
  return { image: { ...image, header }, rmsNoise: rms };
}

/** Reads a source list written by the detect stage ([] for a product that was not written). */
export function readSources(file: string): Source[] {
  try { return JSON.parse(readFileSync(file, 'utf8')) as Source[]; } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export const detectStage = defineStage<DetectInputs, DetectConfig, DetectProduct>({
  name: 'detect',
  package: '@asteris/extract',
  schema: DetectConfigSchema,
  files: DETECT_FILES,
  dataFiles: () => [],
  async run(i, c, dir) {
    const F = DETECT_FILES;
    const { weightType, ...ex } = c.extract;
    const t0 = c.extract.threshold ?? 1.5;
    const useDenoised = i.images.every((f) => f.denoised);
    const { image, rmsNoise } = detectionImageOf(i.images, useDenoised, c.mode);
    // extraction options for a detection image with error map `rms`
    const optsFor = (rms: Float32Array): ExtractOptions => ({
      ...ex, weight: weightType === 'rms' ? { type: 'rms', data: rms } : { type: 'background' },
    });
    const base = optsFor(rmsNoise);
    writeFits(join(dir, F.detection), [
      { header: image.header, data: image.data, shape: [image.width, image.height] },
      { name: 'ERR', data: rmsNoise, shape: [image.width, image.height] },
    ]);
    const co = useDenoised ? detectionImageOf(i.images, false, c.mode) : null;
    const coBase = co ? optsFor(co.rmsNoise) : base;
    let thresholds: Thresholds = { coadd: t0, denoised: t0 };
    let calibration: unknown = null;
    // negated-image catalogues already made by the calibration (same image, options and threshold)
    let negMain: Source[] | null = null;
    let negCoadd: Source[] | null = null;
    if (i.thresholdsFrom) thresholds = i.thresholdsFrom.thresholds;
    else if (co) {
      negCoadd = negativeExtractor(co.image, coBase)(t0);
      const nFalseCoadd = negCoadd.length;
      const cal = calibrateThreshold(image, base, Math.max(nFalseCoadd, 1), t0);
      thresholds = { coadd: t0, denoised: cal.threshold };
      calibration = { nFalseCoadd, nFalseDenoised: cal.nFalse, tried: cal.tried };
      negMain = cal.sources;
    }
    const tMain = co ? thresholds.denoised : thresholds.coadd;
    const res = extractSources(image, { ...base, threshold: tMain });
    // labels, not fluxes: the detection image's WCS and provenance without BUNIT/PIXAR_SR/zero points (#17)
    const segHeader = labelImageHeader(image.header);
    segHeader.addHistory('ASTERIS segmentation map: 0 = sky, otherwise the id of the source in sources.json');
    writeFits(join(dir, F.segmentation), [{ header: segHeader, data: segRunsSource(res.segmentationRuns), shape: [image.width, image.height] }]);
    writeFileAtomic(join(dir, F.sources), JSON.stringify(res.sources));
    // Negated image: spurious detections of noise, for the purity estimate.
    negMain ??= negativeExtractor(image, base)(tMain);
    writeFileAtomic(join(dir, F.negative), JSON.stringify(negMain));
    if (co) {
      const r2 = extractSources(co.image, { ...coBase, threshold: thresholds.coadd, maps: false });
      writeFileAtomic(join(dir, F.coadd), JSON.stringify(r2.sources));
      negCoadd ??= negativeExtractor(co.image, coBase)(thresholds.coadd);
      writeFileAtomic(join(dir, F.coaddNegative), JSON.stringify(negCoadd));
    }
    writeFileAtomic(join(dir, F.thresholds), JSON.stringify({ ...thresholds, calibration }, null, 2));
    return { n: res.sources.length, nNegative: negMain.length, thresholds };
  },
  read(dir) {
    const F = DETECT_FILES;
    const t = JSON.parse(readFileSync(join(dir, F.thresholds), 'utf8')) as Thresholds & { calibration: unknown };
    let denoised = true;
    try { readFileSync(join(dir, F.coadd), { flag: 'r' }); } catch { denoised = false; }
    return {
      dir, detection: join(dir, F.detection), segmentation: join(dir, F.segmentation), sources: join(dir, F.sources), negative: join(dir, F.negative),
      coaddSources: join(dir, F.coadd), coaddNegative: join(dir, F.coaddNegative), denoised, thresholds: { coadd: t.coadd, denoised: t.denoised },
    };
  },
});
