// Source extraction: background → filtered detection → labelling → deblending → cleaning → measurement.
// Follows SExtractor 2.x (Bertin & Arnouts 1996) and SEP (Barbary 2016); see docs/extract.md and
// astro-reference §A for every rule and default.

import { MAD_TO_SIGMA, medianSorted } from '@asteris/core';
import type { Image } from '@asteris/fits';
import { APER_TRUNC, kronRadius, fluxRadius, sumCircle } from './aperture/index.ts';
import { ellipseCoeffs } from './aperture/sum.ts';
import {
  backgroundMap, makeBackground, mapRow, meshGeometry, meshRows, rowScratch, type BackgroundModel, type BackgroundOptions,
} from './background/model.ts';
import { histogramMode, weightMeshStats } from './background/stats.ts';
import { cleanModels, cleanSequential, type CleanModels } from './detect/clean.ts';
import { deblendSplit, pixelListOrder, type DeblendOptions } from './detect/deblend.ts';
import { lutzChainOrder, mthreshSelect } from './detect/lutz.ts';
import { segRunsFromFootprints, segRunsToArray, segStamp, type SegRuns, type SegStamp } from './detect/segmap.ts';
import { DEFAULT_KERNEL, normaliseKernel, type DetectionSpec, type Kernel } from './detect/filter.ts';
import { labelBand, mergeBands, type Band, type Components } from './detect/label.ts';
import { ExtractError } from './errors.ts';
import { momentsOfArrays, momentsRow, momentsTable, putMoments, type Moments, type MomentsTable } from './measure/moments.ts';
import {
  apertureFactor, covarianceSum, depthClass, depthEdges, excessAt, filterNoiseFactor, measureCovariance, measureCovariances, depthClassMap,
  measureExcess, EXCESS_SCALES, pixelSetFactor, sextractorSigfac, validateCovariance, varianceFromWeight,
  type DepthNoise, type NoiseCovariance, type NoiseModel, type WeightType,
} from './noise.ts';
import { circleRectOverlap } from './aperture/overlap.ts';

/** SExtractor FLAGS bits (Flagging.rst, astro-reference §A.9). */
export const FLAG_CROWDED = 1;
export const FLAG_DEBLENDED = 2;
export const FLAG_SATURATED = 4;
export const FLAG_TRUNCATED = 8;
export const FLAG_APER_TRUNC = 16;
export const FLAG_ISO_INCOMPLETE = 32;
export const FLAG_DEBLEND_OVERFLOW = 64;
export const FLAG_EXTRACT_OVERFLOW = 128;

export interface ExtractOptions {
  /**
   * 'auto' (mesh background, default), a constant (BACK_TYPE MANUAL), a precomputed model, or a
   * full-resolution background map (the mesh model is then still used for the global σ).
   */
  background?: 'auto' | number | BackgroundModel | Float32Array;
  /** Override the global background σ (used for the threshold and errors without a weight map). */
  globalRms?: number;
  /**
   * MASK_TYPE for Kron radius / FLUX_AUTO / FLUX_RADIUS: 'correct' (default; neighbours' pixels replaced by
   * their mirror through the centre), 'blank' (set to zero), 'none' (neighbours included).
   */
  maskType?: 'correct' | 'blank' | 'none';
  /** BACK_SIZE (64) */ backSize?: number;
  /** BACK_FILTERSIZE (3) */ backFilterSize?: number;
  /** BACK_FILTERTHRESH (0) */ backFilterThresh?: number;
  /** non-zero = bad pixel (excluded everywhere) */ mask?: Uint8Array;
  /**
   * Per-pixel noise. Without it (default) SExtractor's WEIGHT_TYPE NONE is used: one global σ (the median
   * mesh σ) for the threshold and the errors. 'background' uses the interpolated RMS map per pixel.
   */
  weight?: { type: 'background' } | { type: WeightType; data: Float32Array; scaleToBackground?: boolean };
  /**
   * WEIGHT_GAIN (SExtractor): with a weight map and `gain`, the gain is taken ∝ 1/σ²: the source Poisson
   * term of each flux is F/gain · σ²(centre)/σ²_bkg. Default false.
   */
  weightGain?: boolean;
  /**
   * Noise covariance kernel (issue 13, src/noise.ts): 'none' (default here: white noise, SExtractor), 'auto'
   * (measured from the image's own source-masked sky), or a kernel (validated; C in units of σ_i·σ_j).
   * With a kernel, the detection threshold is scaled by filterNoiseFactor (thresholds in units of the
   * filtered image's true σ, equal to SExtractor's for white noise) and ISO, AUTO and APER errors include
   * Σ_{i,j∈S} C(i−j)σ_iσ_j.
   */
  noiseKernel?: 'none' | 'auto' | NoiseCovariance;
  /**
   * A noise model from an earlier extraction of the same image (ExtractResult.noise): used as it is (no
   * weight map, no kernel measurement). With `background: result.backgroundModel` this is how a caller
   * that extracts one image at several thresholds builds the background and the noise model once.
   */
  noise?: NoiseModel;
  /** DETECT_THRESH (1.5, in σ) or an absolute value with thresholdType 'absolute'. */
  threshold?: number;
  thresholdType?: 'relative' | 'absolute';
  /** 'conv' (default, normalised kernel), 'matched' (S/N with per-pixel variance), 'none'. */
  filter?: 'conv' | 'matched' | 'none';
  /** default 3×3 [[1,2,1],[2,4,2],[1,2,1]] */ kernel?: Kernel;
  /** DETECT_MINAREA (5) */ minArea?: number;
  /** DEBLEND_NTHRESH (32) */ deblendNThresh?: number;
  /** DEBLEND_MINCONT (0.005); 1 disables deblending */ deblendMinCont?: number;
  /** CLEAN (true) and CLEAN_PARAM (1.0) */ clean?: boolean;
  cleanParam?: number;
  /** PHOT_APERTURES: aperture **diameters** in pixels (default [5]) */ apertures?: number[];
  /** PHOT_AUTOPARAMS: Kron factor and minimum radius (default [2.5, 3.5]) */ autoParams?: [number, number];
  /** PHOT_FLUXFRAC (default [0.5]) */ fluxFrac?: number[];
  /** GAIN in e⁻ per data unit for the source Poisson term (0 / absent: none) */ gain?: number;
  /** SATUR_LEVEL (data units, before background subtraction); pixels ≥ it set FLAGS 4 */ saturation?: number;
  /** Aperture sampling for FLUX_APER: 5 (SExtractor APER_OVERSAMP, default) or 0 (exact). */ aperSubpix?: number;
  /** Measurement image (same grid as the detection image) for the photometry. */
  measureImage?: Image;
  /** Return full-resolution background and RMS maps (default true; two float32 images). */
  maps?: boolean;
  /** Subtract the background from image.data in place instead of a copy (saves one image of memory). */
  inPlace?: boolean;
  /** Name used in error messages. */
  file?: string;
}

export interface Source {
  id: number;
  /** isophotal barycentre, 0-based */ x: number; y: number;
  /** windowed centroid (XWIN/YWIN), 0-based */ xwin: number; ywin: number;
  x2: number; y2: number; xy: number; errx2: number; erry2: number; errxy: number;
  cxx: number; cyy: number; cxy: number;
  /** semi-axes (px) and position angle (degrees, counter-clockwise from +x, in (−90, 90]) */
  a: number; b: number; theta: number;
  /** SExtractor KRON_RADIUS: Kron factor in units of (a, b) */ kronRadius: number;
  fluxIso: number; fluxIsoErr: number;
  fluxAuto: number; fluxAutoErr: number;
  fluxAper: number[]; fluxAperErr: number[];
  /** radius enclosing 50 % of FLUX_AUTO (first PHOT_FLUXFRAC) */ fluxRadius: number;
  /** radii for every PHOT_FLUXFRAC fraction */ fluxRadii: number[];
  npix: number; peak: number;
  xmin: number; xmax: number; ymin: number; ymax: number;
  flags: number;
  /** FLUX_AUTO / FLUXERR_AUTO */ snr: number;
}

