// The detect stage's default detection (issue 14): the matched-filter bank (detect/bank.ts: PSF + PSF ⊗
// exponential discs) on a background-subtracted, row-whitened detection image (bankPlane), each map in its
// own robust σ, its threshold set on the path's OWN
// null images (the images stage's null stacks through the same co-add / denoise and detection-image
// chain) at a target false-detection rate per arcmin², and a SExtractor measurement seeded by the bank's
// peaks:
//   1. bank peaks above the null-calibrated threshold decide WHAT is detected;
//   2. extractSources at a low footprint threshold (segmentThreshold, 1.0σ by default, the configured
//      filter/deblending) gives the footprints and the isophotal/aperture/AUTO measurements;
//   3. a footprint is kept when it holds a bank peak (its label at the peak pixel, else the first label
//      in the 3×3 neighbourhood); kept sources are renumbered 1..n in the extractor's order and the
//      segmentation map relabelled (dropped footprints → 0). Peaks on no footprint are counted
//      (`unsegmented`) and not measured.
// The same seeded measurement runs on the null images, so the false detections that purity counts are
// measured the same way as the real ones.
import { backgroundMap, makeBackground } from './background/model.ts';
import { fft2d, medianSorted, nextPow2 } from '@asteris/core';
import { peaksOfMaps, robustStd, type BankDetection, type BankKernel } from './detect/bank.ts';
import { segRunsToArray } from './detect/segmap.ts';
import { extractSources, type ExtractOptions, type Source } from './extract.ts';
import type { Image } from '@asteris/fits';
import { calibrateNullThreshold, destripeRows, nullFalseRate, type FalseRate } from '@asteris/stack';

/** Base S/N of the null detections handed to the calibration (below any threshold it can return). */
export const NULL_BASE_SNR = 2.5;
/**
 * Border (px) where neither the field nor the nulls are searched (at most: a quarter of the image). Kept
 * small: a wide border loses real sources (24 px cost the demo 18 % of its area and its bright-bin
 * completeness); a denoiser's edge artefacts (the demo's denoised nulls hold 5–7σ peaks within 20 px of the
 * edge) are then part of the denoised path's null false rate, as they are of its field.
 */
export const BANK_BORDER_PX = 6;

/** The image minus its SExtractor-style mesh background (the level the bank's statistics assume). */
export function meshSubtracted(img: Image, meshSize = 64, filterSize = 3): Image {
  const bg = backgroundMap(makeBackground(img.data, img.width, img.height, { meshSize, filterSize }));
  return { ...img, data: Float32Array.from(img.data, (v, i) => v - bg[i]!) };
}

/**
 * The plane the bank searches (issue 14, docs/asteris.md part 0 "the optimal co-add path"): the image minus
 * its mesh background, then row-whitened (@asteris/stack destripeRows: one robust offset per row removed,
 * sources masked) — the 1/f row striping is correlated noise the matched filter would integrate along the
 * kernel (PSF-filtered noise 1.24× the pixel σ on the bench field). Applied identically to the field, its
 * nulls and injected copies.
 */
export function bankPlane(img: Image, meshSize = 64, filterSize = 3): Image {
  const m = meshSubtracted(img, meshSize, filterSize);
  return { ...m, data: destripeRows(m.data, m.width, m.height).data };
}

/** σ_k of each bank map: its own robust std (the S/N unit of that image; detect/bank.ts detectBank's default). */
export function ownSigma(maps: Float32Array[]): number[] {
  return maps.map((m) => robustStd(m));
}

export interface BankCalibration extends FalseRate {
  threshold: number;
  /** false when the nulls held too few detections to resolve the target (the threshold is the highest null score) */
  resolved: boolean;
  /** σ_k of each bank kernel on the nulls: the median over the nulls of each null map's own robust std
   *  (sigma[0], the PSF kernel's, is the noise of the PSF-filtered null image: the ceiling's input) */
  sigma: number[];
  /** the target, false detections per arcmin² */
  target: number;
  /** null images used */
  nNulls: number;
}

/**
 * Calibrates one path on its null images (already through bankPlane): each null's maps in units of their
 * own robust σ_k (as the field's are), null detections at NULL_BASE_SNR, and the lowest threshold whose
 * null false rate ≤ target (libs/stack's calibrateNullThreshold semantics). Returns the null detections
 * above the threshold too.
 */
