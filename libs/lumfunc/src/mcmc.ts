// Affine-invariant ensemble sampler with the stretch move (Goodman & Weare 2010, CAMCoS 5, 65;
// as in emcee, Foreman-Mackey+13 PASP 125, 306, Algorithm 2 run serially). Seeded.
// Convergence diagnostics: acceptance fraction, and the integrated autocorrelation time estimated
// per parameter from the walker-averaged autocorrelation function with Sokal's automatic window
// (smallest M with M ≥ c·τ(M), c = 5), following emcee's `autocorr.integrated_time`.

import { createRng, quantileSorted } from '@asteris/core';

export interface McmcOptions {
  nWalkers?: number;
  nSteps?: number;
  /** Steps discarded as burn-in (default nSteps/3). */
  burn?: number;
  /** Stretch scale a (default 2). */
  a?: number;
  seed?: number;
  /** Initial ensemble: centre and per-dimension scale of a Gaussian ball (walkers with −∞ log-prob are redrawn). */
  init: { centre: number[]; scale: number[] };
}

export interface McmcResult {
  ndim: number;
  nWalkers: number;
  nSteps: number;
  burn: number;
  /** chain[(step * nWalkers + walker) * ndim + d] */
  chain: Float64Array;
  logProb: Float64Array;
  acceptanceFraction: number;
  /** Integrated autocorrelation time per parameter, in steps. */
  tau: number[];
  /** Post-burn samples flattened: samples[i * ndim + d]. */
  samples: Float64Array;
}

export function runEnsembleMcmc(logProb: (x: number[]) => number, opts: McmcOptions): McmcResult {
  const ndim = opts.init.centre.length;
  const nWalkers = opts.nWalkers ?? Math.max(32, 4 * ndim);
  if (nWalkers < 2 * ndim) throw new RangeError(`runEnsembleMcmc: need at least 2·ndim = ${2 * ndim} walkers, got ${nWalkers}`);
  const nSteps = opts.nSteps ?? 2000;
  const burn = opts.burn ?? Math.floor(nSteps / 3);
  const a = opts.a ?? 2;
  const rng = createRng(opts.seed ?? 1);
  const pos: number[][] = [];
  const lp: number[] = [];
  for (let k = 0; k < nWalkers; k++) {
    let x: number[] = [];
    let l = -Infinity;
    for (let tries = 0; tries < 10000 && !Number.isFinite(l); tries++) {
      x = opts.init.centre.map((c, d) => c + opts.init.scale[d] * rng.normal());
      l = logProb(x);
    }
    if (!Number.isFinite(l)) throw new RangeError('runEnsembleMcmc: could not initialise walkers with finite log-probability');
    pos.push(x);
    lp.push(l);
  }
  const chain = new Float64Array(nSteps * nWalkers * ndim);
  const lps = new Float64Array(nSteps * nWalkers);
  let accepted = 0;
  for (let s = 0; s < nSteps; s++) {
    for (let k = 0; k < nWalkers; k++) {
      let j = Math.floor(rng.next() * (nWalkers - 1));
      if (j >= k) j++;
      const zz = ((a - 1) * rng.next() + 1) ** 2 / a;
      const xk = pos[k];
      const xj = pos[j];
      const y = xk.map((v, d) => xj[d] + zz * (v - xj[d]));
      const ly = logProb(y);
      const logRatio = (ndim - 1) * Math.log(zz) + ly - lp[k];
      if (Number.isFinite(ly) && Math.log(rng.next()) < logRatio) {
        pos[k] = y;
        lp[k] = ly;
        if (s >= burn) accepted++;
      }
      const off = (s * nWalkers + k) * ndim;
      for (let d = 0; d < ndim; d++) chain[off + d] = pos[k][d];
      lps[s * nWalkers + k] = lp[k];
    }
  }
  const nKept = nSteps - burn;
  const samples = chain.slice(burn * nWalkers * ndim);
  const tau: number[] = [];
  for (let d = 0; d < ndim; d++) tau.push(integratedAutocorrTime(chain, nSteps, nWalkers, ndim, d, burn));
  return {
    ndim, nWalkers, nSteps, burn, chain, logProb: lps,
    acceptanceFraction: accepted / Math.max(1, nKept * nWalkers),
    tau, samples,
  };
}

/** Walker-averaged normalised autocorrelation function → τ with Sokal's window (c = 5). Lags are computed
 * only until the window condition M ≥ c·τ(M) is met, so the cost is O(nWalkers · n · c·τ). */
export function integratedAutocorrTime(
  chain: Float64Array, nSteps: number, nWalkers: number, ndim: number, d: number, burn = 0, c = 5,
): number {
  const n = nSteps - burn;
  if (n < 4) return NaN;
  const maxLag = n - 1;
  const series: Float64Array[] = [];
  const c0: number[] = [];
  for (let w = 0; w < nWalkers; w++) {
    const x = new Float64Array(n);
    let mean = 0;
    for (let t = 0; t < n; t++) {
      x[t] = chain[((burn + t) * nWalkers + w) * ndim + d];
      mean += x[t];
    }
    mean /= n;
    let v = 0;
    for (let t = 0; t < n; t++) {
      x[t] -= mean;
      v += x[t] * x[t];
    }
    series.push(x);
    c0.push(v);
  }
  const live = series.map((_, w) => w).filter((w) => c0[w] > 0);
  if (live.length === 0) return NaN;
  let tau = 1;
  for (let m = 1; m <= maxLag; m++) {
    let rho = 0;
    for (const w of live) {
      const x = series[w];
      let s = 0;
      for (let t = 0; t + m < n; t++) s += x[t] * x[t + m];
      rho += s / c0[w];
    }
    tau += (2 * rho) / live.length;
    if (m >= c * tau) return tau;
  }
  return tau; // window not reached: the chain is too short for a reliable τ
}

/** Percentiles (16, 50, 84) of one parameter's samples. */
export function summarise(samples: Float64Array, ndim: number, d: number): { median: number; lo: number; hi: number; mean: number; std: number } {
  const n = samples.length / ndim;
  const v = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    v[i] = samples[i * ndim + d];
    m += v[i];
  }
  m /= n;
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += (v[i] - m) ** 2;
  v.sort();
  return { median: quantileSorted(v, 0.5), lo: quantileSorted(v, 0.15865525393145707), hi: quantileSorted(v, 0.8413447460685429), mean: m, std: Math.sqrt(s2 / Math.max(1, n - 1)) };
}

export { quantileSorted };
