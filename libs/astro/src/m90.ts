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

import { binIndex, mulberry32, quantile } from '@asteris/core';

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

/** One detection path's per-source data for m90Bootstrap. */
export interface M90Path {
  /** for each injected source (the magnitudes shared by every path of one bootstrap), whether this path recovered it */
  recovered: boolean[];
  /** the path's detections' measured magnitudes (purity); optional */
  detMags?: number[];
  /** its false detections' magnitudes (null-stack or negated-image detections), each weighing `falseWeight` */
  falseMags?: number[];
  falseWeight?: number;
}

export interface M90BootstrapResult {
  /** m90 of each path on the data as given (m90FromBins) */
  m90: number[];
  /** per path, the bootstrap replicates (NaN where undefined); replicate r of every path used the same injections */
  samples: number[][];
}

/**
 * The statistical error of m90 (the definition above) by a seeded, PAIRED bootstrap: each replicate redraws
 * the injected sources with replacement (the same draw for every path: they were injected once and scored by
 * each path, so a difference of two paths' m90 keeps only the noise that is not shared) and each path's
 * detections and false detections with replacement. Differences of paths are read replicate by replicate
 * (`m90DiffInterval`). Deterministic for a seed.
 */
export function m90Bootstrap(injectedMags: number[], paths: M90Path[], edges: number[], o: { n?: number; seed?: number; level?: number } = {}): M90BootstrapResult {
  const nb = edges.length - 1, level = o.level ?? 0.9, R = o.n ?? 400;
  for (const p of paths) if (p.recovered.length !== injectedMags.length) throw new RangeError('m90Bootstrap: one recovered flag per injected source in every path');
  const bin = (m: number): number => (Number.isFinite(m) && m >= edges[0]! && m < edges[nb]! ? binIndex(edges, m) : -1);
  const detBin = (m: number): number => (!Number.isFinite(m) ? nb - 1 : m < edges[0]! ? -1 : m >= edges[nb]! ? nb - 1 : binIndex(edges, m));
  const injBins = injectedMags.map(bin);
  const detBins = paths.map((p) => (p.detMags ?? []).map(detBin));
  const falseBins = paths.map((p) => (p.falseMags ?? []).map(detBin));
  const one = (k: number, idx: number[] | null, didx: (number[] | null)[], fidx: (number[] | null)[]): number => {
    const p = paths[k]!;
    const inj = new Array<number>(nb).fill(0), rec = new Array<number>(nb).fill(0), det = new Array<number>(nb).fill(0), fal = new Array<number>(nb).fill(0);
    const n = injBins.length;
    for (let j = 0; j < n; j++) { const i = idx ? idx[j]! : j, b = injBins[i]!; if (b >= 0) { inj[b]!++; if (p.recovered[i]) rec[b]!++; } }
    const db = detBins[k]!, fb = falseBins[k]!, w = p.falseWeight ?? 1;
    for (let j = 0; j < db.length; j++) { const b = db[didx[k] ? didx[k]![j]! : j]!; if (b >= 0) det[b]!++; }
    for (let j = 0; j < fb.length; j++) { const b = fb[fidx[k] ? fidx[k]![j]! : j]!; if (b >= 0) fal[b]! += w; }
    return m90FromBins({ edges, injected: inj, recovered: rec, detections: det, falseDetections: fal }, level).m90;
  };
  const none = paths.map(() => null);
  const m90s = paths.map((_, k) => one(k, null, none, none));
  const rng = mulberry32(o.seed ?? 1);
  const draw = (n: number) => Array.from({ length: n }, () => Math.floor(rng.uniform() * n));
  const samples = paths.map(() => new Array<number>(R).fill(NaN));
  for (let r = 0; r < R; r++) {
    const idx = draw(injBins.length);
    const didx = detBins.map((d) => draw(d.length)), fidx = falseBins.map((f) => draw(f.length));
    paths.forEach((_, k) => { samples[k]![r] = one(k, idx, didx, fidx); });
  }
  return { m90: m90s, samples };
}

/** 68 % interval (16th–84th percentile) of a set of replicates, NaN ones dropped; null when fewer than half are finite. */
export function replicateInterval(v: number[]): [number, number] | null {
  const f = v.filter(Number.isFinite);
  if (f.length < v.length / 2 || !f.length) return null;
  return [quantile(f, 0.16), quantile(f, 0.84)];
}

/** 68 % interval of m90(path a) − m90(path b) over paired bootstrap replicates. */
export function m90DiffInterval(b: M90BootstrapResult, a: number, c: number): [number, number] | null {
  return replicateInterval(b.samples[a]!.map((v, r) => v - b.samples[c]![r]!));
}

/** An m90 (or a difference of two) is resolved when its 68 % interval is at most this wide (mag) and holds the estimate. */
export const M90_RESOLVED_WIDTH = 0.3;

/** Whether a bootstrap interval resolves the value (see M90_RESOLVED_WIDTH); false without either. */
export function m90Resolved(v: number | null, iv: [number, number] | null | undefined): boolean {
  return v !== null && !!iv && iv[1] - iv[0] <= M90_RESOLVED_WIDTH && v >= iv[0] - 1e-9 && v <= iv[1] + 1e-9;
}