export interface ExtractResult {
  width: number; height: number;
  sources: Source[];
  /**
   * Segmentation map, 0 = sky, id = 1..n: built from `segmentationRuns` on first access (a full-size Int32
   * image; write large maps from the runs with segRunsRange instead).
   */
  readonly segmentation: Int32Array;
  /** the segmentation map as row runs (always present; a few bytes per object row) */
  segmentationRuns: SegRuns;
  /** full-resolution maps (empty arrays when opts.maps === false) */
  background: Float32Array; rms: Float32Array;
  globalBack: number; globalRms: number;
  backgroundModel: BackgroundModel | null;
  /** the image's noise model (per-pixel variance or var0, covariance kernel): reuse it for photometry */
  noise: NoiseModel;
  /** factor applied to the threshold for the noise correlation (1 without a kernel) */
  thresholdNoiseFactor: number;
  /** detection threshold in the units of the detection values (σ·thresh, or S/N) */
  threshold: number;
}

function checkImage(image: Image, what: string, file?: string): void {
  if (!image || !(image.data instanceof Float32Array)) throw new ExtractError(`${what}: expected a Float32Array image`, { file });
  const { width, height } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ExtractError(`${what}: invalid size ${width}×${height}`, { file });
  }
  if (image.data.length !== width * height) {
    throw new ExtractError(`${what}: data has ${image.data.length} values, expected ${width}×${height}`, { file });
  }
}

function validOptions(o: ExtractOptions, file?: string): void {
  const pos = (v: number | undefined, name: string) => {
    if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new ExtractError(`option ${name} must be a positive number (got ${v})`, { file });
  };
  pos(o.backSize, 'backSize');
  pos(o.minArea, 'minArea');
  pos(o.deblendNThresh, 'deblendNThresh');
  if (o.threshold !== undefined && !Number.isFinite(o.threshold)) throw new ExtractError(`option threshold must be finite`, { file });
  if (o.deblendMinCont !== undefined && !(o.deblendMinCont >= 0)) throw new ExtractError('option deblendMinCont must be ≥ 0', { file });
  for (const d of o.apertures ?? []) pos(d, 'apertures');
}

/** A request from the extraction pipeline to its driver (run inline, or split over worker threads). */
export type MeshGrid = { back: Float32Array; sigma: Float32Array };
export type StageRequest =
  | { kind: 'meshes'; data: Float32Array; w: number; h: number; bopts: BackgroundOptions }
  | { kind: 'subtract'; sub: Float32Array; w: number; h: number; model: BackgroundModel; mask: Uint8Array | null }
  | { kind: 'scan'; spec: DetectionSpec; T: number }
  | { kind: 'deblend'; comps: Components; w: number; T: number; dopts: DeblendOptions; noise: MomentNoise; prep?: CleanPrep }
  /** measure consumes `objs`: each entry is released once measured (memory, docs/extract.md) */
  | { kind: 'measure'; ctx: MeasureCtx; objs: ObjPixels[]; comps?: Components };
/** What a stage request returns. */
export type StageResult = ObjPixels[] | Deblended | Source[] | MeshGrid | Band[] | null;

/**
 * Deblending output: the objects, their moments (row objs[i].row; computed once, here) and, when cleaning,
 * their CLEAN models (row i ↔ objs[i]).
 */
export interface Deblended { objs: ObjPixels[]; moments: MomentsTable; models: CleanModels | null }

/** The noise model of the moment errors: σ² from `variance` or var0, plus I/gain for positive I = sub[k]. */
export interface MomentNoise { sub: Float32Array; variance: Float32Array | null; var0: number; gain: number }

const EMPTY_F32 = new Float32Array(0);

/**
 * Unfiltered detection-unit values for CLEAN's abcor (SEP analyse.c): the background-subtracted image,
 * divided by the pixel's σ when detection values are S/N ('variance': σ² from `variance`; 'matched': from
 * `variance` or var0).
 */
export interface CleanPrep {
  sub: Float32Array; variance: Float32Array | null; var0: number; norm: 'none' | 'variance' | 'matched';
  /**
   * With a weight map and a convolution filter (DetectionSpec.snr): the normalised filter and the image
   * height, so that CLEAN's mthresh uses each pixel's own threshold T·√(filtered variance) as SExtractor's
   * examineiso does (PLISTPIX(dthresh)), not the object's smallest one.
   */
  pixelThresholds?: { kernel: Kernel; h: number };
}

/** Float32 T·√(variance filtered with `kernel` at pixel k) — the detection threshold of pixel k (filter.ts detectionRow). */
function pixelThreshold(variance: Float32Array, w: number, h: number, kernel: Kernel, T: number, k: number): number {
  const [kw, kh] = kernel.size;
  const hw = (kw - 1) >> 1, hh = (kh - 1) >> 1;
  const x = k % w, y = (k - x) / w;
  let v = 0;
  for (let j = 0; j < kh; j++) {
    const yy = y + j - hh;
    if (yy < 0 || yy >= h) continue;
    for (let i = 0; i < kw; i++) {
      const xx = x + i - hw, c = kernel.data[j * kw + i]!;
      if (c === 0 || xx < 0 || xx >= w) continue;
      const q = variance[yy * w + xx]!;
      if (q === q) v += c * q;
    }
  }
  return Math.fround(T * Math.fround(Math.sqrt(Math.fround(v))));
}

/** Detection values minus each pixel's own threshold (Float32), for mthreshSelect with threshold 0. */
function aboveOwnThreshold(dval: Float32Array, pix: Int32Array, variance: Float32Array, w: number, pt: { kernel: Kernel; h: number }, T0: number): Float32Array {
  const out = new Float32Array(dval.length);
  for (let i = 0; i < dval.length; i++) out[i] = dval[i]! - pixelThreshold(variance, w, pt.h, pt.kernel, T0, pix[i]!);
  return out;
}

/**
 * CLEAN's model of one object (astro-reference §A.6): moments of the filtered values (deblended objects:
 * about their own barycentre, with the assignment probabilities as weights), Σ filtered values, pixel count
 * and abcor. SEP analyse.c: Δarea = #(u > t₂) − #(u > t) with t₂ = (t + max u)/2 over the unfiltered
 * values u; abcor = (Δarea < 0 ? Δarea : −1)/(2π·ln(t/t₂)·a·b), at most 1.
 */
export function cleanModelInto(out: CleanModels, row: number, o: ObjPixels, m: Moments, T: number, prep: CleanPrep, minarea: number): void {
  let fd = 0;
  for (const v of o.dval) fd += v;
  const { sub, variance, var0, norm } = prep;
  const u = (k: number) => {
    const v = sub[k]!;
    if (!(v === v)) return 0;
    if (norm === 'none') return v;
    const s2 = variance ? variance[k]! : var0;
    return v / (s2 < Infinity ? Math.sqrt(s2) : Infinity);
  };
  let upeak = -Infinity;
  for (const k of o.pix) { const v = u(k); if (v > upeak) upeak = v; }
  const t2 = (T + upeak) / 2;
  let dnpix = 0, area2 = 0;
  for (const k of o.pix) { const v = u(k); if (v > T) dnpix++; if (v > t2) area2++; }
  const darea = area2 - dnpix;
  const t1t2 = T / t2;
  let abcor = t1t2 > 0 ? (darea < 0 ? darea : -1) / (2 * Math.PI * Math.log(t1t2 < 1 ? t1t2 : 0.99) * m.a * m.b) : 1;
  if (abcor > 1) abcor = 1;
  // mthresh: selected in SExtractor's pixel-list order during deblending (detect/lutz.ts mthreshSelect)
  const mthresh = o.mthresh ?? mthreshSelect(o.dval, null, T, minarea);
  out.x[row] = m.x; out.y[row] = m.y; out.a[row] = m.a; out.b[row] = m.b;
  out.cxx[row] = m.cxx; out.cyy[row] = m.cyy; out.cxy[row] = m.cxy;
  out.fdflux[row] = fd; out.npix[row] = o.pix.length; out.abcor[row] = abcor; out.mthresh[row] = mthresh; out.t[row] = T;
}

