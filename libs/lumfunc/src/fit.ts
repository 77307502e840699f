// Schechter and double-power-law fits to the UV LF (astro-reference §D.4).
//  • Counts (the pipeline's own candidates): Poisson likelihood on finely binned counts (Cash 1979),
//      μ_j = ∫_bin φ(M) V̄_eff,j dM,  ln L = Σ_j [n_j ln μ_j − μ_j]   (constant ln n_j! dropped).
//  • Published binned points (CoReCon): split-normal likelihood in log10 φ with the asymmetric dex errors;
//      an upper limit contributes a one-sided Gaussian penalty of width `ulSigmaDex` above the limit.
// Posteriors by the ensemble sampler (mcmc.ts) from the MAP (Nelder–Mead) point.
// Priors (documented in docs/lumfunc.md): uniform in log10 φ* ∈ [−7, −2], M* ∈ [−23, −17], α ∈ [−3.5, −1],
// β ∈ [−6, −2.5] (DPL only) — the ranges of astro-reference §D.4; any parameter can be fixed.

import { type LfParams, lfPhi, uvLuminosityDensity } from '@asteris/astro';
import { nelderMead } from '@asteris/core';
import { type McmcResult, runEnsembleMcmc, summarise } from './mcmc.ts';

export type LfModel = 'schechter' | 'dpl';
export type ParamName = 'logPhiStar' | 'MStar' | 'alpha' | 'beta';

export const DEFAULT_PRIORS: Record<ParamName, [number, number]> = {
  logPhiStar: [-7, -2],
  MStar: [-23, -17],
  alpha: [-3.5, -1],
  beta: [-6, -2.5],
};

export function modelParamNames(model: LfModel): ParamName[] {
  return model === 'schechter' ? ['logPhiStar', 'MStar', 'alpha'] : ['logPhiStar', 'MStar', 'alpha', 'beta'];
}

/** Builds LfParams from a full named parameter record. */
export function toLfParams(model: LfModel, p: Record<ParamName, number>): LfParams {
  const phiStar = Math.pow(10, p.logPhiStar);
  return model === 'schechter'
    ? { kind: 'schechter', phiStar, MStar: p.MStar, alpha: p.alpha }
    : { kind: 'dpl', phiStar, MStar: p.MStar, alpha: p.alpha, beta: p.beta };
}

/** Finely binned counts with their bin-averaged effective volumes. */
export interface CountData {
  kind: 'counts';
  edges: number[];
  counts: number[];
  veff: number[];
  /**
   * Magnitude migration (transfer.ts): expected counts μ_j = Σ_i Φ_i w[i][j] over true bins `trueEdges`
   * (Φ_i = ∫_bin φ dM) instead of veff_j Φ_j. `veff` then holds Σ_i w[i][j] (for reporting only).
   */
  kernel?: { trueEdges: number[]; w: number[][] };
}

/** Published binned points in log10 φ with asymmetric errors (dex). */
export interface PointData {
  kind: 'points';
  points: Array<{ M: number; logPhi: number; errUp: number; errDown: number; upperLimit?: boolean; dMleft?: number; dMright?: number }>;
  /** Width of the one-sided penalty for upper limits, dex (default 0.3). */
  ulSigmaDex?: number;
}

export type FitData = CountData | PointData;

const GL2 = 0.5773502691896257; // 2-point Gauss–Legendre node (±1/√3)

/** ∫_a^b φ dM by 2-point Gauss–Legendre. */
function binIntegral(lf: LfParams, a: number, b: number): number {
  const mid = 0.5 * (a + b), half = 0.5 * (b - a);
  return half * (lfPhi(lf, mid - half * GL2) + lfPhi(lf, mid + half * GL2));
}

/** Expected counts μ_j of a counts data set under an LF (with the migration kernel when present). */
export function expectedCounts(lf: LfParams, data: CountData): Float64Array {
  const mu = new Float64Array(data.counts.length);
  if (data.kernel) {
    const { trueEdges: e, w } = data.kernel;
    for (let i = 0; i + 1 < e.length; i++) {
      const phi = binIntegral(lf, e[i], e[i + 1]);
      const row = w[i];
      for (let j = 0; j < mu.length; j++) if (row[j] > 0) mu[j] += phi * row[j];
    }
    return mu;
  }
  for (let j = 0; j < mu.length; j++) mu[j] = data.veff[j] * binIntegral(lf, data.edges[j], data.edges[j + 1]);
  return mu;
}

