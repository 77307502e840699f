// Injection–recovery statistics: matching injected sources to detections, completeness and purity
// against magnitude, and m90 — the faintest magnitude at which completeness ≥ 90 % and purity ≥ 90 %
// (the detection-limit definition of Guo et al. 2026, asteris-method.md §5). Purity is estimated
// from detections on the negated image (spurious detections of noise are symmetric in sign), which
// works on real fields as well as on mocks.

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
  const pre = makeMatcher(before, preRadius);
  const fresh = after.filter((p) => pre(p.x, p.y) < 0);
  const match = makeMatcher(fresh, radius);
  return injected.map((p) => match(p.x, p.y) >= 0);
}

export interface Curve { edges: number[]; centres: number[]; values: number[]; counts: number[] }

function binIndex(edges: number[], v: number): number {
  if (!(v >= edges[0]!) || !(v < edges[edges.length - 1]!)) return -1;
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]!) lo = mid; else hi = mid;
  }
  return lo;
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

/** Purity per magnitude bin: 1 − N(negative-image detections) / N(positive detections), clipped to [0, 1]. */
export function purityCurve(posMags: number[], negMags: number[], edges: number[]): Curve {
  const n = edges.length - 1;
  const pos = new Array<number>(n).fill(0);
  const neg = new Array<number>(n).fill(0);
  for (const m of posMags) { const k = binIndex(edges, m); if (k >= 0) pos[k]!++; }
  for (const m of negMags) { const k = binIndex(edges, m); if (k >= 0) neg[k]!++; }
  return {
    edges, centres: centresOf(edges), counts: pos,
    values: pos.map((p, k) => (p ? Math.min(1, Math.max(0, 1 - neg[k]! / p)) : neg[k]! > 0 ? 0 : 1)),
  };
}

function centresOf(edges: number[]): number[] {
  return edges.slice(0, -1).map((e, i) => (e + edges[i + 1]!) / 2);
}

/**
 * Faintest magnitude at which the curve is still ≥ level, interpolating linearly between bin centres at
 * the first downward crossing (scanning from bright to faint). Null if the brightest populated bin is
 * already below the level; the faintest centre if it never drops below.
 */
export function crossing(c: Curve, level = 0.9): number | null {
  let prev: { m: number; v: number } | null = null;
  for (let i = 0; i < c.centres.length; i++) {
    const v = c.values[i]!;
    if (!Number.isFinite(v)) continue;
    const m = c.centres[i]!;
    if (v < level) {
      if (!prev) return null;
      return prev.m + ((prev.v - level) / (prev.v - v)) * (m - prev.m);
    }
    prev = { m, v };
  }
  return prev ? prev.m : null;
}

/**
 * Maximum-likelihood logistic fit C(m) = 1 / (1 + exp((m − m50)/w)) to binomial counts (k of n per
 * bin), by a grid search; robust to the few-per-bin noise of small injection runs and to bright bins
 * that lose a source to blending. Returns the magnitude where the fit crosses `level`.
 */
export function logisticCrossing(c: Curve, successes: number[], level = 0.9): { m: number; m50: number; w: number } | null {
  const bins = c.centres.map((m, i) => ({ m, n: c.counts[i]!, k: successes[i]! })).filter((b) => b.n > 0);
  if (bins.length < 2) return null;
  const lo = c.edges[0]!;
  const hi = c.edges[c.edges.length - 1]!;
  let best = { ll: -Infinity, m50: NaN, w: NaN };
  for (let m50 = lo - 1; m50 <= hi + 1; m50 += 0.01) {
    for (let w = 0.03; w <= 1.5; w += 0.01) {
      let ll = 0;
      for (const b of bins) {
        const p = Math.min(1 - 1e-9, Math.max(1e-9, 1 / (1 + Math.exp((b.m - m50) / w))));
        ll += b.k * Math.log(p) + (b.n - b.k) * Math.log(1 - p);
      }
      if (ll > best.ll) best = { ll, m50, w };
    }
  }
  const m = best.m50 - best.w * Math.log(level / (1 - level));
  return { m, m50: best.m50, w: best.w };
}

/** Successes per bin implied by a curve (value × count, rounded). */
export function successes(c: Curve): number[] {
  return c.values.map((v, i) => (Number.isFinite(v) ? Math.round(v * c.counts[i]!) : 0));
}

/**
 * m90: the faintest magnitude with both completeness and purity ≥ 90 %, each from a logistic fit to
 * its per-bin counts (purity trials = positive detections, successes = positives not matched by the
 * negative-image count). A purity curve that never drops below 90 % does not limit m90.
 */
export function m90(completeness: Curve, purity: Curve, level = 0.9): number | null {
  const c = logisticCrossing(completeness, successes(completeness), level);
  if (!c) return null;
  const allPure = purity.values.every((v, i) => purity.counts[i] === 0 || v >= level);
  if (allPure) return c.m;
  const p = logisticCrossing(purity, successes(purity), level);
  return p ? Math.min(c.m, p.m) : c.m;
}