/**
 * Deblends components c0..c1−1 (pure; used inline and in workers) and measures each object's moments (the
 * catalogue's, with errors from `noise`: rows 0.. of `moments`, objs[i].row = i). With `dopts.cleanMinArea`
 * each object also gets its CLEAN mthresh, and with `prep` its CLEAN model (a row of `models`). The objects
 * come back without their detection values (no longer needed: that frees the components' values).
 */
export function deblendComponents(
  comps: Components, w: number, T: number, dopts: DeblendOptions, noise: MomentNoise, c0 = 0, c1 = comps.n, prep?: CleanPrep,
): Deblended {
  const objs: ObjPixels[] = [];
  const cm = dopts.cleanMinArea;
  const T0 = T;
  const ownT = comps.sigMin && prep?.pixelThresholds && prep.variance ? prep.pixelThresholds : null;
  for (let c = c0; c < c1; c++) {
    // weight map: the component's threshold in flux units, T·(smallest filtered σ) (SExtractor dthresh)
    const T = comps.sigMin ? T0 * comps.sigMin[c]! : T0;
    const s = comps.start[c]!;
    const e = comps.start[c + 1]!;
    const pix = comps.pix.subarray(s, e);
    const dval = comps.val.subarray(s, e);
    const r = deblendSplit(pix, dval, w, T, dopts);
    const last = pix[pix.length - 1]!; // pixels are in raster order: SExtractor's scan completes the
    const done = Math.floor(last / w); // component at its last pixel, in the row after `done`
    if (r === null || r === 'overflow') {
      const o: ObjPixels = { pix, dval, flags: r ? FLAG_DEBLEND_OVERFLOW : 0, done, seq: last, comp: c, row: 0, t0: T }; // views into comps
      if (cm !== undefined) o.mthresh = ownT ? mthreshSelect(aboveOwnThreshold(dval, pix, prep!.variance!, w, ownT, T0), lutzChainOrder(pix, w), 0, cm) : mthreshSelect(dval, lutzChainOrder(pix, w), T, cm);
      objs.push(o);
    } else {
      const orders = cm !== undefined ? pixelListOrder(pix, w, r) : null;
      r.groups.forEach((g, j) => {
        const gp = new Int32Array(g.length);
        const gv = new Float32Array(g.length);
        for (let i = 0; i < g.length; i++) { gp[i] = pix[g[i]!]!; gv[i] = dval[g[i]!]!; }
        const core = r.core![j]!, soft = r.soft![j]!;
        const n = core.length + soft.pos.length;
        const mp = new Int32Array(n), mw = new Float32Array(n);
        let cs = 0, csx = 0, csy = 0;
        for (let i = 0; i < core.length; i++) {
          const k = pix[core[i]!]!, v = dval[core[i]!]!;
          mp[i] = k; mw[i] = v;
          cs += v; csx += v * (k % w); csy += v * Math.floor(k / w);
        }
        for (let i = 0; i < soft.pos.length; i++) { mp[core.length + i] = pix[soft.pos[i]!]!; mw[core.length + i] = dval[soft.pos[i]!]! * soft.w[i]!; }
        const o: ObjPixels = { pix: gp, dval: gv, flags: FLAG_DEBLENDED, done, seq: last, row: 0, t0: T, mom: { pix: mp, w: mw, cx: csx / cs, cy: csy / cs } };
        if (orders) o.mthresh = ownT ? mthreshSelect(aboveOwnThreshold(gv, gp, prep!.variance!, w, ownT, T0), orders[j]!, 0, cm!) : mthreshSelect(gv, orders[j]!, T, cm!);
        objs.push(o);
      });
    }
  }
  // Moments (deblended objects: of their pixels and probability-weighted leftovers, about their own
  // barycentre; SExtractor analyse()), then the CLEAN model from the same moments.
  const moments = momentsTable(objs.length);
  const models = prep && cm !== undefined ? cleanModels(objs.length) : null;
  for (let i = 0; i < objs.length; i++) {
    const o = objs[i]!;
    const m = o.mom ? momentsOfArrays(o.mom.pix, w, o.mom.w, noise, { x: o.mom.cx, y: o.mom.cy }) : momentsOfArrays(o.pix, w, o.dval, noise);
    putMoments(moments, i, m);
    if (models) cleanModelInto(models, i, o, m, o.t0 ?? T0, prep!, cm!);
    o.row = i;
    o.mom = undefined;
    o.dval = EMPTY_F32;
  }
  return { objs, moments, models };
}

/** Subtracts the interpolated background from rows [y0, y1) of `sub` in place; masked pixels become NaN. */
export function subtractBackgroundRows(
  sub: Float32Array, w: number, model: BackgroundModel, mask: Uint8Array | null, y0: number, y1: number,
): void {
  const row = new Float32Array(w);
  const sc = rowScratch(model);
  for (let y = y0; y < y1; y++) {
    const o = y * w;
    mapRow(model, 'back', y, row, sc);
    for (let x = 0; x < w; x++) sub[o + x] = sub[o + x]! - row[x]!;
    if (mask) for (let x = 0; x < w; x++) if (mask[o + x]) sub[o + x] = NaN;
  }
}

export function runInline(req: StageRequest): StageResult {
  if (req.kind === 'meshes') return meshRows(req.data, req.w, req.h, req.bopts, 0, meshGeometry(req.w, req.h, req.bopts).ny);
  if (req.kind === 'subtract') { subtractBackgroundRows(req.sub, req.w, req.model, req.mask, 0, req.h); return null; }
  if (req.kind === 'scan') return [labelBand(req.spec.w, 0, req.spec.h, req.spec, req.T)];
  if (req.kind === 'deblend') return deblendComponents(req.comps, req.w, req.T, req.dopts, req.noise, 0, req.comps.n, req.prep);
  const objs = req.objs;
  const out: Source[] = new Array(objs.length);
  for (let i = 0; i < objs.length; i++) { out[i] = measureObject(req.ctx, objs[i]!, i + 1); (objs as (ObjPixels | null)[])[i] = null; }
  objs.length = 0;
  return out;
}

/** Runs the whole extraction on `image` (physical units; background is subtracted internally). */
export function extractSources(image: Image, opts: ExtractOptions = {}): ExtractResult {
  const g = extractionPipeline(image, opts, false);
  let r = g.next();
  while (!r.done) r = g.next(runInline(r.value));
  return r.value;
}

/**
 * The extraction as a sequence of stages; the heavy per-object stages are yielded as requests so that a
 * driver can run them inline or on worker threads. `shared`: allocate the full-size arrays in
 * SharedArrayBuffers (for workers).
 */