export function logLikelihood(model: LfModel, p: Record<ParamName, number>, data: FitData): number {
  const lf = toLfParams(model, p);
  if (data.kind === 'counts') {
    const mu = expectedCounts(lf, data);
    let ll = 0;
    for (let j = 0; j < mu.length; j++) {
      if (mu[j] <= 0) {
        if (data.counts[j] > 0) return -Infinity;
        continue;
      }
      ll += data.counts[j] * Math.log(mu[j]) - mu[j];
    }
    return ll;
  }
  const ulSigma = data.ulSigmaDex ?? 0.3;
  let ll = 0;
  for (const pt of data.points) {
    const phi = lfPhi(lf, pt.M);
    if (!(phi > 0)) return -Infinity;
    const r = Math.log10(phi) - pt.logPhi;
    if (pt.upperLimit) {
      if (r > 0) ll -= (0.5 * r * r) / (ulSigma * ulSigma);
      continue;
    }
    const up = Number.isFinite(pt.errUp) && pt.errUp > 0 ? pt.errUp : 0.3;
    const down = Number.isFinite(pt.errDown) && pt.errDown > 0 ? pt.errDown : 2;
    const s = r > 0 ? up : down;
    ll -= (0.5 * r * r) / (s * s);
  }
  return ll;
}

export interface ParamSummary {
  median: number;
  /** 16th and 84th percentiles. */
  lo: number;
  hi: number;
}

export interface LfFitResult {
  model: LfModel;
  /** Free parameter names in sampling order. */
  free: ParamName[];
  fixed: Partial<Record<ParamName, number>>;
  priors: Partial<Record<ParamName, [number, number]>>;
  /** Maximum-posterior point (all parameters, fixed included). */
  best: Record<string, number>;
  bestLogLike: number;
  /** Posterior summaries of free parameters (+ fixed ones with lo = hi = median). */
  posterior: Record<string, ParamSummary>;
  /** log10 ρ_UV (erg s⁻¹ Hz⁻¹ Mpc⁻³) to M < −17 and M < −18. */
  logRhoUV17: ParamSummary;
  logRhoUV18: ParamSummary;
  /**
   * The same as 68 % profile-likelihood intervals (−2 Δln L = 1; `median` holds the maximum-likelihood value):
   * frequentist intervals, free of the prior volume of unconstrained parameters that shapes the marginal posterior
   * where the faint end is extrapolated past the data (issue 15). Measured there: the posterior's misses lean high,
   * these lean low (docs/lumfunc.md § ρ_UV intervals).
   * Null when log φ* is fixed or `profile: false`. `open` names an end that reached a prior bound before Δln L = 0.5.
   */
  logRhoUV17Profile?: ProfileInterval | null;
  logRhoUV18Profile?: ProfileInterval | null;
  diagnostics: {
    acceptanceFraction: number; tau: Record<string, number>; nWalkers: number; nSteps: number; burn: number;
    /** Chain converged (τ, acceptance) AND no free parameter at a prior bound. */
    converged: boolean;
    /** Free parameters whose posterior piles up at a prior edge (the data do not constrain them; issue 15). */
    atPriorBound: Array<{ param: ParamName; bound: 'lower' | 'upper'; value: number }>;
    /** 'ok', 'at-prior-bound' or 'not-converged' (chain diagnostics failed). */
    status: 'ok' | 'at-prior-bound' | 'not-converged';
    /**
     * Free parameters whose 68 % posterior interval spans more than half their (uniform) prior: the data hardly
     * constrain them, so marginals of other quantities (ρ_UV above all) carry the prior's volume (issue 15).
     */
    priorDominated?: ParamName[];
  };
  /** Thinned posterior samples (rows of all 3/4 parameters, including fixed), for corner plots. */
  samples: number[][];
  sampleNames: ParamName[];
  /** Number of data bins/points used and, for counts, the Cash statistic of the best fit. */
  nData: number;
  cash?: number;
}

export interface ProfileInterval extends ParamSummary { open: Array<'lo' | 'hi'> }

