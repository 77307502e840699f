// Smooth completeness from injection–recovery lists (issue 15): per redshift bin, a logistic in the
// magnitude axis, C(x) = c_max / (1 + exp((x − x50)/w)) — the usual parametrisation of recovery curves
// (e.g. Bouwens+15 §3.5, Finkelstein+15 §4.2) — fitted by maximum binomial likelihood to every injected
// object (recovered or not), with its uncertainty from the inverse Hessian (Laplace). The model is then
// evaluated on the product's grid, so a cell without injections gets the fitted C, never 0; a z bin
// with too few injections (or no recovery either way) borrows the fit to all injections and says so.

import { binIndex, nelderMead } from '@asteris/core';
import type { CompletenessProduct } from './completeness.ts';
import { LumfuncError } from './errors.ts';

export interface Injection {
  /** Magnitude on the product's axis: M_UV (axis 'M_UV') or apparent AB mag (axis 'mag'). */
  mag: number;
  z: number;
  /** Recovered through detection, photometry and selection. */
  selected: boolean;
}

export interface LogisticFit {
  /** x50: magnitude of half of c_max; w: width (mag); cMax: bright-end plateau. */
  x50: number; width: number; cMax: number;
  /** 1σ errors from the inverse Hessian of −ln L in (x50, ln w, logit cMax), propagated. */
  x50Err: number; widthErr: number; cMaxErr: number;
  /** Covariance in the fitted coordinates (x50, ln w, logit cMax). */
  cov: number[][];
  nInjected: number; nSelected: number;
  /** Where the fit came from: 'bin' (this z bin's injections) or 'pooled' (all z bins; reason given). */
  source: 'bin' | 'pooled';
  note?: string;
}

export interface CompletenessModelOptions {
  zEdges: number[];
  mEdges: number[];
  axis?: 'M_UV' | 'mag';
  band?: string;
  areaArcmin2: number;
  preset?: string;
  cosmology?: { H0: number; Om: number };
  /** Fewer injections than this in a z bin → the pooled fit is used for it (default 30). */
  minPerBin?: number;
}

export interface CompletenessModelProduct extends CompletenessProduct {
  model: { kind: 'logistic'; fits: LogisticFit[] };
  /** 1σ uncertainty of C per [z][m] cell from the fit covariance. */
  completenessErr: number[][];
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** C(x) of a logistic fit. */
export function logisticC(f: Pick<LogisticFit, 'x50' | 'width' | 'cMax'>, x: number): number {
  return f.cMax / (1 + Math.exp((x - f.x50) / f.width));
}

/** Maximum-likelihood logistic to (magnitude, recovered) pairs. Throws when there are no injections. */
export function fitLogistic(mags: number[], sel: boolean[]): LogisticFit {
  const n = mags.length;
  if (n === 0) throw new LumfuncError('fitLogistic: no injections');
  const k = sel.filter(Boolean).length;
  let lo = Infinity, hi = -Infinity;
  for (const m of mags) { lo = Math.min(lo, m); hi = Math.max(hi, m); }
  const span = Math.max(hi - lo, 0.5);
  // θ = (x50, ln w, logit cMax), weakly bounded so all-recovered or none-recovered bins stay finite
  const nll = (t: number[]): number => {
    const [x50, lw, lc] = t;
    if (!(x50 > lo - span && x50 < hi + span && lw > Math.log(0.03) && lw < Math.log(3) && lc > -6 && lc < 8)) return 1e300;
    const w = Math.exp(lw), cm = expit(lc);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const c = Math.min(1 - 1e-12, Math.max(1e-12, cm / (1 + Math.exp((mags[i] - x50) / w))));
      s -= sel[i] ? Math.log(c) : Math.log(1 - c);
    }
    return s;
  };
  // start at the magnitude where the recovered fraction crosses half
  const sorted = mags.map((m, i) => [m, sel[i] ? 1 : 0] as const).sort((a, b) => a[0] - b[0]);
  let acc = 0, x0 = 0.5 * (lo + hi);
  for (let i = 0; i < n; i++) { acc += sorted[i][1]; if (acc >= 0.5 * k) { x0 = sorted[i][0]; break; } }
  let best = { x: [x0, Math.log(0.3), logit(0.95)], fx: Infinity };
  for (const start of [[x0, Math.log(0.3), logit(0.95)], [x0, Math.log(1), logit(0.8)], [0.5 * (lo + hi), Math.log(0.5), 2]]) {
    const r = nelderMead(nll, start, { step: [0.3, 0.3, 0.5], maxIter: 2000, tol: 1e-10 });
    if (r.fx < best.fx) best = r;
  }
  const t = best.x;
  // numerical Hessian (central differences) → covariance
  const h = [1e-3, 1e-3, 1e-3];
  const H = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const f0 = nll(t);
  for (let a = 0; a < 3; a++) {
    for (let b = a; b < 3; b++) {
      const e = (da: number, db: number) => { const u = t.slice(); u[a] += da * h[a]; u[b] += db * h[b]; return nll(u); };
      const v = a === b ? (e(1, 0) - 2 * f0 + e(-1, 0)) / (h[a] * h[a]) : (e(1, 1) - e(1, -1) - e(-1, 1) + e(-1, -1)) / (4 * h[a] * h[b]);
      H[a][b] = H[b][a] = v;
    }
  }
  const cov = invert3(H);
  const w = Math.exp(t[1]), cm = expit(t[2]);
  const sd = (i: number) => (cov && cov[i][i] > 0 ? Math.sqrt(cov[i][i]) : NaN);
  return {
    x50: t[0], width: w, cMax: cm,
    x50Err: sd(0), widthErr: w * sd(1), cMaxErr: cm * (1 - cm) * sd(2),
    cov: cov ?? [[NaN, NaN, NaN], [NaN, NaN, NaN], [NaN, NaN, NaN]],
    nInjected: n, nSelected: k, source: 'bin',
  };
}