export function* extractionPipeline(
  image: Image, opts: ExtractOptions, shared: boolean,
): Generator<StageRequest, ExtractResult, StageResult> {
  const allocF32 = (n: number) => (shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n));
  // ASTERIS_EXTRACT_TIMING=1 prints stage wall times to stderr (for the benchmark).
  const timing = process.env.ASTERIS_EXTRACT_TIMING === '1';
  let tStage = performance.now();
  const lap = (name: string) => {
    if (!timing) return;
    const t = performance.now();
    process.stderr.write(`extract: ${name} ${(t - tStage).toFixed(0)} ms, ${Object.entries(process.memoryUsage()).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(0)}`).join(" ")} MiB, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
    tStage = t;
  };
  const file = opts.file;
  checkImage(image, 'detection image', file);
  validOptions(opts, file);
  const { width: w, height: h } = image;
  const N = w * h;
  if (opts.mask && opts.mask.length !== N) throw new ExtractError(`mask has ${opts.mask.length} values, image is ${w}×${h}`, { file });
  if (opts.measureImage) {
    checkImage(opts.measureImage, 'measurement image', file);
    if (opts.measureImage.width !== w || opts.measureImage.height !== h) {
      throw new ExtractError(`measurement image is ${opts.measureImage.width}×${opts.measureImage.height} but the detection image is ${w}×${h}`, { file });
    }
  }
  const weight = opts.weight;
  if (weight && weight.type !== 'background' && weight.data.length !== N) {
    throw new ExtractError(`weight map (${weight.type}) has ${weight.data.length} values, image is ${w}×${h}`, { file });
  }
  let nFinite = 0; // only "none at all" matters: stop at the first finite pixel
  for (let i = 0; i < N; i++) if (Number.isFinite(image.data[i]!)) { nFinite = 1; break; }
  if (nFinite === 0) throw new ExtractError('image has no finite pixels (all NaN/Inf)', { file });

  // Variance from a weight map, and the mask of bad-weight pixels for the background statistics.
  let variance: Float32Array | null = null;
  let mask = opts.mask;
  const given = opts.noise;
  if (given) {
    // a noise model from an earlier extraction of this image (threshold ladders): no weight processing,
    // no recalibration, no kernel measurement
    if (weight) throw new ExtractError('give either weight or noise, not both', { file });
    if (given.variance && given.variance.length !== N) throw new ExtractError(`noise model variance has ${given.variance.length} values, image is ${w}×${h}`, { file });
    if (given.covariance) validateCovariance(given.covariance);
    if (given.variance) {
      variance = shared && !(given.variance.buffer instanceof SharedArrayBuffer) ? allocF32(N) : given.variance;
      if (variance !== given.variance) variance.set(given.variance);
      const m = new Uint8Array(N);
      for (let i = 0; i < N; i++) if (variance[i] === Infinity || (mask && mask[i])) m[i] = 1;
      mask = m;
    }
  }
  if (weight && weight.type !== 'background') {
    variance = varianceFromWeight(weight.type, weight.data);
    if (shared) { const v = allocF32(N); v.set(variance); variance = v; }
    const m = new Uint8Array(N);
    for (let i = 0; i < N; i++) if (variance[i] === Infinity || (mask && mask[i])) m[i] = 1;
    mask = m;
  }

  // Working copy of the image (background-subtracted in place below), shared with workers when `shared`.
  const sub = opts.inPlace && (!shared || image.data.buffer instanceof SharedArrayBuffer) ? image.data : allocF32(N);
  if (sub !== image.data) sub.set(image.data);
  if (shared && mask && !(mask.buffer instanceof SharedArrayBuffer)) {
    const m = new Uint8Array(new SharedArrayBuffer(N));
    m.set(mask);
    mask = m;
  }

  lap('validate+copy');
  // Background model.
  let model: BackgroundModel | null = null;
  let constBack = 0;
  let backMap: Float32Array | null = null;
  const meshOpts = {
    meshSize: opts.backSize ?? 64, filterSize: opts.backFilterSize ?? 3,
    filterThresh: opts.backFilterThresh ?? 0, ...(mask ? { mask } : {}),
  };
  type Sent = StageResult;
  const meshModel = function* (): Generator<StageRequest, BackgroundModel, Sent> {
    const grid = (yield { kind: 'meshes', data: sub, w, h, bopts: meshOpts } as StageRequest) as MeshGrid;
    return makeBackground(sub, w, h, meshOpts, grid);
  };
  if (opts.background === undefined || opts.background === 'auto') {
    model = yield* meshModel();
  } else if (typeof opts.background === 'number') {
    constBack = opts.background;
  } else if (opts.background instanceof Float32Array) {
    if (opts.background.length !== N) throw new ExtractError(`background map has ${opts.background.length} values, image is ${w}×${h}`, { file });
    backMap = opts.background;
    model = yield* meshModel();
  } else {
    model = opts.background;
    if (model.width !== w || model.height !== h) throw new ExtractError(`background model is ${model.width}×${model.height}, image is ${w}×${h}`, { file });
  }
  let globalBack = model ? model.globalBack : constBack;
  let globalRms = model ? model.globalRms : NaN;
  if (!model) {
    // MANUAL background: global σ from a clipped estimate of the whole image
    const s: number[] = [];
    const stride = Math.max(1, Math.floor(N / 200000));
    for (let i = 0; i < N; i += stride) { const v = image.data[i]!; if (Number.isFinite(v)) s.push(v - constBack); }
    s.sort((p, q) => p - q);
    const med = medianSorted(s, 'upper');
    const mad = medianSorted(s.map((v) => Math.abs(v - med)).sort((p, q) => p - q), 'upper');
    globalRms = mad > 0 ? MAD_TO_SIGMA * mad : 1;
    globalBack = constBack;
  }
  if (opts.globalRms !== undefined) {
    if (!(opts.globalRms > 0)) throw new ExtractError(`option globalRms must be > 0 (got ${opts.globalRms})`, { file });
    globalRms = opts.globalRms;
  }
  if (variance && weight && weight.type !== 'background' && weight.scaleToBackground) {
    // SExtractor back.c: sigfac = median over meshes of σ_mesh(image)/√(mesh mode of the variance map)
    const { bw, bh, nx, ny } = meshGeometry(w, h, meshOpts);
    const vb = new Float32Array(nx * ny), vs = new Float32Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const r = histogramMode(weightMeshStats(sub, variance, w, i * bw, j * bh, Math.min(w, (i + 1) * bw), Math.min(h, (j + 1) * bh)));
      vb[j * nx + i] = r.back; vs[j * nx + i] = r.sigma;
    }
    const vm = makeBackground(variance, w, h, meshOpts, { back: vb, sigma: vs });
    const sigfac = model ? sextractorSigfac(model.sigma, vm.back) : Math.sqrt((globalRms * globalRms) / (vm.globalBack || 1));
    const f = sigfac * sigfac;
    for (let i = 0; i < N; i++) variance[i] = variance[i]! * f;
  }

  // Background-subtracted detection image (in place or a copy), and the measurement image.
  if (model && !backMap) {
    yield { kind: 'subtract', sub, w, h, model, mask: mask ?? null } as StageRequest; // by rows, in parallel
  } else {
    for (let y = 0; y < h; y++) {
      const o = y * w;
      if (backMap) for (let x = 0; x < w; x++) sub[o + x] = sub[o + x]! - backMap[o + x]!;
      else for (let x = 0; x < w; x++) sub[o + x] = sub[o + x]! - constBack;
    }
    if (mask) for (let i = 0; i < N; i++) if (mask[i]) sub[i] = NaN;
  }
  let meas = sub;
  if (opts.measureImage) {
    meas = allocF32(N);
    const md = opts.measureImage.data;
    const mm = makeBackground(md, w, h, { meshSize: opts.backSize ?? 64, filterSize: opts.backFilterSize ?? 3, ...(mask ? { mask } : {}) });
    const rb = new Float32Array(w);
    const sc2 = rowScratch(mm);
    for (let y = 0; y < h; y++) {
      mapRow(mm, 'back', y, rb, sc2);
      for (let x = 0; x < w; x++) meas[y * w + x] = md[y * w + x]! - rb[x]!;
    }
    if (mask) for (let i = 0; i < N; i++) if (mask[i]) meas[i] = NaN;
  }

  // Per-pixel noise for the 'background' weight type.
  const perPixel = !!weight || !!given?.variance;
  if (weight && weight.type === 'background') {
    if (!model) throw new ExtractError("weight type 'background' needs a mesh background", { file });
    variance = allocF32(N);
    variance.set(backgroundMap(model, 'rms'));
    for (let i = 0; i < N; i++) { const r = variance[i]!; variance[i] = r > 0 ? r * r : Infinity; }
  }
  const var0 = globalRms * globalRms;

  // Noise covariance kernel (src/noise.ts): measured on the source-masked sky, or given.
  let cov: NoiseCovariance | null = null;
  let kernelSource: NoiseModel['kernelSource'] = 'none';
  let depth: DepthNoise | null = null;
  const nk = opts.noiseKernel ?? 'none';
  if (given) {
    cov = given.covariance;
    kernelSource = given.kernelSource;
    depth = given.depth ?? null;
  } else if (nk === 'auto') {
    // A weight map's (or the RMS map's) depth ratios need not be the true noise's (drizzle weights ignore the correlation,
    // which varies with the number and dither of the exposures): rescale the variance by the local
    // empirical variance of sub/σ (mesh statistics as for the background, median-normalised), so that the
    // measured kernel below describes the whole image (docs/extract.md, "Noise model").
    if (variance && weight) localRecalibration(sub, w, h, variance, meshOpts);
    // depth classes of the variance map, one kernel each, measured in the same pass as the pooled kernel
    const edges = variance ? depthEdges(variance) : [];
    const m = edges.length
      ? measureCovariances(sub, w, h, variance, var0, depthClassMap(variance!, edges), edges.length + 1)
      : { pooled: measureCovariance(sub, w, h, variance, var0), kernels: [] as NoiseCovariance[] };
    if (!m.kernels.length) m.kernels.push(m.pooled);
    cov = m.pooled;
    kernelSource = 'measured';
    // (each class's large-scale excess is measured after detection, on the sky outside the segmentation)
    depth = { edges, kernels: m.kernels, scales: [], excess: [] };
    lap('noise kernels');
  } else if (nk !== 'none') {
    validateCovariance(nk);
    cov = nk;
    kernelSource = 'user';
  }

  // Detection values and threshold.
  const thresh = opts.threshold ?? 1.5;
  const relative = (opts.thresholdType ?? 'relative') === 'relative';
  const filterType = opts.filter ?? 'conv';
  const kernel = filterType === 'none' ? { size: [1, 1] as [number, number], data: Float64Array.of(1) } : normaliseKernel(opts.kernel ?? DEFAULT_KERNEL);
  let T: number;
  let snr = false;
  // correlated noise: the filtered image's true σ relative to white noise (1 without a kernel)
  const noiseFactor = cov ? filterNoiseFactor(kernel, cov) : 1;
  if (filterType === 'matched') T = thresh * noiseFactor; // S/N units
  else if (!relative) T = thresh;
  else if (!perPixel) T = thresh * globalRms * noiseFactor;
  else { T = thresh * noiseFactor; snr = true; }
  // σ per pixel when detection values are in S/N units (for quantities compared with T on unfiltered data)
  // (with a weight map and a convolution filter the detection values are filtered fluxes with per-object
  // thresholds, as in SExtractor: CLEAN's unfiltered values are plain fluxes too)
  const norm: CleanPrep['norm'] = filterType === 'matched' ? 'matched' : 'none';
  const minarea = opts.minArea ?? 5;
  const apertures = opts.apertures ?? [5];
  // Bad (NaN / masked) pixels are never part of a detection (detectionRowFn).
  const spec: DetectionSpec = { w, h, sub, filter: filterType, kernel, snr, variance, var0 };
  lap('background');
  // Labelling holds two rows of labels, not a label image (detect/label.ts).
  const bands = (yield { kind: 'scan', spec, T } as StageRequest) as Band[];
  const comps = mergeBands(w, bands, minarea, shared
    ? { i32: (n) => new Int32Array(new SharedArrayBuffer(4 * n)), f32: (n) => new Float32Array(new SharedArrayBuffer(4 * n)) }
    : undefined);
  lap('filter+label');
  if (depth && !given && depth.scales.length === 0) {
    // each depth class's excess over its kernel (noise.ts measureExcess), from empty boxes on the sky ≥ 6 px
    // from the pixels of a DETECT_THRESH 1.5 scan: the run's own when it is at 1.5σ, else one more scan, so
    // that the noise model does not depend on the threshold (a noise model passed as `noise` keeps its own)
    const t15 = relative || filterType === 'matched' ? (T * 1.5) / thresh : T;
    const c15 = t15 === T ? comps : mergeBands(w, (yield { kind: 'scan', spec, T: t15 } as StageRequest) as Band[], minarea);
    depth.scales = EXCESS_SCALES.slice();
    const src = new Uint8Array(N);
    for (let i = 0; i < c15.pix.length; i++) src[c15.pix[i]!] = 1;
    depth.excess = measureExcess(sub, w, h, variance, var0, src, 6, depth.edges, depth.kernels, depth.scales);
    lap('noise excess');
  }

  // Deblend each component.
  interface Obj extends ObjPixels {}
  const nthresh = opts.deblendNThresh ?? 32;
  const mincont = opts.deblendMinCont ?? 0.005;
  const cleaning = opts.clean ?? true;
  const dopts: DeblendOptions = { nthresh, mincont, minarea, ...(cleaning ? { cleanMinArea: minarea } : {}) };
  const prep: CleanPrep | undefined = cleaning ? { sub, variance, var0, norm, ...(snr && filterType !== 'matched' ? { pixelThresholds: { kernel, h } } : {}) } : undefined;
  const noise: MomentNoise = { sub, variance, var0, gain: opts.gain ?? 0 };
  const deb = (yield { kind: 'deblend', comps, w, T, dopts, noise, ...(prep ? { prep } : {}) } as StageRequest) as Deblended;
  let objs = deb.objs as Obj[];
  comps.val = EMPTY_F32; // the detection values are done with (moments and CLEAN models are measured)

  lap('deblend');
  // Cleaning (CLEAN models computed with the deblending, possibly in worker threads).
  if (cleaning && objs.length > 1) {
    const models = deb.models!;
    // SExtractor cleans objects as its scan completes them: detections by their last pixel, the pieces of
    // a deblended detection in the order deblending released them (stable sort keeps that order).
    const order = Int32Array.from(objs, (_, i) => i).sort((p, q) => (objs[p]!.seq ?? p) - (objs[q]!.seq ?? q) || p - q);
    const into = cleanSequential(models, order, T, opts.cleanParam ?? 1);
    deb.models = null; // CLEAN's models are done with
    // SExtractor mergeobject(): the slave's pixels join the master's footprint (segmentation, FLUX_ISO,
    // area) but the master's position and moments are those measured before the merge.
    const merged: Obj[] = [];
    for (let i = 0; i < objs.length; i++) {
      const t = into[i]!;
      if (t < 0) { merged.push(objs[i]!); continue; }
      const m = objs[t]!;
      const sl = objs[i]!;
      const ex = m.extra ?? new Int32Array(0);
      const nx = new Int32Array(ex.length + sl.pix.length + (sl.extra?.length ?? 0));
      nx.set(ex, 0); nx.set(sl.pix, ex.length); if (sl.extra) nx.set(sl.extra, ex.length + sl.pix.length);
      m.extra = nx;
      m.flags |= sl.flags & ~(FLAG_CROWDED | FLAG_DEBLENDED); // mergeobject: not OBJ_MERGED, OBJ_CROWDED
    }
    objs = merged;
  }

  // Order by the first pixel in raster order for stable ids; the segmentation as row runs (detect/segmap.ts).
  // (pixel lists are in raster order: components from the raster scan, deblended groups by ascending position)
  objs.sort((p, q) => p.pix[0]! - q.pix[0]!);
  const seg = segRunsFromFootprints(w, h, objs.length, (i) => [objs[i]!.pix, objs[i]!.extra],
    shared ? (n) => new Int32Array(new SharedArrayBuffer(4 * n)) : undefined);

  // Saturation (raw pixel values) is flagged here; everything else is measured per object.
  if (opts.saturation !== undefined) {
    const satur = opts.saturation;
    const satOffset = opts.inPlace ? globalBack : 0;
    for (const o of objs) {
      const hit = (k: number) => (opts.inPlace ? sub[k]! + satOffset : image.data[k]!) >= satur;
      if (o.pix.some(hit) || (o.extra && o.extra.some(hit))) o.flags |= FLAG_SATURATED;
    }
  }
  const [kfact, kmin] = opts.autoParams ?? [2.5, 3.5];
  const ctx: MeasureCtx = {
    w, h, sub, meas, seg, moments: deb.moments, variance, var0, globalRms, gain: opts.gain ?? 0, apertures, kfact, kmin,
    cov, aperFactors: apertures.map((d) => apertureFactor(cov, d / 2, circleOverlapAt)),
    depth: depth && (depth.kernels.length > 1 || depth.scales.length) ? {
      ...depth, aperFactors: depth.kernels.map((k, c) => apertures.map((d) => cachedApertureFactor(k, d) * excessAt(depth, c, (Math.PI * d * d) / 4))),
    } : null,
    weightGain: !!opts.weightGain && perPixel,
    fracs: opts.fluxFrac ?? [0.5], aperSubpix: opts.aperSubpix ?? 5, maskType: opts.maskType ?? 'correct',
  };
  lap('clean+segmentation');
  const sources = (yield { kind: 'measure', ctx, objs, comps }) as Source[];
  lap('measure');
  const keepMaps = opts.maps ?? true;
  let segArray: Int32Array | null = null;
  return {
    width: w, height: h, sources,
    get segmentation() { return (segArray ??= segRunsToArray(seg)); },
    segmentationRuns: seg,
    background: keepMaps ? (backMap ? Float32Array.from(backMap) : model ? backgroundMap(model, 'back') : new Float32Array(N).fill(constBack)) : new Float32Array(0),
    rms: keepMaps ? (model ? backgroundMap(model, 'rms') : new Float32Array(N).fill(globalRms)) : new Float32Array(0),
    globalBack, globalRms, backgroundModel: model, threshold: T,
    noise: { variance, var0, covariance: cov, kernelSource, depth }, thresholdNoiseFactor: noiseFactor,
  };
}

