// Poisson confidence limits (Gehrels 1986, ApJ 303, 336) computed exactly from the incomplete gamma
// function (Gehrels eqs. 1–2), so fractional (p(z)-weighted) counts are handled too.
//   upper λ_u: P(X ≤ n | λ_u) = 1 − CL      lower λ_l: P(X ≥ n | λ_l) = 1 − CL
// with CL = 0.8413 for the "1σ" limits of Gehrels' Tables 1–2 (n = 0 → 1.841; n = 1 → 0.173, 3.300).

import { lnGamma } from '@asteris/core';

export { lnGamma };

/** Regularised lower incomplete gamma P(s, x) (series for x < s+1, continued fraction otherwise). */
export function gammaP(s: number, x: number): number {
  if (x <= 0) return 0;
  if (x < s + 1) {
    let sum = 1 / s;
    let term = sum;
    for (let k = 1; k < 1000; k++) {
      term *= x / (s + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(-x + s * Math.log(x) - lnGamma(s));
  }
  return 1 - gammaQcf(s, x);
}

function gammaQcf(s: number, x: number): number {
  // Lentz's method for the continued fraction of Q(s, x).
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + s * Math.log(x) - lnGamma(s)) * h;
}

/** P(X ≤ n | λ) for (possibly fractional) n: Q(n+1, λ) = 1 − P(n+1, λ). */
function poissonCdf(n: number, lambda: number): number {
  return 1 - gammaP(n + 1, lambda);
}

function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(lo) * f(mid) <= 0) hi = mid;
    else lo = mid;
    if (hi - lo < 1e-12 * Math.max(1, hi)) break;
  }
  return 0.5 * (lo + hi);
}

/** Gehrels (1986) confidence limits on a Poisson mean for an observed count n (default CL 0.8413 = 1σ). */
export function gehrelsLimits(n: number, cl = 0.8413447460685429): { lower: number; upper: number } {
  if (!(n >= 0)) throw new RangeError(`gehrelsLimits: n must be >= 0, got ${n}`);
  const tail = 1 - cl;
  const hiBound = n + 20 * Math.sqrt(n + 1) + 20;
  const upper = bisect((l) => poissonCdf(n, l) - tail, 0, hiBound);
  // P(X ≥ n | λ) = P(n, λ) (regularised lower gamma) for n > 0.
  const lower = n <= 0 ? 0 : bisect((l) => gammaP(n, l) - tail, 0, hiBound);
  return { lower, upper };
}