export interface FitOptions {
  fixed?: Partial<Record<ParamName, number>>;
  priors?: Partial<Record<ParamName, [number, number]>>;
  seed?: number;
  nWalkers?: number;
  /** Steps per walker (default 3000 Schechter, 6000 DPL). */
  nSteps?: number;
  burn?: number;
  /** Starting guess (defaults: log φ* = −4, M* = −20.5, α = −2.1, β = −4). */
  start?: Partial<Record<ParamName, number>>;
  /** Max thinned samples kept in the result (default 2000). */
  keepSamples?: number;
  /** Profile-likelihood intervals of ρ_UV (default true; false leaves them null). */
  profile?: boolean;
}

export function fitLF(data: FitData, model: LfModel, opts: FitOptions = {}): LfFitResult {
  const names = modelParamNames(model);
  const fixed = { ...(opts.fixed ?? {}) };
  for (const k of Object.keys(fixed) as ParamName[]) if (!names.includes(k)) delete fixed[k];
  const free = names.filter((n) => fixed[n] === undefined);
  const priors: Partial<Record<ParamName, [number, number]>> = {};
  for (const n of free) priors[n] = opts.priors?.[n] ?? DEFAULT_PRIORS[n];
  const start: Record<ParamName, number> = { logPhiStar: -4, MStar: -20.5, alpha: -2.1, beta: -4, ...(opts.start ?? {}) };
  const full = (x: number[]): Record<ParamName, number> => {
    const p = { ...start, ...fixed } as Record<ParamName, number>;
    free.forEach((n, i) => (p[n] = x[i]));
    return p;
  };
  const logPost = (x: number[]): number => {
    for (let i = 0; i < free.length; i++) {
      const [lo, hi] = priors[free[i]]!;
      if (!(x[i] >= lo && x[i] <= hi)) return -Infinity;
    }
    const ll = logLikelihood(model, full(x), data);
    return Number.isFinite(ll) ? ll : -Infinity;
  };
  const x0 = free.map((n) => clamp(start[n], priors[n]!));
  // MAP from a few restarts (the DPL surface is multi-modal in M*).
  let best = { x: x0, fx: Infinity };
  const tries = [x0, ...[-19, -20, -21, -22].filter(() => free.includes('MStar')).map((m) => free.map((n, i) => (n === 'MStar' ? m : x0[i])))];
  for (const t of tries) {
    const r = nelderMead((x) => { const v = logPost(x); return Number.isFinite(v) ? -v : 1e300; }, t, { step: free.map(() => 0.3), maxIter: 400 * free.length, tol: 1e-8 });
    const r2 = nelderMead((x) => { const v = logPost(x); return Number.isFinite(v) ? -v : 1e300; }, r.x, { step: free.map(() => 0.05), maxIter: 400 * free.length, tol: 1e-10 });
    if (r2.fx < best.fx) best = r2;
  }
  // DPL posteriors are broader and more degenerate (M*–φ*–β): longer chains by default (bench:lf: 40/40 converged).
  const nSteps = opts.nSteps ?? (model === 'dpl' ? 6000 : 3000);
  const mc: McmcResult = runEnsembleMcmc(logPost, {
    nWalkers: opts.nWalkers ?? 32,
    nSteps,
    burn: opts.burn ?? Math.floor(nSteps / 3),
    seed: opts.seed ?? 1,
    init: { centre: best.x, scale: free.map(() => 0.02) },
  });
  const posterior: Record<string, ParamSummary> = {};
  free.forEach((n, i) => {
    const s = summarise(mc.samples, free.length, i);
    posterior[n] = { median: s.median, lo: s.lo, hi: s.hi };
  });
  for (const n of names) if (fixed[n] !== undefined) posterior[n] = { median: fixed[n]!, lo: fixed[n]!, hi: fixed[n]! };
  // Thinned samples with all parameters, and ρ_UV from them.
  const nAll = mc.samples.length / free.length;
  const keep = Math.min(opts.keepSamples ?? 1500, nAll);
  const stride = nAll / keep;
  const samples: number[][] = [];
  const rho17: number[] = [];
  const rho18: number[] = [];
  for (let k = 0; k < keep; k++) {
    const i = Math.floor(k * stride);
    const p = full(Array.from(mc.samples.subarray(i * free.length, (i + 1) * free.length)));
    samples.push(names.map((n) => p[n]));
    const lf = toLfParams(model, p);
    rho17.push(Math.log10(uvLuminosityDensity(lf, -17)));
    rho18.push(Math.log10(uvLuminosityDensity(lf, -18)));
  }
  const bestP = full(best.x);
  // up to 300 chain points (free parameters, with their ln L) seed the profile's maximisations
  const wantProfile = opts.profile !== false && free.includes('logPhiStar');
  const chainPoints: { x: number[]; l: number }[] = [];
  for (let k = 0; wantProfile && k < Math.min(300, nAll); k++) {
    const i = Math.floor((k * nAll) / Math.min(300, nAll)), x = Array.from(mc.samples.subarray(i * free.length, (i + 1) * free.length));
    chainPoints.push({ x, l: logPost(x) });
  }
  const profile = (Mlim: number, post: ParamSummary): ProfileInterval | null =>
    wantProfile ? rhoProfile(model, free, full, logPost, best.x, Mlim, post, chainPoints) : null;
  const tau: Record<string, number> = {};
  free.forEach((n, i) => (tau[n] = mc.tau[i]));
  const kept = nSteps - mc.burn;
  // Converged: every τ finite and the kept chain longer than 20 τ (emcee recommends ≥ 50 τ for a precise τ
  // itself; 20 τ × nWalkers independent samples is ample for 16/50/84 % summaries), acceptance 0.15–0.8.
  const chainOk = mc.tau.every((t) => Number.isFinite(t) && t * 20 < kept) && mc.acceptanceFraction > 0.15 && mc.acceptanceFraction < 0.8;
  // At a prior bound: the MAP within 2 % of the prior width of an edge, or the median within 10 % — the
  // posterior is then set by the prior, not the data, and the fit is not reported as converged.
  const atPriorBound: Array<{ param: ParamName; bound: 'lower' | 'upper'; value: number }> = [];
  free.forEach((n, i) => {
    const [lo, hi] = priors[n]!, w = hi - lo, m = posterior[n].median, b = best.x[i];
    if (b - lo < 0.02 * w || m - lo < 0.1 * w) atPriorBound.push({ param: n, bound: 'lower', value: lo });
    else if (hi - b < 0.02 * w || hi - m < 0.1 * w) atPriorBound.push({ param: n, bound: 'upper', value: hi });
  });
  const priorDominated = free.filter((n) => { const [lo, hi] = priors[n]!; return posterior[n].hi - posterior[n].lo > 0.5 * (hi - lo); });
  const converged = chainOk && atPriorBound.length === 0;
  const status = !chainOk ? 'not-converged' as const : atPriorBound.length ? 'at-prior-bound' as const : 'ok' as const;
  const bestLL = logLikelihood(model, bestP, data);
  let cash: number | undefined;
  if (data.kind === 'counts') {
    // Cash statistic relative to the saturated model: C = 2 Σ [μ − n + n ln(n/μ)].
    cash = 0;
    const mu = expectedCounts(toLfParams(model, bestP), data);
    for (let j = 0; j < data.counts.length; j++) {
      const n = data.counts[j];
      cash += 2 * (mu[j] - n + (n > 0 ? n * Math.log(n / mu[j]) : 0));
    }
  }
  return {
    model, free, fixed, priors,
    best: bestP, bestLogLike: bestLL,
    posterior,
    logRhoUV17: pct(rho17), logRhoUV18: pct(rho18),
    logRhoUV17Profile: profile(-17, pct(rho17)), logRhoUV18Profile: profile(-18, pct(rho18)),
    diagnostics: { acceptanceFraction: mc.acceptanceFraction, tau, nWalkers: mc.nWalkers, nSteps, burn: mc.burn, converged, atPriorBound, status, priorDominated },
    samples, sampleNames: names,
    nData: data.kind === 'counts' ? data.counts.length : data.points.length,
    cash,
  };
}