/** Everything the per-object measurement needs (typed arrays may live in SharedArrayBuffers for workers). */
export interface MeasureCtx {
  w: number; h: number;
  /** background-subtracted detection image */ sub: Float32Array;
  /** background-subtracted measurement image (may be `sub`) */ meas: Float32Array;
  /** segmentation (row runs): neighbours are masked in Kron radius, FLUX_AUTO and FLUX_RADIUS */
  seg: SegRuns;
  /** the objects' moments, measured at deblending (row ObjPixels.row) */
  moments: MomentsTable;
  variance: Float32Array | null; var0: number; globalRms: number; gain: number;
  apertures: number[]; kfact: number; kmin: number; fracs: number[]; aperSubpix: number;
  maskType: 'correct' | 'blank' | 'none';
  /** noise covariance kernel (null: white) and its factor on each aperture's variance */
  cov: NoiseCovariance | null; aperFactors: number[];
  /** depth-dependent noise (NoiseModel.depth) with each class's aperture factors (kernel × excess); null: `cov` everywhere */
  depth: (DepthNoise & { aperFactors: number[][] }) | null;
  /** WEIGHT_GAIN: source Poisson term scaled by σ²(centre)/σ²_bkg */
  weightGain: boolean;
}

/**
 * An object before measurement: footprint pixels (raster order), flags, and its row in the moments table.
 * Its detection values `dval` (and `mom`) are only there while it is being deblended.
 */
