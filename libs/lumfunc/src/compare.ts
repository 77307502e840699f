// Binned φ against published points (issue 15): for each published point, the binned φ of a bin of the
// same centre and width (caller's bins), the difference in dex and its significance with the two
// errors in quadrature, each taken on the side facing the other value (ours: Gehrels 1σ in dex).

import type { LfBin } from './binned.ts';
import type { PublishedPoint } from './corecon.ts';

export interface PointComparison {
  source: string;
  z: number;
  M: number;
  logPhiPub: number;
  /** Our log10 φ (NaN when our bin is empty). */
  logPhi: number;
  n: number;
  /** log φ(ours) − log φ(published), dex. */
  delta: number;
  /** Combined 1σ, dex. */
  sigma: number;
  /** delta / sigma. */
  nSigma: number;
}

/** Compares each non-limit published point with the bin of `bins` whose centre lies within `tol` mag of it. */
export function compareWithPublished(bins: LfBin[], points: PublishedPoint[], tol = 0.051): PointComparison[] {
  const out: PointComparison[] = [];
  for (const p of points) {
    if (p.upperLimit || p.lowerLimit || !Number.isFinite(p.logPhi)) continue;
    const b = bins.find((x) => Math.abs(x.M - p.M) <= tol);
    if (!b || !(b.phi > 0)) continue;
    const lp = Math.log10(b.phi);
    const delta = lp - p.logPhi;
    // ours below theirs: our upper error and their lower error face each other, and vice versa
    const ours = delta < 0 ? Math.log10((b.phi + b.errUp) / b.phi) : Math.log10(b.phi / Math.max(b.phi - b.errLo, 1e-300));
    const theirs = delta < 0 ? p.errDown : p.errUp;
    const sigma = Math.hypot(ours, Number.isFinite(theirs) ? theirs : 0);
    out.push({ source: p.source, z: p.z, M: p.M, logPhiPub: p.logPhi, logPhi: lp, n: b.nRaw, delta, sigma, nSigma: delta / sigma });
  }
  return out;
}