/**
 * 68 % profile-likelihood interval of log10 ρ_UV(< Mlim): {t : max over the other free parameters of ln L with
 * log10 ρ_UV = t} ≥ ln L_max − 1/2. ρ_UV is linear in φ*, so on the constraint log φ* = t − log10 ρ_UV(φ* = 1)
 * is exact and the other parameters are maximised freely (Nelder–Mead from the neighbouring profile point, the overall
 * maximum and the best chain point near t). Each end is found by stepping out from the maximum (first step half the
 * posterior's 68 % width) and bisecting to 0.005 dex. The priors act as hard bounds; an end that reaches one first
 * (no parameters inside them give that ρ_UV) is returned at the last feasible point and listed in `open`.
 */
function rhoProfile(model: LfModel, free: ParamName[], full: (x: number[]) => Record<ParamName, number>, logPost: (x: number[]) => number,
  xBest: number[], Mlim: number, post: ParamSummary, chain: { x: number[]; l: number }[] = []): ProfileInterval {
  const iPhi = free.indexOf('logPhiStar');
  const others = free.map((_, i) => i).filter((i) => i !== iPhi);
  const unitRho = (x: number[]) => { const p = full(x); p.logPhiStar = 0; return Math.log10(uvLuminosityDensity(toLfParams(model, p), Mlim)); };
  const place = (y: number[], t: number): number[] => {
    const x = xBest.slice();
    others.forEach((i, k) => (x[i] = y[k]));
    x[iPhi] = t - unitRho(x);
    return x;
  };
  const tBest = xBest[iPhi] + unitRho(xBest);
  let yBest = others.map((i) => xBest[i]);
  // the chain's points with their log ρ_UV and ln L: the best of them near t is a third start
  const pts = chain.map(({ x, l }) => ({ g: x[iPhi] + unitRho(x), l, y: others.map((i) => x[i]) }));
  const nearStart = (t: number): number[] | null => {
    let b: (typeof pts)[number] | null = null;
    for (const q of pts) if (Math.abs(q.g - t) < 0.05 && (!b || q.l > b.l)) b = q;
    return b ? b.y : null;
  };
  // max over the other parameters at fixed t: Nelder–Mead from the neighbouring point of the profile, from the global
  // maximum and from the best chain point within 0.05 dex (a single warm start can stop on a lower branch of the DPL's
  // ridges: measured once in 90 mock fits, an end 0.11 dex short)
  const prof = (t: number, y0: number[]): { l: number; y: number[] } => {
    if (others.length === 0) return { l: logPost(place([], t)), y: [] };
    const f = (y: number[]) => { const v = logPost(place(y, t)); return Number.isFinite(v) ? -v : 1e300; };
    let bestR = { l: -Infinity, y: y0 };
    const near = nearStart(t);
    for (const start of [y0, ...(y0 === yBest ? [] : [yBest]), ...(near ? [near] : [])]) {
      const r1 = nelderMead(f, start, { step: others.map(() => 0.15), maxIter: 200 * others.length, tol: 1e-6 });
      const r2 = nelderMead(f, r1.x, { step: others.map(() => 0.02), maxIter: 200 * others.length, tol: 1e-8 });
      if (-r2.fx > bestR.l) bestR = { l: -r2.fx, y: r2.x };
    }
    return bestR;
  };
  // the maximum itself, polished on the profile (the MAP's simplex may stop a little short)
  const top = prof(tBest, yBest);
  const lMax = Math.max(logPost(xBest), top.l);
  if (top.l >= logPost(xBest)) yBest = top.y;
  const w0 = Math.max(0.02, (post.hi - post.lo) / 2);
  const feasible = (l: number) => l > -1e299; // −1e300: no parameters inside the priors give this ρ_UV
  const end = (side: 1 | -1): { t: number; open: boolean } => {
    let a = tBest, ya = yBest, step = w0;
    let b = a + side * step, pb = prof(b, ya);
    for (let n = 0; feasible(pb.l) && lMax - pb.l < 0.5; n++) {
      if (n >= 14) return { t: b, open: true };
      a = b; ya = pb.y; step *= 1.6; b = a + side * step; pb = prof(b, ya);
    }
    let bound = !feasible(pb.l); // b lies beyond the priors rather than below the threshold
    while (Math.abs(b - a) > 0.005) {
      const m = 0.5 * (a + b), pm = prof(m, ya);
      if (feasible(pm.l) && lMax - pm.l < 0.5) { a = m; ya = pm.y; } else { b = m; bound = !feasible(pm.l); }
    }
    return bound ? { t: a, open: true } : { t: 0.5 * (a + b), open: false };
  };
  const lo = end(-1), hi = end(1);
  return { median: tBest, lo: lo.t, hi: hi.t, open: [...(lo.open ? ['lo' as const] : []), ...(hi.open ? ['hi' as const] : [])] };
}