export interface ObjPixels {
  pix: Int32Array; dval: Float32Array; flags: number; done: number; extra?: Int32Array;
  /** row of the object's moments (Deblended.moments, MeasureCtx.moments) */
  row: number;
  /** the object's detection threshold in the units of its values (set while deblending) */
  t0?: number;
  /** raster index of the last pixel of the detection it came from: SExtractor's completion order */
  seq?: number;
  /** CLEAN's mthresh as SExtractor selects it (set when cleaning) */
  mthresh?: number;
  /** undeblended objects: index of the component whose arrays `pix` and `dval` view */
  comp?: number;
  /** deblended objects: pixels and weights (detection value × assignment probability) for the moments, and
   *  the barycentre of the object's own pixels above its split level (SExtractor keeps it as the position) */
  mom?: { pix: Int32Array; w: Float32Array; cx: number; cy: number };
}

/** Measures one object (id = its segmentation label). Pure: used in the main thread and in workers. */
export function measureObject(ctx: MeasureCtx, o: ObjPixels, id: number): Source {
  const { w, h, sub, meas, seg, variance, var0, globalRms, apertures, kfact, kmin, fracs, aperSubpix, maskType } = ctx;
  let cov = ctx.cov;
  const varAt = variance ? (k: number) => variance[k]! : () => var0;
  const n = o.pix.length;
  let flags = o.flags;
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  let peak = -Infinity;
  let fluxIso = 0;
  let varIso = 0;
  // footprint: own pixels, then those taken over by CLEAN (loops written out: no closure per pixel)
  for (let part = 0; part < 2; part++) {
    const list = part === 0 ? o.pix : o.extra;
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const k = list[i]!;
      const x = k % w;
      const y = (k - x) / w;
      if (x < xmin) xmin = x; if (x > xmax) xmax = x; if (y < ymin) ymin = y; if (y > ymax) ymax = y;
      const v = meas[k]!;
      if (v === v) { fluxIso += v; const vv = variance ? variance[k]! : var0; if (vv < Infinity) varIso += vv; }
      const dv = sub[k]!;
      if (dv > peak) peak = dv;
    }
  }
  if (xmin === 0 || ymin === 0 || xmax === w - 1 || ymax === h - 1) flags |= FLAG_TRUNCATED;
  const m = momentsRow(ctx.moments, o.row);
  // WEIGHT_GAIN: local gain ∝ 1/σ² (SExtractor Weighting.rst)
  let gain = ctx.gain;
  if (gain > 0 && ctx.weightGain && variance) {
    const kc = Math.min(h - 1, Math.max(0, Math.round(m.y))) * w + Math.min(w - 1, Math.max(0, Math.round(m.x)));
    const vc = variance[kc]!;
    if (vc > 0 && vc < Infinity) gain = (gain * var0) / vc;
  }
  // depth class at the centre: its kernel and large-scale excess (NoiseModel.depth)
  const dep = ctx.depth;
  let dc = 0;
  if (dep) {
    const kc = Math.min(h - 1, Math.max(0, Math.round(m.y))) * w + Math.min(w - 1, Math.max(0, Math.round(m.x)));
    dc = variance ? depthClass(dep, variance[kc]!) : 0;
    cov = dep.kernels[dc] ?? cov;
  }
  const aperFactors = dep ? dep.aperFactors[dc]! : ctx.aperFactors;
  if (cov) varIso *= isoFactor(cov, o, w, xmin, xmax, ymin, ymax) * (dep ? excessAt(dep, dc, n + (o.extra?.length ?? 0)) : 1);
  if (gain > 0 && fluxIso > 0) varIso += fluxIso / gain;
  // Barycentre and moments weighted by the filtered detection values over the isophotal footprint
  // (this is what SExtractor's X_IMAGE, X2_IMAGE… reproduce; see the SEP reference test), measured when
  // the object was deblended (deblendComponents).
  const thetaDeg = (m.theta * 180) / Math.PI;
  // Apertures
  const aperOpts = { ...(variance ? { variance } : { err: globalRms }), subpix: aperSubpix };
  // (arrays of their exact length: a pushed-to [] reserves 17 slots, and the catalogue holds one per source)
  const fluxAper = new Array<number>(apertures.length);
  const fluxAperErr = new Array<number>(apertures.length);
  for (let i = 0; i < apertures.length; i++) {
    const r = sumCircle(meas, w, h, m.x, m.y, apertures[i]! / 2, aperOpts);
    fluxAper[i] = r.sum;
    let av = r.sumVar * aperFactors[i]!;
    if (gain > 0 && r.sum > 0) av += r.sum / gain;
    fluxAperErr[i] = Math.sqrt(Math.max(0, av));
    if (r.flags & APER_TRUNC) flags |= FLAG_APER_TRUNC;
  }
  // Kron radius (detection image, neighbours excluded) and FLUX_AUTO (measurement image, neighbours mirrored).
  let kf = kmin;
  if (m.a > 0 && m.b > 0) {
    const kr = kronRadius(sub, w, h, m.x, m.y, m.a, m.b, thetaDeg, 6,
      maskType === 'none' ? {} : { segStamp: ellipseStamp(seg, m.x, m.y, 6 * m.a, 6 * m.b, m.theta, 1), segId: id });
    if (kr.flags & APER_TRUNC) flags |= FLAG_APER_TRUNC;
    if (kr.kronRadius > 0) kf = Math.max(kfact * kr.kronRadius, kmin);
  }
  // (2 px margin: FLUX_AUTO's mirrored pixels may fall one pixel outside the ellipse's box)
  const autoSeg = ellipseStamp(seg, m.x, m.y, m.a * kf, m.b * kf, m.theta, 2);
  const autoFac = cov ? ellipseFactor(cov, m.a * kf, m.b * kf, m.theta) * (dep ? excessAt(dep, dc, Math.PI * m.a * m.b * kf * kf) : 1) : 1;
  const auto = autoFlux(meas, varAt, autoSeg, id, w, h, m.x, m.y, m.a * kf, m.b * kf, m.theta, gain, maskType, autoFac);
  flags |= auto.flags;
  const fluxAutoErr = Math.sqrt(Math.max(0, auto.var));
  // FLUX_RADIUS within 6·a normalised by FLUX_AUTO (SEP reference procedure), then windowed centroid.
  const rmax = Math.max(6 * m.a, 1);
  const segOpt = maskType === 'none' ? {} : { segStamp: segStamp(seg, Math.floor(m.x - rmax) - 1, Math.floor(m.y - rmax) - 1, Math.ceil(m.x + rmax) + 1, Math.ceil(m.y + rmax) + 1), segId: id };
  const fr = fluxRadius(meas, w, h, m.x, m.y, rmax, fracs, { normFlux: auto.flux, ...segOpt });
  const i50 = fracs.indexOf(0.5);
  const r50 = i50 >= 0 ? fr.radii[i50]! : fluxRadius(meas, w, h, m.x, m.y, rmax, [0.5], { normFlux: auto.flux, ...segOpt }).radii[0]!;
  const win = windowedCentroid(meas, w, h, m.x, m.y, (2 * r50) / Math.sqrt(8 * Math.LN2));
  return {
    id, x: m.x, y: m.y, xwin: win.x, ywin: win.y,
    x2: m.x2, y2: m.y2, xy: m.xy, errx2: m.errx2, erry2: m.erry2, errxy: m.errxy,
    cxx: m.cxx, cyy: m.cyy, cxy: m.cxy,
    a: m.a, b: m.b, theta: thetaDeg, kronRadius: kf,
    fluxIso, fluxIsoErr: Math.sqrt(varIso),
    fluxAuto: auto.flux, fluxAutoErr,
    fluxAper, fluxAperErr,
    fluxRadius: r50, fluxRadii: fr.radii,
    npix: n + (o.extra?.length ?? 0), peak, xmin, xmax, ymin, ymax, flags,
    snr: fluxAutoErr > 0 ? auto.flux / fluxAutoErr : 0,
  };
}