export function calibrateBankOnNulls(nulls: Image[], bank: BankKernel[], pixelScale: number, target: number, mask?: Uint8Array): { cal: BankCalibration; nullPeaks: BankDetection[][]; sigma: number[] } {
  const { width: w, height: h } = nulls[0]!;
  const maps = nulls.map((im) => bankMaps(im.data, w, h, bank));
  const own = maps.map(ownSigma);
  const sigma = bank.map((_, k) => medianSorted(own.map((s) => s[k]!).sort((a, b) => a - b), 'upper'));
  const B = Math.min(BANK_BORDER_PX, Math.floor(Math.min(w, h) / 4));
  // searched null area: inside the border, outside the field's bright-source footprints (mask = 1), where
  // a noise peak could not be a separate detection in the field either
  let open = 0;
  for (let y = B; y < h - B; y++) for (let x = B; x < w - B; x++) if (!mask?.[y * w + x]) open++;
  const areaArcmin2 = (open * pixelScale * pixelScale) / 3600;
  const det = nulls.map((im, i) => peaksOfMaps(maps[i]!, im.data, w, h, bank, own[i]!, NULL_BASE_SNR, B, { refine: true })
    .filter((q) => !mask?.[Math.round(q.y) * w + Math.round(q.x)]));
  const nd = { scores: det.map((d) => d.map((q) => q.snr)), areaArcmin2 };
  const c = calibrateNullThreshold(nd, target, NULL_BASE_SNR);
  // an unresolved target (too few null peaks): the highest null score, so no null peak passes
  const threshold = c.resolved ? c.threshold : Math.max(NULL_BASE_SNR, ...nd.scores.flat());
  const rate = c.resolved ? c : nullFalseRate(nd, threshold);
  return {
    cal: { ...rate, threshold, resolved: c.resolved, sigma, target, nNulls: nulls.length },
    nullPeaks: det.map((d) => d.filter((q) => q.snr > threshold)),
    sigma,
  };
}

export interface SeededResult {
  sources: Source[];
  /** relabelled segmentation map (0 = sky, 1..n = sources) */
  segmentation: Int32Array;
  /** bank peaks that fell on no footprint */
  unsegmented: number;
}

/**
 * The seeded measurement (header, steps 2–3): the extractor's footprints and measurements at
 * `segmentThreshold`, kept where a bank peak lies.
 */
export function seededSources(image: Image, opts: ExtractOptions, peaks: { x: number; y: number }[], segmentThreshold: number, footprints?: Footprints): SeededResult {
  const { width: w, height: h } = image;
  const { sources: all, seg: seg0 } = footprints ?? footprintsOf(image, opts, segmentThreshold);
  const seg = Int32Array.from(seg0);
  const keep = new Set<number>();
  let unsegmented = 0;
  for (const p of peaks) {
    const x = Math.round(p.x), y = Math.round(p.y);
    let lab = seg[y * w + x]!;
    for (let dy = -1; dy <= 1 && !lab; dy++) for (let dx = -1; dx <= 1 && !lab; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h) lab = seg[yy * w + xx]!;
    }
    if (lab) keep.add(lab); else unsegmented++;
  }
  const relabel = new Int32Array(all.reduce((m, s) => Math.max(m, s.id), 0) + 1);
  const sources: Source[] = [];
  for (const s of all) {
    if (!keep.has(s.id)) continue;
    const id = sources.length + 1;
    relabel[s.id] = id;
    sources.push({ ...s, id });
  }
  for (let i = 0; i < seg.length; i++) seg[i] = seg[i]! > 0 ? relabel[seg[i]!]! : 0;
  return { sources, segmentation: seg, unsegmented };
}

/**
 * Bank detection of a detection image already through bankPlane, at a calibrated threshold, sub-pixel
 * refined. σ_k: given (an injected copy reuses its main field's), else each map's own robust std.
 */
export function bankPeaks(img: Image, bank: BankKernel[], threshold: number, sigma?: number[]): { peaks: BankDetection[]; sigma: number[] } {
  const B = Math.min(BANK_BORDER_PX, Math.floor(Math.min(img.width, img.height) / 4));
  const maps = bankMaps(img.data, img.width, img.height, bank);
  const s = sigma ?? ownSigma(maps);
  return { peaks: peaksOfMaps(maps, img.data, img.width, img.height, bank, s, threshold, B, { refine: true }), sigma: s };
}