function invert3(m: number[][]): number[][] | null {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return null;
  const inv = [
    [A, -(b * i - c * h), b * f - c * e],
    [B, a * i - c * g, -(a * f - c * d)],
    [C, -(a * h - b * g), a * e - b * d],
  ];
  return inv.map((r) => r.map((v) => v / det));
}

/** 1σ of C(x) by the delta method on the fit covariance. */
export function logisticCErr(f: LogisticFit, x: number): number {
  const w = f.width, u = Math.exp((x - f.x50) / w), s = 1 / (1 + u);
  // dC/dθ for θ = (x50, ln w, logit cMax)
  const g = [f.cMax * s * s * u / w, f.cMax * s * s * u * (x - f.x50) / w, f.cMax * (1 - f.cMax) * s];
  let v = 0;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) v += g[a] * f.cov[a][b] * g[b];
  return Number.isFinite(v) && v > 0 ? Math.sqrt(v) : NaN;
}

/**
 * The completeness product from injection–recovery lists: one logistic per z bin (pooled fit where a
 * bin has < minPerBin injections, or all/none recovered), evaluated at the cell centres of mEdges.
 * nInjected/nSelected per cell are kept for reference. This is what the pipeline's completeness
 * stage should call with its injected and recovered lists.
 */
export function completenessFromInjections(inj: Injection[], opts: CompletenessModelOptions): CompletenessModelProduct {
  const { zEdges, mEdges } = opts;
  const nz = zEdges.length - 1, nm = mEdges.length - 1;
  if (nz < 1 || nm < 1) throw new LumfuncError('completenessFromInjections: need ≥ 2 zEdges and ≥ 2 mEdges');
  const good = inj.filter((r) => Number.isFinite(r.mag) && Number.isFinite(r.z));
  if (good.length === 0) throw new LumfuncError('completenessFromInjections: no injections with finite magnitude and redshift');
  const minPer = opts.minPerBin ?? 30;
  let pooled: LogisticFit | null = null;
  const pool = () => (pooled ??= fitLogistic(good.map((r) => r.mag), good.map((r) => r.selected)));
  const nInjected: number[][] = [], nSelected: number[][] = [], completeness: number[][] = [], completenessErr: number[][] = [];
  const fits: LogisticFit[] = [];
  for (let i = 0; i < nz; i++) {
    const inBin = good.filter((r) => r.z >= zEdges[i] && (r.z < zEdges[i + 1] || (i === nz - 1 && r.z === zEdges[i + 1])));
    const k = inBin.filter((r) => r.selected).length;
    let fit: LogisticFit;
    if (inBin.length >= minPer && k > 0 && k < inBin.length) fit = fitLogistic(inBin.map((r) => r.mag), inBin.map((r) => r.selected));
    else {
      const why = inBin.length < minPer ? `${inBin.length} injection(s) < ${minPer}` : k === 0 ? 'none recovered' : 'all recovered';
      fit = { ...pool(), source: 'pooled', note: `z ${zEdges[i]}–${zEdges[i + 1]}: ${why}; fit to all ${good.length} injections used`, nInjected: inBin.length, nSelected: k };
    }
    fits.push(fit);
    const ni = new Array(nm).fill(0), ns = new Array(nm).fill(0);
    for (const r of inBin) {
      const j = binIndex(mEdges, r.mag);
      if (j >= 0) { ni[j]++; if (r.selected) ns[j]++; }
    }
    nInjected.push(ni); nSelected.push(ns);
    const xc = mEdges.slice(0, nm).map((m, j) => 0.5 * (m + mEdges[j + 1]));
    completeness.push(xc.map((x) => Math.min(1, Math.max(0, logisticC(fit, x)))));
    completenessErr.push(xc.map((x) => { const e = logisticCErr(fit, x); return Number.isFinite(e) ? Math.min(1, e) : 1; }));
  }
  return {
    preset: opts.preset ?? 'logistic fit to injection–recovery',
    zEdges, mEdges, axis: opts.axis ?? 'M_UV', band: opts.band,
    nInjected, nSelected, completeness, completenessErr, areaArcmin2: opts.areaArcmin2, cosmology: opts.cosmology,
    model: { kind: 'logistic', fits },
  };
}

/**
 * From binned counts only (a product with nInjected/nSelected and no completeness): the same logistic
 * per z row, fitted to the cell counts at the cell centres. Used so an empty cell is never read as 0 %.
 */
export function completenessFromCounts(zEdges: number[], mEdges: number[], nInjected: number[][], nSelected: number[][]): number[][] {
  const inj: Injection[] = [];
  nInjected.forEach((row, i) => row.forEach((n, j) => {
    const x = 0.5 * (mEdges[j] + mEdges[j + 1]), z = 0.5 * (zEdges[i] + zEdges[i + 1]);
    const s = Math.round(Math.min(n, nSelected[i][j]));
    for (let q = 0; q < Math.round(n); q++) inj.push({ mag: x, z, selected: q < s });
  }));
  if (inj.length === 0) throw new LumfuncError('nInjected is 0 in every cell: no completeness can be derived');
  return completenessFromInjections(inj, { zEdges, mEdges, areaArcmin2: 1, minPerBin: 20 }).completeness;
}