/**
 * FLUX_APER and its error at (x, y) exactly as the catalogue measures them (same sampling, same noise
 * model: Σ a_i σ_i² times the aperture's covariance factor), on a background-subtracted image `data`. For
 * empty-aperture checks and forced photometry on the same noise model.
 */
export function apertureFlux(
  data: Float32Array, w: number, h: number, noise: NoiseModel, x: number, y: number, diameter: number, subpix = 5,
): { flux: number; err: number; flags: number } {
  const r = sumCircle(data, w, h, x, y, diameter / 2, { ...(noise.variance ? { variance: noise.variance } : { err: Math.sqrt(noise.var0) }), subpix });
  let f = noise.covariance ? cachedApertureFactor(noise.covariance, diameter) : 1;
  const d = noise.depth;
  if (d && noise.covariance) {
    const c = noise.variance ? depthClass(d, noise.variance[Math.min(h - 1, Math.max(0, Math.round(y))) * w + Math.min(w - 1, Math.max(0, Math.round(x)))]!) : 0;
    f = cachedApertureFactor(d.kernels[c] ?? noise.covariance, diameter) * excessAt(d, c, (Math.PI * diameter * diameter) / 4);
  }
  return { flux: r.sum, err: Math.sqrt(Math.max(0, r.sumVar * f)), flags: r.flags };
}

const aperFactorCache = new WeakMap<NoiseCovariance, Map<number, number>>();
function cachedApertureFactor(cov: NoiseCovariance, diameter: number): number {
  let m = aperFactorCache.get(cov);
  if (!m) aperFactorCache.set(cov, (m = new Map()));
  let f = m.get(diameter);
  if (f === undefined) m.set(diameter, (f = apertureFactor(cov, diameter / 2, circleOverlapAt)));
  return f;
}

/** Exact overlap of pixel (px, py) with a circle of radius r centred at (cx, cy). */
function circleOverlapAt(px: number, py: number, cx: number, cy: number, r: number): number {
  return circleRectOverlap(px - 0.5 - cx, py - 0.5 - cy, px + 0.5 - cx, py + 0.5 - cy, r);
}

/**
 * Multiplies `variance` by s²(x)/median(s²), s the interpolated mesh σ of the 3×3 box mean of sub/σ
 * (SExtractor's mesh statistics and spline; sources are clipped by the mesh histogram as for the
 * background). The box makes the calibration hold at aperture scales where the correlation differs
 * between regions (on UDS F444W the shallow half's 10 px errors were 10 % high with a per-pixel scale).
 */
function localRecalibration(sub: Float32Array, w: number, h: number, variance: Float32Array, meshOpts: BackgroundOptions): void {
  const u = new Float32Array(w * h);
  for (let k = 0; k < u.length; k++) { const v = variance[k]!; u[k] = v > 0 && v < Infinity ? sub[k]! / Math.sqrt(v) : NaN; }
  boxSmooth(u, w, h, 1); // calibrated at the 3×3 scale (the detection filter's; apertures are 3–16 px)
  const m = makeBackground(u, w, h, meshOpts);
  const g = m.globalRms;
  if (!(g > 0)) return;
  const row = new Float32Array(w);
  const sc = rowScratch(m);
  for (let y = 0; y < h; y++) {
    mapRow(m, 'rms', y, row, sc);
    const o = y * w;
    for (let x = 0; x < w; x++) { const r = row[x]! / g; if (r > 0) variance[o + x] = variance[o + x]! * r * r; }
  }
}

/** In-place box mean of half-width r (NaN-aware: NaN where the box has no valid pixel). */
function boxSmooth(u: Float32Array, w: number, h: number, r: number): void {
  const t = new Float32Array(w * h), tc = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0, c = 0;
      for (let i = Math.max(0, x - r); i <= Math.min(w - 1, x + r); i++) { const v = u[o + i]!; if (v === v) { s += v; c++; } }
      t[o + x] = s; tc[o + x] = c;
    }
  }
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) {
    let s = 0, c = 0;
    for (let j = Math.max(0, y - r); j <= Math.min(h - 1, y + r); j++) { s += t[j * w + x]!; c += tc[j * w + x]!; }
    u[y * w + x] = c > 0 && u[y * w + x]! === u[y * w + x]! ? s / c : NaN;
  }
}

/**
 * Correlated-noise factor of FLUX_ISO's variance: Σ_{i,j∈footprint} C(i−j)/npix, exact. Computed from the
 * footprint's row runs: the number of pixel pairs at lag (dx, dy) is the sum over run pairs of rows y and
 * y + dy of their overlap after a shift by dx (rows × runs² × kernel-size² instead of npix × kernel-size²).
 */
function isoFactor(cov: NoiseCovariance, o: ObjPixels, w: number, x0: number, x1: number, y0: number, y1: number): number {
  const n = cov.size, R = (n - 1) >> 1, C = cov.data;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const inS = new Uint8Array(bw * bh);
  let cnt = 0;
  for (const list of [o.pix, o.extra]) if (list) for (let i = 0; i < list.length; i++) {
    const k = list[i]!, x = k % w;
    inS[((k - x) / w - y0) * bw + x - x0] = 1; cnt++;
  }
  if (!cnt) return 1;
  // runs per row: starts and ends (inclusive), rowStart[y]..rowStart[y+1]
  const ra: number[] = [], rb: number[] = [];
  const rowStart = new Int32Array(bh + 1);
  for (let y = 0; y < bh; y++) {
    rowStart[y] = ra.length;
    const o0 = y * bw;
    for (let x = 0; x < bw; x++) {
      if (!inS[o0 + x]) continue;
      const a = x;
      while (x + 1 < bw && inS[o0 + x + 1]) x++;
      ra.push(a); rb.push(x);
    }
  }
  rowStart[bh] = ra.length;
  let g = 0;
  for (let y = 0; y < bh; y++) {
    for (let dy = 0; dy <= R && y + dy < bh; dy++) {
      const wgt = dy === 0 ? 1 : 2; // lag (dx, −dy) pairs are the same pairs seen from the other row
      const co = (dy + R) * n + R;
      for (let p = rowStart[y]!; p < rowStart[y + 1]!; p++) {
        const a1 = ra[p]!, b1 = rb[p]!;
        for (let q = rowStart[y + dy]!; q < rowStart[y + dy + 1]!; q++) {
          const a2 = ra[q]!, b2 = rb[q]!;
          for (let dx = -R; dx <= R; dx++) {
            const lo = a1 > a2 - dx ? a1 : a2 - dx, hi = b1 < b2 - dx ? b1 : b2 - dx;
            if (hi >= lo) g += wgt * (hi - lo + 1) * C[co + dx]!;
          }
        }
      }
    }
  }
  return g / cnt;
}

