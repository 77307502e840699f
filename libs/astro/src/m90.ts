// m90 — the ONE definition of the detection limit used by the pipeline, `bench:depth` and the report
// (issue 14; the 90 % completeness-and-purity limit of Guo et al. 2026, asteris-method.md §5):
//
//   Bin the injected sources by true magnitude (completeness C = recovered / injected) and the detections
//   by measured magnitude (purity P = true / all detections, or 1 − false/all with false counts from null
//   stacks). Walking from the brightest populated bin to the faint end, m90 is the magnitude where
//   q = min(C, P) FIRST drops below 0.9, linearly interpolated between the centres of the last bin with
//   q ≥ 0.9 and the first bin with q < 0.9. Bins with no injected source are skipped; a bin with no
//   detection has P = 1. If the brightest populated bin already has q < 0.9, m90 is NaN; if q never
//   drops, m90 is the faintest populated bin centre (a lower limit: extend the injection range).
//
// Interpolating the first crossing (not a logistic fit, not the faintest passing bin) is simple,
// reproducible and unbiased for bins ≤ 0.25 mag; its statistical error for n injected sources per bin is
// ≈ bin × √(0.09/n) / |ΔC per bin| (binomial), which the caller should keep below the differences it reports.

import { binIndex } from '@asteris/core';

export interface M90Bins {
  /** bin edges in magnitude, increasing */
  edges: number[];
  /** injected sources per bin (by true magnitude) */
  injected: number[];
  /** of those, recovered */
  recovered: number[];
  /** detections per bin (by measured magnitude); omit for completeness-only m90 */
  detections?: number[];
  /** of those, false (unmatched, or expected false from null stacks) */
  falseDetections?: number[];
}

export interface M90Result {
  m90: number;
  /** per-bin centres, completeness, purity */
  curve: { m: number; c: number; p: number; n: number }[];
  /** true when q never dropped below the level (m90 is a lower limit) */
  lowerLimit: boolean;
}

/** m90 from binned counts (see the header for the definition). `level` defaults to 0.9. */
export function m90FromBins(b: M90Bins, level = 0.9): M90Result {
  const nb = b.edges.length - 1;
  if (nb < 1 || b.injected.length !== nb || b.recovered.length !== nb) throw new RangeError(`m90: ${b.edges.length} edges need ${nb} injected/recovered counts`);
  const curve = Array.from({ length: nb }, (_, i) => {
    const n = b.injected[i]!, d = b.detections?.[i] ?? 0, f = b.falseDetections?.[i] ?? 0;
    return { m: (b.edges[i]! + b.edges[i + 1]!) / 2, c: n ? b.recovered[i]! / n : NaN, p: d ? Math.max(0, 1 - f / d) : 1, n };
  });
  const pts = curve.filter((q) => q.n > 0);
  let prev: { m: number; q: number } | null = null;
  for (const pt of pts) {
    const q = Math.min(pt.c, pt.p);
    if (q < level) {
      if (!prev) return { m90: NaN, curve, lowerLimit: false };
      return { m90: prev.m + ((prev.q - level) / (prev.q - q)) * (pt.m - prev.m), curve, lowerLimit: false };
    }
    prev = { m: pt.m, q };
  }
  return { m90: prev ? prev.m : NaN, curve, lowerLimit: prev !== null };
}

/**
 * m90 from per-source data: injected true magnitudes with a recovered flag, and detections' measured
 * magnitudes with a false flag, binned on `edges`.
 */
export function m90(injectedMags: number[], recovered: boolean[], edges: number[], detMags: number[] = [], detFalse: boolean[] = [], level = 0.9): M90Result {
  if (injectedMags.length !== recovered.length) throw new RangeError('m90: one recovered flag per injected source');
  if (detMags.length !== detFalse.length) throw new RangeError('m90: one false flag per detection');
  const nb = edges.length - 1;
  const bin = (m: number): number => {
    if (!(m >= edges[0]!)) return -1;
    if (!(m < edges[nb]!)) return nb; // fainter than the range
    return binIndex(edges, m);
  };
  const z = () => new Array<number>(nb).fill(0);
  const inj = z(), rec = z(), det = z(), fal = z();
  injectedMags.forEach((m, i) => { const k = bin(m); if (k >= 0 && k < nb) { inj[k]!++; if (recovered[i]) rec[k]!++; } });
  // detections fainter than the range (or with non-positive flux, NaN magnitude) count in the last bin
  detMags.forEach((m, i) => { let k = Number.isFinite(m) ? bin(m) : nb - 1; if (k < 0) return; if (k >= nb) k = nb - 1; det[k]!++; if (detFalse[i]) fal[k]!++; });
  return m90FromBins({ edges, injected: inj, recovered: rec, detections: det, falseDetections: fal }, level);
}
