// Stage "detect" (docs/pipeline.md): the detection image of the detection bands (inverse-variance-weighted
// mean or χ-mean, in nJy per pixel), the source list and segmentation map, the false detections of each
// path (for purity), and the other paths' detections for the depth comparison.
//
// Default detector 'bank' (issue 14; bankdetect.ts): the matched-filter bank on the co-add AND on the
// denoised image, each with its threshold set on ITS OWN null images (the images stage's null stacks
// through the same chain) at `extract.falseRate` false detections per arcmin²; sources measured by the
// extractor seeded with the bank's peaks. The SExtractor-default co-add (1.5σ, conv filter; the paper's
// protocol) always runs beside it for the depth comparison, with the negated image as its null.
// `extract.detector: 'sextractor'` restores SExtractor detection on every path: a denoised detection image
// then gets the lowest threshold at which its negated image has no more detections than the co-add's at
// the configured threshold (the negated image is NOT a valid null for a denoised image: issue 14).
// Injected copies reuse the main field's thresholds (and the bank's noise σ_k).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage, writeFileAtomic } from '@asteris/core';
import { readFits, readImage, writeFits, nJyPerPixelScale, labelImageHeader, Wcs, type Header, type Image } from '@asteris/fits';
import { detectionBank, robustStd } from './detect/bank.ts';
import { bankPeaks, bankPlane, calibrateBankOnNulls, footprintMask, footprintsOf, seededSources, type BankCalibration, type Footprints } from './bankdetect.ts';
import { extractSources, type ExtractOptions, type Source } from './extract.ts';
import { detectionImage } from './detimage.ts';
import { segRunsSource } from './detect/segmap.ts';

export const DETECT_FILES = {
  detection: 'detection.fits', segmentation: 'segmentation.fits', sources: 'sources.json', falseSources: 'sources_false.json',
  coadd: 'sources_coadd.json', coaddFalse: 'sources_coadd_false.json', coaddSegmentation: 'segmentation_coadd.fits',
  coaddSe: 'sources_coadd_se.json', coaddSeFalse: 'sources_coadd_se_false.json', thresholds: 'thresholds.json',
} as const;

/** Default target of the null-calibrated thresholds, false detections per arcmin² (≈ the SExtractor-default co-add's negated-image rate on the demo, 1 in 0.117 arcmin²). */
export const DEFAULT_FALSE_RATE = 10;
/** Default PSF FWHM of the detection image when neither the runner nor the config gives one, arcsec. */
export const DEFAULT_PSF_FWHM_ARCSEC = 0.12;
/** Default footprint threshold of the seeded measurement, σ. */
export const DEFAULT_SEGMENT_THRESHOLD = 1.0;