/**
 * Correlated-noise factor of FLUX_AUTO's variance: Σ_d C(d)·|E ∩ (E + d)|/|E| for the Kron ellipse E; the
 * overlap of an ellipse with its copy shifted by d is that of the unit disc shifted by the ellipse distance
 * s = √(cxx dx² + cyy dy² + cxy dx dy): (2/π)(acos(s/2) − (s/2)√(1 − s²/4)). (Continuous approximation of
 * the whole-pixel sum; 169 terms per object instead of npix × 169.)
 */
function ellipseFactor(cov: NoiseCovariance, A: number, B: number, theta: number): number {
  if (!(A > 0 && B > 0)) return covarianceSum(cov);
  const { cxx, cyy, cxy } = ellipseCoeffs(A, B, theta);
  const n = cov.size, R = (n - 1) >> 1;
  let g = 0;
  for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) {
    const c = cov.data[(dy + R) * n + dx + R]!;
    if (c === 0) continue;
    const s2 = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
    if (s2 >= 4) continue;
    const h = Math.sqrt(s2) / 2;
    g += c * (2 / Math.PI) * (Math.acos(h) - h * Math.sqrt(1 - h * h));
  }
  return g;
}

/** The segmentation window around an ellipse (semi-axes A, B, angle theta rad) plus `margin` pixels. */
function ellipseStamp(seg: SegRuns, x: number, y: number, A: number, B: number, theta: number, margin: number): SegStamp {
  const c = Math.cos(theta), s = Math.sin(theta);
  const hx = Math.sqrt(A * A * c * c + B * B * s * s) + margin, hy = Math.sqrt(A * A * s * s + B * B * c * c) + margin;
  // NaN axes (degenerate objects) measure nothing: an empty window
  if (!(hx < Infinity && hy < Infinity)) return segStamp(seg, 0, 0, -1, -1);
  return segStamp(seg, Math.floor(x - hx), Math.floor(y - hy), Math.ceil(x + hx), Math.ceil(y + hy));
}

/**
 * FLUX_AUTO: whole pixels with centres inside the Kron ellipse (semi-axes A, B, angle theta rad). Pixels
 * of other objects (or NaN) are replaced by their mirror through the centre when that one is clean
 * (MASK_TYPE CORRECT), otherwise dropped and the sum rescaled by area. FLAGS 1 when > 10 % of the pixels
 * were replaced or dropped; FLAGS 16 when the ellipse leaves the image.
 */
function autoFlux(
  data: Float32Array, varAt: (k: number) => number, seg: SegStamp, id: number, w: number, h: number,
  x: number, y: number, A: number, B: number, theta: number, gain: number,
  maskType: 'correct' | 'blank' | 'none' = 'correct', varFactor = 1,
): { flux: number; var: number; flags: number } {
  if (!(A > 0 && B > 0)) return { flux: 0, var: 0, flags: 0 };
  const { cxx, cyy, cxy } = ellipseCoeffs(A, B, theta);
  const c = Math.cos(theta), s = Math.sin(theta);
  const hx = Math.sqrt(A * A * c * c + B * B * s * s);
  const hy = Math.sqrt(A * A * s * s + B * B * c * c);
  let flags = 0;
  let x0 = Math.floor(x - hx + 0.5), x1 = Math.ceil(x + hx - 0.5);
  let y0 = Math.floor(y - hy + 0.5), y1 = Math.ceil(y + hy - 0.5);
  if (x0 < 0) { x0 = 0; flags |= FLAG_APER_TRUNC; }
  if (y0 < 0) { y0 = 0; flags |= FLAG_APER_TRUNC; }
  if (x1 > w - 1) { x1 = w - 1; flags |= FLAG_APER_TRUNC; }
  if (y1 > h - 1) { y1 = h - 1; flags |= FLAG_APER_TRUNC; }
  let sum = 0, v2 = 0, n = 0, nrep = 0, ndrop = 0;
  const sd = seg.data, sx0 = seg.x0, sy0 = seg.y0, sw = seg.sw;
  for (let iy = y0; iy <= y1; iy++) {
    const dy = iy - y;
    for (let ix = x0; ix <= x1; ix++) {
      const dx = ix - x;
      if (cxx * dx * dx + cyy * dy * dy + cxy * dx * dy > 1) continue;
      n++;
      let k = iy * w + ix;
      let v = data[k]!;
      const sg = sd[(iy - sy0) * sw + ix - sx0]!;
      const neighbour = sg !== 0 && sg !== id && maskType !== 'none';
      if (neighbour && maskType === 'blank') { nrep++; continue; }
      if (neighbour || !(v === v)) {
        nrep++;
        const mx = Math.round(2 * x - ix), my = Math.round(2 * y - iy);
        const mk = my * w + mx;
        if (mx < 0 || my < 0 || mx >= w || my >= h || (sd[(my - sy0) * sw + mx - sx0] !== 0 && sd[(my - sy0) * sw + mx - sx0] !== id) || !(data[mk]! === data[mk]!)) { ndrop++; continue; }
        k = mk;
        v = data[k]!;
      }
      const vv = varAt(k);
      sum += v;
      if (vv < Infinity) v2 += vv;
    }
  }
  if (ndrop > 0 && n > ndrop) { const f = n / (n - ndrop); sum *= f; v2 *= f; }
  if (n > 0 && nrep > 0.1 * n) flags |= FLAG_CROWDED;
  v2 *= varFactor;
  if (gain > 0 && sum > 0) v2 += sum / gain;
  return { flux: sum, var: v2, flags };
}

/**
 * Windowed centroid (SExtractor PositionWin.rst): X ← X + 2·Σw·I·(x − X)/Σw·I with w = exp(−r²/2s²)
 * over r < 4s, at most 16 iterations, until the step is < 2×10⁻⁴ px.
 */
export function windowedCentroid(
  data: Float32Array, w: number, h: number, x: number, y: number, s: number,
): { x: number; y: number; niter: number } {
  if (!(s > 0)) return { x, y, niter: 0 };
  const rmax = 4 * s;
  const inv2s2 = 1 / (2 * s * s);
  let cx = x, cy = y;
  let it = 0;
  for (; it < 16; it++) {
    let sw = 0, swx = 0, swy = 0;
    const x0 = Math.max(0, Math.floor(cx - rmax)), x1 = Math.min(w - 1, Math.ceil(cx + rmax));
    const y0 = Math.max(0, Math.floor(cy - rmax)), y1 = Math.min(h - 1, Math.ceil(cy + rmax));
    for (let iy = y0; iy <= y1; iy++) {
      const dy = iy - cy;
      for (let ix = x0; ix <= x1; ix++) {
        const dx = ix - cx;
        const r2 = dx * dx + dy * dy;
        if (r2 >= rmax * rmax) continue;
        const v = data[iy * w + ix]!;
        if (!(v === v)) continue;
        const wv = Math.exp(-r2 * inv2s2) * v;
        sw += wv; swx += wv * dx; swy += wv * dy;
      }
    }
    if (!(sw > 0)) break;
    const ddx = (2 * swx) / sw, ddy = (2 * swy) / sw;
    cx += ddx; cy += ddy;
    if (Math.abs(cx - x) > rmax || Math.abs(cy - y) > rmax) { cx = x; cy = y; break; } // diverged: keep isophotal
    if (ddx * ddx + ddy * ddy < 4e-8) { it++; break; }
  }
  return { x: cx, y: cy, niter: it };
}
