// Detection-threshold calibration for denoised images. A denoiser leaves spatially correlated
// residual noise, so a threshold in units of the per-pixel σ admits far more noise peaks than on a
// co-add (thousands per arcmin² at 1.5σ). For a fair depth comparison each detection image gets the
// lowest threshold at which its false-detection count — detections on the negated image, which
// measures noise peaks on the field itself — is no higher than the co-add's at the default threshold
// (the "same purity" protocol of the depth benchmark, docs/asteris.md).
import { extractSources, type ExtractOptions } from '@asteris/extract';
import type { Image } from '@asteris/fits';

export const THRESHOLD_LADDER = [1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10, 12, 15, 20];

export function negated(image: Image): Image {
  return { ...image, data: image.data.map((v) => -v) };
}

/** Number of detections on the negated image at the given threshold (noise peaks of the wrong sign). */
export function falseDetections(image: Image, opts: ExtractOptions, threshold: number): number {
  return extractSources(negated(image), { ...opts, threshold, maps: false }).sources.length;
}

/**
 * The lowest threshold of the ladder (≥ `start`) whose false-detection count is ≤ `maxFalse`;
 * the last rung if none is.
 */
export function calibrateThreshold(image: Image, opts: ExtractOptions, maxFalse: number, start = 1.5,
  ladder: number[] = THRESHOLD_LADDER): { threshold: number; nFalse: number; tried: { threshold: number; nFalse: number }[] } {
  const tried: { threshold: number; nFalse: number }[] = [];
  const rungs = ladder.filter((t) => t >= start);
  for (const t of rungs) {
    const n = falseDetections(image, opts, t);
    tried.push({ threshold: t, nFalse: n });
    if (n <= maxFalse) return { threshold: t, nFalse: n, tried };
  }
  const last = tried[tried.length - 1]!;
  return { threshold: last.threshold, nFalse: last.nFalse, tried };
}