function clamp(v: number, [lo, hi]: [number, number]): number {
  return Math.min(hi - 1e-6 * (hi - lo), Math.max(lo + 1e-6 * (hi - lo), v));
}

function pct(v: number[]): ParamSummary {
  const s = Float64Array.from(v).sort();
  const q = (f: number) => {
    const pos = f * (s.length - 1);
    const i = Math.floor(pos);
    return i + 1 < s.length ? s[i] * (1 - (pos - i)) + s[i + 1] * (pos - i) : s[i];
  };
  return { median: q(0.5), lo: q(0.15865525393145707), hi: q(0.8413447460685429) };
}

/**
 * Counts data for the likelihood from candidates in one z bin: fine magnitude bins (default 0.1 mag)
 * between Mbright and Mfaint, with V̄_eff per fine bin. Bins with zero effective volume are dropped.
 *
 * Weighted candidates (a simulated field whose high-z population was oversampled k×: weight 1/k) enter the
 * Poisson likelihood as effective counts: with s = Σw²/Σw over the z bin's candidates, counts n_w/s and
 * volumes V/s (for one k: the raw counts against k × the volume). Using n_w as if it were a raw count
 * would widen the posterior √k-fold. All weights 1 → s = 1, nothing changes.
 */
export function countsData(
  cands: Array<{ z: number; M_UV: number; weight?: number }>,
  veffAt: (Mlo: number, Mhi: number) => number,
  opts: {
    zLo: number; zHi: number; Mbright: number; Mfaint: number; dM?: number;
    /**
     * Forward-model magnitude migration (transfer.ts): `w(trueEdges, obsEdges)` gives the volumes W_ij (Mpc³) that carry
     * true bin i into observed bin j; true bins extend `faintExtension` mag (default 1.5) fainter than Mfaint, since
     * galaxies below the range migrate into it. Observed bins then cover Mbright…Mfaint without gaps.
     */
    migration?: { w: (trueEdges: number[], obsEdges: number[]) => number[][]; faintExtension?: number };
  },
): CountData {
  const dM = opts.dM ?? 0.1;
  let sw = 0, sw2 = 0;
  for (const c of cands) {
    if (!(c.z >= opts.zLo && c.z < opts.zHi)) continue;
    const w = c.weight ?? 1;
    sw += w; sw2 += w * w;
  }
  const scale = sw > 0 ? sw2 / sw : 1;
  const nb = Math.max(1, Math.round((opts.Mfaint - opts.Mbright) / dM));
  const edgeAt = (j: number) => opts.Mbright + (j * (opts.Mfaint - opts.Mbright)) / nb;
  const countIn = (a: number, b: number) => {
    let n = 0;
    for (const c of cands) if (c.z >= opts.zLo && c.z < opts.zHi && c.M_UV >= a && c.M_UV < b) n += c.weight ?? 1;
    return n;
  };
  if (opts.migration) {
    const obsEdges = Array.from({ length: nb + 1 }, (_, j) => edgeAt(j));
    const step = (opts.Mfaint - opts.Mbright) / nb;
    const nExt = Math.max(0, Math.round((opts.migration.faintExtension ?? 1.5) / step));
    const trueEdges = Array.from({ length: nb + nExt + 1 }, (_, j) => opts.Mbright + j * step);
    const w = opts.migration.w(trueEdges, obsEdges).map((row) => row.map((v) => v / scale));
    const counts = obsEdges.slice(0, -1).map((a, j) => countIn(a, obsEdges[j + 1]) / scale);
    const veff = counts.map((_, j) => w.reduce((s, row) => s + row[j], 0));
    return { kind: 'counts', edges: obsEdges, counts, veff, kernel: { trueEdges, w } };
  }
  const edges: number[] = [];
  const counts: number[] = [];
  const veff: number[] = [];
  for (let j = 0; j < nb; j++) {
    const a = edgeAt(j);
    const b = edgeAt(j + 1);
    const v = veffAt(a, b);
    if (!(v > 0)) continue;
    const n = countIn(a, b);
    if (edges.length === 0 || edges[edges.length - 1] !== a) {
      if (edges.length > 0) {
        // a gap: close the previous run with a zero-volume bin so edges stay contiguous
        edges.push(a);
        counts.push(0);
        veff.push(0);
      } else edges.push(a);
    }
    edges.push(b);
    counts.push(n / scale);
    veff.push(v / scale);
  }
  return { kind: 'counts', edges, counts, veff };
}
