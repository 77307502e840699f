// Injection–recovery statistics: matching injected sources to detections, completeness and purity
// against magnitude, and m90 — the detection limit at 90 % completeness and purity (Guo et al. 2026,
// asteris-method.md §5). m90 has ONE definition, @asteris/astro's m90 (libs/astro/src/m90.ts, issue 14):
// this file only bins the pipeline's matches and hands the counts to it. Purity is estimated from
// detections on the negated image (spurious detections of noise are symmetric in sign), which works on
// real fields as well as on mocks.
import { binIndex } from '@asteris/core';
import { m90FromBins } from '@asteris/astro';

/** What depth summaries record as their m90 definition (the one in @asteris/astro). */
export const M90_DEFINITION = '@asteris/astro m90: bright to faint, the first point where min(completeness, purity) drops below 0.9, interpolated linearly between bin centres';

export interface Point { x: number; y: number }

/** Index of the nearest point within `radius` (grid-bucketed), or −1. */
export function makeMatcher(points: Point[], radius: number): (x: number, y: number) => number {
  const cell = Math.max(radius, 1);
  const grid = new Map<string, number[]>();
  points.forEach((p, i) => {
    const k = `${Math.floor(p.x / cell)},${Math.floor(p.y / cell)}`;
    let arr = grid.get(k);
    if (!arr) grid.set(k, (arr = []));
    arr.push(i);
  });
  return (x: number, y: number) => {
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    let best = -1;
    let bestD = radius * radius;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      for (const i of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
        const d = (points[i]!.x - x) ** 2 + (points[i]!.y - y) ** 2;
        if (d <= bestD) { bestD = d; best = i; }
      }
    }
    return best;
  };
}

/**
 * For each injected source, whether a *new* detection lies within `radius` px: a detection that was
 * already present before injection (within `preRadius` of an original detection) does not count, so an
 * injected source falling on a bright neighbour is not scored as recovered.
 */
export function recovered(injected: Point[], after: Point[], before: Point[], radius = 2.5, preRadius = 1.5): boolean[] {
  return recoveredIndex(injected, after, before, radius, preRadius).map((k) => k >= 0);
}

/** As `recovered`, with the index into `after` of each injected source's match (−1 when not recovered). */
export function recoveredIndex(injected: Point[], after: Point[], before: Point[], radius = 2.5, preRadius = 1.5): number[] {
  const pre = makeMatcher(before, preRadius);
  const freshIdx = after.map((_, k) => k).filter((k) => pre(after[k]!.x, after[k]!.y) < 0);
  const match = makeMatcher(freshIdx.map((k) => after[k]!), radius);
  return injected.map((p) => { const m = match(p.x, p.y); return m >= 0 ? freshIdx[m]! : -1; });
}

export interface Curve {
  edges: number[]; centres: number[]; values: number[]; counts: number[];
  /** purity curves: negative-image detections per bin (the false-detection estimate) */
  negatives?: number[];
}

/** Fraction of injected sources recovered per magnitude bin (NaN for empty bins). */
export function completenessCurve(mags: number[], found: boolean[], edges: number[]): Curve {
  const n = edges.length - 1;
  const tot = new Array<number>(n).fill(0);
  const hit = new Array<number>(n).fill(0);
  mags.forEach((m, i) => {
    const k = binIndex(edges, m);
    if (k < 0) return;
    tot[k]!++;
    if (found[i]) hit[k]!++;
  });
  return { edges, centres: centresOf(edges), values: tot.map((t, k) => (t ? hit[k]! / t : NaN)), counts: tot };
}

/**
 * Purity per magnitude bin: 1 − N(false detections: null-image or negated-image) / N(positive detections), clipped to [0, 1];
 * 1 in a bin with no positive detection (as in @asteris/astro's m90).
 */
export function purityCurve(posMags: number[], negMags: number[], edges: number[], negWeight = 1): Curve {
  const n = edges.length - 1;
  const pos = new Array<number>(n).fill(0);
  const neg = new Array<number>(n).fill(0);
  for (const m of posMags) { const k = binIndex(edges, m); if (k >= 0) pos[k]!++; }
  // negWeight: each false detection's share of one field (1/K for detections over K null images)
  for (const m of negMags) { const k = binIndex(edges, m); if (k >= 0) neg[k]! += negWeight; }
  return {
    edges, centres: centresOf(edges), counts: pos, negatives: neg,
    values: pos.map((p, k) => (p ? Math.min(1, Math.max(0, 1 - neg[k]! / p)) : 1)),
  };
}

function centresOf(edges: number[]): number[] {
  return edges.slice(0, -1).map((e, i) => (e + edges[i + 1]!) / 2);
}

/** Successes per bin implied by a curve (value × count, rounded). */
export function successes(c: Curve): number[] {
  return c.values.map((v, i) => (Number.isFinite(v) ? Math.round(v * c.counts[i]!) : 0));
}

/**
 * Where one curve (completeness) first drops below `level`, by @asteris/astro's m90 definition with no
 * purity limit. Null if the brightest populated bin is already below; the faintest populated centre if
 * it never drops.
 */
export function crossing(c: Curve, level = 0.9): number | null {
  const r = m90FromBins({ edges: c.edges, injected: c.counts, recovered: successes(c) }, level);
  return Number.isFinite(r.m90) ? r.m90 : null;
}

/**
 * m90 of the pipeline's depth curves: @asteris/astro's m90FromBins (M90_DEFINITION) on the completeness
 * counts (injected, recovered per bin) and the purity counts (positive detections, negative-image
 * detections as the false ones). Null where that m90 is undefined (the brightest bin already fails).
 */
export function m90(completeness: Curve, purity: Curve, level = 0.9): number | null {
  if (purity.edges.length !== completeness.edges.length || purity.edges.some((e, i) => e !== completeness.edges[i])) {
    throw new RangeError('m90: completeness and purity curves must share their bin edges');
  }
  const falseDetections = purity.negatives
    ?? purity.values.map((v, i) => Math.round((1 - (Number.isFinite(v) ? v : 1)) * purity.counts[i]!));
  const r = m90FromBins({
    edges: completeness.edges, injected: completeness.counts, recovered: successes(completeness),
    detections: purity.counts, falseDetections,
  }, level);
  return Number.isFinite(r.m90) ? r.m90 : null;
}