const kernelFfts = new WeakMap<BankKernel, Map<string, { re: Float64Array; im: Float64Array }>>();
/** FFT of a kernel's taps placed with its centre at the origin (wrapped) on an nx × ny grid (cached). */
function kernelFft(k: BankKernel, nx: number, ny: number): { re: Float64Array; im: Float64Array } {
  let m = kernelFfts.get(k);
  if (!m) kernelFfts.set(k, (m = new Map()));
  const key = `${nx}x${ny}`;
  let f = m.get(key);
  if (f) return f;
  const n = 2 * k.half + 1, H = k.half;
  const re = new Float64Array(nx * ny), im = new Float64Array(nx * ny);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    const x = (i - H + nx) % nx, y = (j - H + ny) % ny;
    re[y * nx + x] = k.taps[j * n + i]!;
  }
  fft2d(re, im, nx, ny);
  m.set(key, (f = { re, im }));
  return f;
}

/**
 * The image correlated with every bank kernel (NaN and the outside count as 0), by FFT on a zero-padded
 * power-of-two grid, two kernels per inverse transform (real maps in the real and imaginary parts): the
 * same maps as detect/bank.ts's bankFilter (which drops taps below 1e-4 of the peak; differences ≲ 3e-3 σ,
 * test: libs/extract/test/bank-stage.test.ts), ≈ 5× faster for the r_e = 0.2″ kernel on 512² images.
 */
export function bankMaps(data: Float32Array, w: number, h: number, bank: BankKernel[]): Float32Array[] {
  const H = Math.max(...bank.map((k) => k.half));
  const nx = nextPow2(w + H), ny = nextPow2(h + H);
  const dr = new Float64Array(nx * ny), di = new Float64Array(nx * ny);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const v = data[y * w + x]!; dr[y * nx + x] = Number.isFinite(v) ? v : 0; }
  fft2d(dr, di, nx, ny);
  const out: Float32Array[] = [];
  for (let k = 0; k < bank.length; k += 2) {
    const t1 = kernelFft(bank[k]!, nx, ny), t2 = k + 1 < bank.length ? kernelFft(bank[k + 1]!, nx, ny) : null;
    const zr = new Float64Array(nx * ny), zi = new Float64Array(nx * ny);
    for (let p = 0; p < zr.length; p++) {
      // correlation: D·conj(T); two real outputs packed as A + iB
      const a = dr[p]!, b = di[p]!;
      const ar = a * t1.re[p]! + b * t1.im[p]!, ai = b * t1.re[p]! - a * t1.im[p]!;
      if (t2) {
        const br = a * t2.re[p]! + b * t2.im[p]!, bi = b * t2.re[p]! - a * t2.im[p]!;
        zr[p] = ar - bi; zi[p] = ai + br;
      } else { zr[p] = ar; zi[p] = ai; }
    }
    fft2d(zr, zi, nx, ny, true);
    const o1 = new Float32Array(w * h), o2 = t2 ? new Float32Array(w * h) : null;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      o1[y * w + x] = zr[y * nx + x]!;
      if (o2) o2[y * w + x] = zi[y * nx + x]!;
    }
    out.push(o1);
    if (o2) out.push(o2);
  }
  return out;
}

/** The extractor's sources and segmentation map at the footprint threshold (the seeded measurement's input). */
export interface Footprints { sources: Source[]; seg: Int32Array }
export function footprintsOf(image: Image, opts: ExtractOptions, segmentThreshold: number): Footprints {
  const res = extractSources(image, { ...opts, threshold: segmentThreshold, maps: false, inPlace: false });
  return { sources: res.sources, seg: segRunsToArray(res.segmentationRuns) };
}

/**
 * S/N (FLUX_AUTO / error) above which a field source's footprint is masked in the nulls: the residuals of
 * bright sources about the robust mean (their photon noise, sub-pixel shifts) make null peaks that cannot be
 * separate detections in the field, where the source's own footprint holds them (demo: the two top null
 * peaks of the co-add sat on field sources of S/N 5252 and 1245). Noise peaks never reach it.
 */
export const MASK_SNR = 20;

/** Footprint mask (1 = inside the footprint of a source with S/N ≥ minSnr). */
export function footprintMask(f: Footprints, minSnr = MASK_SNR): Uint8Array {
  const bright = new Set(f.sources.filter((s) => s.snr >= minSnr).map((s) => s.id));
  return Uint8Array.from(f.seg, (v) => (v > 0 && bright.has(v) ? 1 : 0));
}