/** The `extract` section of the run config: SExtractor-style options (docs/extract.md). Unknown keys are errors. */
export const ExtractConfigSchema = z.object({
  /**
   * Detection (docs/pipeline.md "Detection"): 'bank' (default: matched-filter bank, thresholds on each path's
   * null stacks) or 'sextractor' (SExtractor default detection on every path, the paper's protocol).
   */
  detector: z.enum(['bank', 'sextractor']).optional(),
  /** bank: target null false-detection rate per arcmin² of every path's threshold (default 10) */
  falseRate: z.number().positive().optional(),
  /** bank: half-light radii (arcsec) of the exponential-disc kernels besides the PSF (default [0.05, 0.1, 0.2]) */
  bankRe: z.array(z.number().positive()).max(8).optional(),
  /** bank: PSF FWHM of the detection image, arcsec (default: the runner's, from the detection bands) */
  psfFwhm: z.number().positive().optional(),
  /**
   * bank: the field's σ_k — 'nulls' (default): the median of the path's null maps' own robust std; 'own': the
   * field map's own robust std (docs/asteris.md part 0; on a crowded field its sources inflate it: demo 1.26×)
   */
  bankSigma: z.enum(['nulls', 'own']).optional(),
  /** bank: footprint threshold (σ) of the measurement seeded by the bank's peaks (default 1.0) */
  segmentThreshold: z.number().positive().optional(),
  /** SExtractor DETECT_THRESH (σ): the 'sextractor' detector's, and the paper-protocol co-add's (default 1.5) */
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

/** Thresholds of the detection paths (σ of the bank's S/N, or SExtractor's DETECT_THRESH). */
export interface Thresholds {
  coadd: number; denoised: number;
  detector?: 'bank' | 'sextractor';
  /** bank: σ_k per kernel on each path's nulls (injected copies reuse them) */
  sigma?: { coadd?: number[]; denoised?: number[] };
  /** the SExtractor-default co-add's DETECT_THRESH (paper protocol) */
  sextractor?: number;
}
export type PathId = 'denoised' | 'coadd' | 'coadd-se';
/** One detection path of the stage: its detections and the false detections that estimate its purity. */
export interface DetectPath {
  id: PathId; label: string; detector: 'bank' | 'sextractor'; threshold: number;
  sources: string; falseSources: string;
  /** 'null': detections on the path's K null images (each counts 1/K of a field); 'negated': the negated image */
  falseKind: 'null' | 'negated'; falseWeight: number;
  /** the path whose sources are sources.json (photometry's input) */
  main: boolean;
}
export interface DetectInputs {
  /**
   * per detection band (config.bands order): the co-add (with its ERR HDU), the denoised image when
   * denoised, and the images stage's null co-adds / null denoised images (HDUs NULL1…NULLK)
   */
  images: { coadd: string; denoised?: string; nullCoadd?: string; nullDenoised?: string }[];
  /** the main field's detection products, whose thresholds an injected copy reuses */
  thresholdsFrom?: DetectProduct;
  /** the bank's geometry: pixel scale (default: the WCS's) and the detection image's PSF FWHM (arcsec) */
  bank?: { pixelScale?: number; psfFwhmArcsec?: number };
}
export interface DetectProduct {
  dir: string; detection: string; segmentation: string; sources: string;
  /** the main path's false detections (null or negated image) */
  falseSources: string;
  denoised: boolean;
  thresholds: Thresholds;
  /** every path run (main first) */
  paths: DetectPath[];
  /** the co-add path's own source list and segmentation when the main path is the denoised one (candidate ratio) */
  coaddDetect?: { sources: string; segmentation: string };
  /** thresholds.json: calibration details (null false rates per path) */
  calibrationFile: string;
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

const toNJy = (img: Image): Image => {
  const scale = nJyPerPixelScale(img.header);
  return { ...img, data: img.data.map((v) => v * scale) };
};

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

/** Number of null images (HDUs NULL1…NULLK) in an images-stage null file. */
function nullCount(file: string): number {
  return readFits(file, { lazy: true }).filter((h) => /^NULL\d+$/i.test(h.name)).length;
}

/**
 * The K null detection images of a path: null k of every detection band (null_coadd.fits or
 * null_denoised.fits, HDU NULLk) combined as the field's detection image, with the co-add's errors as
 * weights. [] when a band has no nulls.
 */
export function nullDetectionImages(files: DetectInputs['images'], which: 'nullCoadd' | 'nullDenoised', mode: 'ivw' | 'chi-mean'): Image[] {
  if (!files.every((f) => f[which])) return [];
  const K = Math.min(...files.map((f) => nullCount(f[which]!)));
  const errs = files.map((f) => {
    const err = readImage(f.coadd, { hdu: 'ERR' });
    const scale = nJyPerPixelScale(readImage(f.coadd).header);
    return { ...err, data: err.data.map((v) => v * scale) };
  });
  const out: Image[] = [];
  for (let k = 0; k < K; k++) out.push(detectionImage(files.map((f) => toNJy(readImage(f[which]!, { hdu: `NULL${k + 1}` }))), errs, mode).image);
  return out;
}

/** Reads a source list written by the detect stage ([] for a product that was not written). */
export function readSources(file: string): Source[] {
  try { return JSON.parse(readFileSync(file, 'utf8')) as Source[]; } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

const SE_LABEL = 'co-add (SExtractor default)';

function writeJson(file: string, v: unknown): void { writeFileAtomic(file, JSON.stringify(v)); }

function writeSegmentation(file: string, header: Header, data: Int32Array | ReturnType<typeof segRunsSource>, w: number, h: number): void {
  // labels, not fluxes: the detection image's WCS and provenance without BUNIT/PIXAR_SR/zero points (#17)
  const segHeader = labelImageHeader(header);
  segHeader.addHistory('ASTERIS segmentation map: 0 = sky, otherwise the id of the source in the source list');
  writeFits(file, [{ header: segHeader, data, shape: [w, h] }]);
}

interface RunCtx {
  dir: string; c: DetectConfig; i: DetectInputs; image: Image; base: ExtractOptions;
  co: { image: Image; opts: ExtractOptions } | null; ex: ExtractOptions; t0: number;
}

/** detector 'sextractor': SExtractor detection on every path; the denoised threshold from the negated-image ladder. */
function runSextractor(x: RunCtx): { paths: DetectPath[]; record: Record<string, unknown>; n: number; nFalse: number } {
  const { dir, i, image, base, co, t0 } = x;
  const F = DETECT_FILES;
  let thresholds: Thresholds = { coadd: t0, denoised: t0, detector: 'sextractor', sextractor: t0 };
  let calibration: unknown = null;
  let negMain: Source[] | null = null;
  let negCoadd: Source[] | null = null;
  const main = !i.thresholdsFrom;
  if (i.thresholdsFrom) thresholds = { ...i.thresholdsFrom.thresholds, detector: 'sextractor' };
  else if (co) {
    negCoadd = negativeExtractor(co.image, co.opts)(t0);
    const cal = calibrateThreshold(image, base, Math.max(negCoadd.length, 1), t0);
    thresholds = { coadd: t0, denoised: cal.threshold, detector: 'sextractor', sextractor: t0 };
    calibration = { nFalseCoadd: negCoadd.length, nFalseDenoised: cal.nFalse, tried: cal.tried };
    negMain = cal.sources;
  }
  const tMain = co ? thresholds.denoised : thresholds.coadd;
  const res = extractSources(image, { ...base, threshold: tMain });
  writeSegmentation(join(dir, F.segmentation), image.header, segRunsSource(res.segmentationRuns), image.width, image.height);
  writeJson(join(dir, F.sources), res.sources);
  if (main) writeJson(join(dir, F.falseSources), (negMain ??= negativeExtractor(image, base)(tMain)));
  const paths: DetectPath[] = [{ id: co ? 'denoised' : 'coadd', label: co ? 'denoised' : 'co-add', detector: 'sextractor', threshold: tMain, sources: F.sources, falseSources: F.falseSources, falseKind: 'negated', falseWeight: 1, main: true }];
  if (co) {
    const r2 = extractSources(co.image, { ...co.opts, threshold: thresholds.coadd });
    writeJson(join(dir, F.coadd), r2.sources);
    writeSegmentation(join(dir, F.coaddSegmentation), co.image.header, segRunsSource(r2.segmentationRuns), image.width, image.height);
    if (main) writeJson(join(dir, F.coaddFalse), (negCoadd ??= negativeExtractor(co.image, co.opts)(thresholds.coadd)));
    paths.push({ id: 'coadd', label: 'co-add', detector: 'sextractor', threshold: thresholds.coadd, sources: F.coadd, falseSources: F.coaddFalse, falseKind: 'negated', falseWeight: 1, main: false });
  }
  return { paths, record: { ...thresholds, calibration }, n: res.sources.length, nFalse: negMain?.length ?? 0 };
}

/** Per-path record of a bank calibration in thresholds.json. */
interface BankPathRecord extends BankCalibration { nullSigma: number[]; nullKind: 'null' | 'negated'; footprintFraction: number; unsegmented: number; nDetected: number; nPeaks: number }

/** detector 'bank' (default): see the header and bankdetect.ts. */
function runBank(x: RunCtx): { paths: DetectPath[]; record: Record<string, unknown>; n: number; nFalse: number } {
  const { dir, c, i, image, base, co, t0 } = x;
  const F = DETECT_FILES;
  const e = c.extract;
  const w = image.width, h = image.height;
  const pixelScale = i.bank?.pixelScale ?? Wcs.fromHeader(image.header).pixelScaleArcsec();
  const fwhm = e.psfFwhm ?? i.bank?.psfFwhmArcsec ?? DEFAULT_PSF_FWHM_ARCSEC;
  const reArcsec = e.bankRe ?? [0.05, 0.1, 0.2];
  const bank = detectionBank({ psfFwhmPx: fwhm / pixelScale, pixScaleArcsec: pixelScale, reArcsec });
  const area = (w * h * pixelScale * pixelScale) / 3600;
  const target = e.falseRate ?? DEFAULT_FALSE_RATE;
  const segT = e.segmentThreshold ?? DEFAULT_SEGMENT_THRESHOLD;
  // mesh background subtracted, then row-whitened: the same plane for the field, its nulls and injected copies
  const plane = (im: Image) => bankPlane(im, e.backSize ?? 64, e.backFilterSize ?? 3);
  const from = i.thresholdsFrom?.thresholds;
  const main = !from;
  // the seeded measurement's footprints in units of the filtered image's true σ (the measured noise
  // covariance kernel, docs/extract.md "Noise model"), unless extract.noiseKernel says otherwise: a denoised
  // image's correlated noise otherwise makes 1σ footprints that merge neighbours (demo: 30 % of the area in
  // bright footprints without the kernel, 9 % with it)
  const meas = (o: ExtractOptions): ExtractOptions => (e.noiseKernel ? o : { ...o, noiseKernel: 'auto' });
  const todo: { id: 'denoised' | 'coadd'; img: Image; opts: ExtractOptions; nulls: 'nullDenoised' | 'nullCoadd'; files: { sources: string; falseSources: string; seg: string } }[] = co
    ? [{ id: 'denoised', img: image, opts: meas(base), nulls: 'nullDenoised', files: { sources: F.sources, falseSources: F.falseSources, seg: F.segmentation } },
      { id: 'coadd', img: co.image, opts: meas(co.opts), nulls: 'nullCoadd', files: { sources: F.coadd, falseSources: F.coaddFalse, seg: F.coaddSegmentation } }]
    : [{ id: 'coadd', img: image, opts: meas(base), nulls: 'nullCoadd', files: { sources: F.sources, falseSources: F.falseSources, seg: F.segmentation } }];
  const thresholds: Thresholds = { coadd: NaN, denoised: NaN, detector: 'bank', sigma: {}, sextractor: t0 };
  const perPath: Record<string, BankPathRecord> = {};
  const paths: DetectPath[] = [];
  let n = 0, nFalse = 0, pixelNoise = NaN, psfNoise = NaN;
  for (const p of todo) {
    let threshold: number, sigma: number[] | undefined;
    let nullImgs: Image[] = [], nullPeaks: { x: number; y: number }[][] = [], cal: BankCalibration | null = null;
    let nullKind: 'null' | 'negated' = 'null';
    let fp: Footprints | undefined, maskedFraction = 0;
    if (from) {
      threshold = from[p.id];
      const s = from.sigma?.[p.id];
      if (!s || s.length !== bank.length || !Number.isFinite(threshold)) throw new Error(`detect: the main field's thresholds.json has no bank calibration for the ${p.id} path (rerun the main field with the same extract settings)`);
      sigma = s;
    } else {
      nullImgs = nullDetectionImages(i.images, p.nulls, c.mode);
      // no null stacks (a single exposure, or nulls.count 0): the negated image is the only null left
      if (!nullImgs.length) { nullImgs = [negated(p.img)]; nullKind = 'negated'; }
      const meshed = nullImgs.map(plane);
      // the field's bright-source footprints: null peaks there could not be separate detections in the field
      fp = footprintsOf(p.img, p.opts, segT);
      const mask = nullKind === 'null' ? footprintMask(fp) : undefined;
      if (mask) { let m = 0; for (const v of mask) m += v; maskedFraction = m / mask.length; }
      const r = calibrateBankOnNulls(meshed, bank, pixelScale, target, mask);
      if (p.id === 'coadd') {
        // the Neyman–Pearson ceiling's input: the noise of the PSF-filtered null co-adds (unit-L2 kernel, so
        // it equals the pixel σ for white noise and includes correlated noise otherwise); the pixel σ beside it
        psfNoise = r.cal.sigma[0]!;
        pixelNoise = meshed.map((m) => robustStd(m.data)).sort((a, b) => a - b)[meshed.length >> 1]!;
      }
      cal = r.cal; threshold = r.cal.threshold; nullPeaks = r.nullPeaks;
    }
    // the field's σ_k: the nulls' (bankSigma 'nulls') or its maps' own robust std ('own'); an injected copy
    // reuses the main field's σ_k
    const det = bankPeaks(plane(p.img), bank, threshold, from ? sigma! : (e.bankSigma ?? 'nulls') === 'nulls' ? cal!.sigma : undefined);
    const peaks = det.peaks;
    sigma = det.sigma;
    thresholds[p.id] = threshold;
    thresholds.sigma![p.id] = sigma;
    const meas = seededSources(p.img, p.opts, peaks, segT, fp);
    writeJson(join(dir, p.files.sources), meas.sources);
    writeSegmentation(join(dir, p.files.seg), image.header, meas.segmentation, w, h);
    if (cal) {
      // the false detections, measured like the real ones: the seeded measurement on each null image
      const falseSrc = nullImgs.flatMap((im, k) => seededSources(im, p.opts, nullPeaks[k]!, segT).sources);
      writeJson(join(dir, p.files.falseSources), falseSrc);
      perPath[p.id] = { ...cal, nullSigma: cal.sigma, sigma, nullKind, footprintFraction: maskedFraction, unsegmented: meas.unsegmented, nDetected: meas.sources.length, nPeaks: peaks.length };
      if (p.files.sources === F.sources) nFalse = falseSrc.length;
    }
    if (p.files.sources === F.sources) n = meas.sources.length;
    paths.push({ id: p.id, label: p.id === 'denoised' ? 'denoised' : 'co-add', detector: 'bank', threshold, sources: p.files.sources, falseSources: p.files.falseSources, falseKind: nullKind, falseWeight: cal ? 1 / nullImgs.length : (i.thresholdsFrom?.paths.find((q) => q.id === p.id)?.falseWeight ?? 1), main: p.files.sources === F.sources });
  }
  if (!co) thresholds.denoised = thresholds.coadd;
  // the paper's protocol: SExtractor default detection on the co-add, its negated image as the null
  const coImg = co?.image ?? image, coOpts = co?.opts ?? base;
  const se = extractSources(coImg, { ...coOpts, threshold: t0, maps: false });
  writeJson(join(dir, F.coaddSe), se.sources);
  let seFalse: number | null = null;
  if (main) { const neg = negativeExtractor(coImg, coOpts)(t0); writeJson(join(dir, F.coaddSeFalse), neg); seFalse = neg.length; }
  paths.push({ id: 'coadd-se', label: SE_LABEL, detector: 'sextractor', threshold: t0, sources: F.coaddSe, falseSources: F.coaddSeFalse, falseKind: 'negated', falseWeight: 1, main: false });
  const record = {
    ...thresholds,
    target, areaArcmin2: area,
    bank: { psfFwhmArcsec: fwhm, psfFwhmPx: fwhm / pixelScale, pixelScale, kernels: bank.map((k) => k.name), segmentThreshold: segT },
    width: w, height: h,
    ...(main ? {
      coaddPixelNoise: pixelNoise,
      coaddPsfNoise: psfNoise,
      nullRate: perPath,
      sextractorFalse: { threshold: t0, n: seFalse, rate: seFalse! / area, err: Math.sqrt(Math.max(seFalse!, 1)) / area, nullKind: 'negated' },
    } : { reused: true }),
  };
  return { paths, record, n, nFalse };
}

export const detectStage = defineStage<DetectInputs, DetectConfig, DetectProduct>({
  name: 'detect',
  package: '@asteris/extract',
  schema: DetectConfigSchema,
  files: DETECT_FILES,
  dataFiles: () => [],
  async run(i, c, dir) {
    const F = DETECT_FILES;
    const { weightType, detector, falseRate: _f, bankRe: _b, psfFwhm: _p, segmentThreshold: _s, bankSigma: _g, ...ex } = c.extract;
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
    const coImg = useDenoised ? detectionImageOf(i.images, false, c.mode) : null;
    const co = coImg ? { image: coImg.image, opts: optsFor(coImg.rmsNoise) } : null;
    const ctx: RunCtx = { dir, c, i, image, base, co, ex, t0 };
    const r = (detector ?? 'bank') === 'sextractor' ? runSextractor(ctx) : runBank(ctx);
    writeFileAtomic(join(dir, F.thresholds), JSON.stringify({ ...r.record, paths: r.paths }, null, 2));
    const t = r.record as unknown as Thresholds;
    return { n: r.n, nFalse: r.nFalse, thresholds: { coadd: t.coadd, denoised: t.denoised } };
  },
  read(dir) {
    const F = DETECT_FILES;
    const t = JSON.parse(readFileSync(join(dir, F.thresholds), 'utf8')) as Thresholds & { paths: DetectPath[] };
    const denoised = t.paths.some((p) => p.id === 'denoised');
    return {
      dir, detection: join(dir, F.detection), segmentation: join(dir, F.segmentation), sources: join(dir, F.sources), falseSources: join(dir, F.falseSources),
      denoised,
      thresholds: { coadd: t.coadd, denoised: t.denoised, ...(t.detector ? { detector: t.detector } : {}), ...(t.sigma ? { sigma: t.sigma } : {}), ...(t.sextractor !== undefined ? { sextractor: t.sextractor } : {}) },
      paths: t.paths.map((p) => ({ ...p, sources: join(dir, p.sources), falseSources: join(dir, p.falseSources) })),
      ...(denoised && existsSync(join(dir, F.coaddSegmentation)) ? { coaddDetect: { sources: join(dir, F.coadd), segmentation: join(dir, F.coaddSegmentation) } } : {}),
      calibrationFile: join(dir, F.thresholds),
    };
  },
});
