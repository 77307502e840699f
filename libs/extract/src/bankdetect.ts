// The detect stage's default detection (issue 14): the matched-filter bank (detect/bank.ts: PSF + PSF ⊗
// exponential discs) on a background-subtracted detection image, its threshold set on the path's OWN
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
import { bankNoise, detectBank, type BankDetection, type BankKernel } from './detect/bank.ts';
import { segRunsToArray } from './detect/segmap.ts';
import { extractSources, type ExtractOptions, type Source } from './extract.ts';
import type { Image } from '@asteris/fits';
import { calibrateNullThreshold, nullFalseRate, type FalseRate } from '@asteris/stack';

/** Base S/N of the null detections handed to the calibration (below any threshold it can return). */
export const NULL_BASE_SNR = 2.5;

/** The image minus its SExtractor-style mesh background (the level the bank's statistics assume). */
export function meshSubtracted(img: Image, meshSize = 64, filterSize = 3): Image {
  const bg = backgroundMap(makeBackground(img.data, img.width, img.height, { meshSize, filterSize }));
  return { ...img, data: Float32Array.from(img.data, (v, i) => v - bg[i]!) };
}

export interface BankCalibration extends FalseRate {
  threshold: number;
  /** false when the nulls held too few detections to resolve the target (the threshold is the highest null score) */
  resolved: boolean;
  /** σ_k of each bank kernel on the nulls */
  sigma: number[];
  /** the target, false detections per arcmin² */
  target: number;
  /** null images used */
  nNulls: number;
}

/**
 * Calibrates one path on its null images (already background-subtracted): σ_k per kernel, null detections
 * at NULL_BASE_SNR, and the lowest threshold whose null false rate ≤ target (libs/stack's
 * calibrateNullThreshold semantics). Returns the null detections above the threshold too.
 */
export function calibrateBankOnNulls(nulls: Image[], bank: BankKernel[], areaArcmin2: number, target: number): { cal: BankCalibration; nullPeaks: BankDetection[][] } {
  const sigma = bankNoise(nulls, bank);
  const det = nulls.map((im) => detectBank(im, bank, { threshold: NULL_BASE_SNR, sigma, background: 0 }));
  const nd = { scores: det.map((d) => d.map((q) => q.snr)), areaArcmin2 };
  const c = calibrateNullThreshold(nd, target, NULL_BASE_SNR);
  // an unresolved target (too few null peaks): the highest null score, so no null peak passes
  const threshold = c.resolved ? c.threshold : Math.max(NULL_BASE_SNR, ...nd.scores.flat());
  const rate = c.resolved ? c : nullFalseRate(nd, threshold);
  return {
    cal: { ...rate, threshold, resolved: c.resolved, sigma, target, nNulls: nulls.length },
    nullPeaks: det.map((d) => d.filter((q) => q.snr > threshold)),
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
export function seededSources(image: Image, opts: ExtractOptions, peaks: { x: number; y: number }[], segmentThreshold: number): SeededResult {
  const { width: w, height: h } = image;
  const res = extractSources(image, { ...opts, threshold: segmentThreshold, maps: false, inPlace: false });
  const seg = segRunsToArray(res.segmentationRuns);
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
  const relabel = new Int32Array(res.sources.reduce((m, s) => Math.max(m, s.id), 0) + 1);
  const sources: Source[] = [];
  for (const s of res.sources) {
    if (!keep.has(s.id)) continue;
    const id = sources.length + 1;
    relabel[s.id] = id;
    sources.push({ ...s, id });
  }
  for (let i = 0; i < seg.length; i++) seg[i] = seg[i]! > 0 ? relabel[seg[i]!]! : 0;
  return { sources, segmentation: seg, unsegmented };
}

/** Bank detection of a (background-subtracted) detection image at a calibrated threshold. */
export function bankPeaks(img: Image, bank: BankKernel[], threshold: number, sigma: number[]): BankDetection[] {
  return detectBank(img, bank, { threshold, sigma, background: 0 });
}
