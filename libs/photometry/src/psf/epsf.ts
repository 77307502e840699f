// Empirical PSF ("effective PSF") from the point sources of an image (docs/psf.md).
//
// Anderson & King 2000 (PASP 112, 1360) and Anderson 2016 (WFC3 ISR 2016-12), as in photutils EPSFBuilder:
// the ePSF E(Δx, Δy) is the fraction of a star's flux that falls in a detector pixel whose centre is at
// (Δx, Δy) from the star's centre — the PSF already integrated over the pixel — tabulated on a grid
// `oversample` times finer than the detector. Every pixel of every star, divided by the star's flux,
// samples E at its own sub-pixel offset, so stars at different phases fill the fine grid.
//
//   1. stars: unsaturated, unflagged, isolated detections on the stellar locus (FLUX_RADIUS near the
//      smallest values of the bright sources, round), S/N ≥ snrMin, whole stamp on valid pixels;
//      image background: the masked mesh background of forced photometry (phot/background.ts);
//   2. iterate: residuals of the star pixels from the current E, accumulated on the fine grid with
//      bilinear weights and smoothed by normalised convolution (which also fills empty nodes), are
//      added to E; E is normalised (Σ over the fine grid = oversample²: unit flux at every phase);
//      its centroid offset is taken out by moving the star centres (no resampling of E, so no blur);
//      every star's flux and centre are refitted to E by weighted least squares (Gauss–Newton);
//      stars whose fit residual is an outlier are dropped;
//   3. products: the oversampled ePSF (unit sum) and the detector-sampled PSF at phase 0 (E at the integer
//      offsets: the stamp a centred star makes; unit sum) — the latter is what psf/<BAND>.fits holds.
import { medianSorted } from '@asteris/core';
import { extractSources } from '@asteris/extract';
import { Header } from '@asteris/fits';
import { PhotometryError } from '../errors.ts';
import { nmad } from '../noise/empty.ts';
import { sourceMask, subtractMeshBackground } from '../phot/background.ts';
import type { Psf } from './psf.ts';

export interface EpsfOptions {
  /** fine-grid factor, 2–4 (default 2) */
  oversample?: number;
  /** output stamp size in detector pixels (odd, default 35) */
  size?: number;
  /** per-pixel 1σ map (same units as the image); default: blank-sky NMAD everywhere */
  err?: ArrayLike<number>;
  /** use these star positions (0-based) instead of selecting stars */
  stars?: { x: number; y: number }[];
  /** minimum S/N (FLUX_AUTO / error) of a star (default 100) */
  snrMin?: number;
  /** at most this many stars, highest S/N first (default 60) */
  maxStars?: number;
  /** no other detection brighter than isolationFlux × the star's flux within this many pixels (default size/2 + 2);
   *  fainter neighbours are masked by their segmentation */
  isolation?: number;
  /** default 0.1 */
  isolationFlux?: number;
  /** pixels at or above this (data units) mark a star saturated (default none) */
  saturation?: number;
  /** refinement iterations (default 8) */
  iterations?: number;
  /** subtract the masked mesh background first (default true) */
  subtractBackground?: boolean;
  log?: (msg: string) => void;
}

export interface EpsfStar { x: number; y: number; flux: number; used: boolean }

export interface EpsfResult {
  /** detector-sampled PSF (size × size, unit sum, centred on the central pixel) */
  psf: Psf;
  /** the oversampled ePSF (unit sum over the fine grid), its grid size and factor */
  oversampled: { data: Float64Array; size: number; oversample: number };
  stars: EpsfStar[];
  nStars: number;
  /** FWHM of the detector-sampled PSF (pixels, from its azimuthal profile) */
  fwhm: number;
}

interface Star { x: number; y: number; flux: number; used: boolean; ix: number; iy: number; v: Float64Array; w: Float64Array }

/** Bilinear interpolation of a fine grid at fractional node coordinates (0 outside). */
function interp(E: Float64Array, M: number, u: number, w: number): number {
  const i = Math.floor(u), j = Math.floor(w);
  if (i < 0 || j < 0 || i >= M - 1 || j >= M - 1) return 0;
  const fu = u - i, fw = w - j;
  const k = j * M + i;
  return (1 - fu) * (1 - fw) * E[k] + fu * (1 - fw) * E[k + 1] + (1 - fu) * fw * E[k + M] + fu * fw * E[k + M + 1];
}

/** FWHM (pixels) of a detector-sampled stamp: radius where the 32-ray mean of the bilinear profile halves. */
export function psfFwhmPixels(psf: Psf): number {
  const d = Float64Array.from(psf.data), S = psf.size, c = (S - 1) / 2;
  const prof = (r: number): number => {
    let s = 0;
    for (let a = 0; a < 32; a++) {
      const t = (2 * Math.PI * a) / 32;
      s += interp(d, S, c + r * Math.cos(t), c + r * Math.sin(t));
    }
    return s / 32;
  };
  const half = prof(0) / 2;
  let r = 0;
  while (r < c && prof(r) > half) r += 0.02;
  // linear refinement between the last two steps
  const r0 = Math.max(0, r - 0.02), p0 = prof(r0), p1 = prof(r);
  return 2 * (p0 === p1 ? r : r0 + ((p0 - half) / (p0 - p1)) * (r - r0));
}

/**
 * Selects PSF stars: detections with FLAGS = 0, S/N ≥ snrMin, on the stellar locus (FLUX_RADIUS within
 * 0.8–1.2 × the median of the smallest quarter of the bright sources' radii), axis ratio b/a ≥ 0.8, peak
 * below `saturation`, isolated, stamp inside the image.
 */
export function selectPsfStars(
  data: Float32Array, width: number, height: number, err: Float32Array | undefined, opts: EpsfOptions = {},
): { stars: { x: number; y: number; flux: number; snr: number }[]; segmentation: Int32Array } {
  const size = opts.size ?? 35;
  const snrMin = opts.snrMin ?? 100;
  const iso = opts.isolation ?? (size - 1) / 2 + 2;
  const ex = extractSources({ width, height, data, header: new Header() }, {
    ...(err ? { weight: { type: 'rms' as const, data: err } } : {}), threshold: 3, minArea: 5, maps: false,
  } as never);
  const all = ex.sources;
  const bright = all.filter((s) => s.snr >= snrMin && s.flags === 0 && s.fluxRadius > 0);
  if (bright.length === 0) return { stars: [], segmentation: ex.segmentation };
  const rs = bright.map((s) => s.fluxRadius).sort((a, b) => a - b);
  const q = rs.slice(0, Math.max(1, Math.ceil(rs.length / 4)));
  const locus = medianSorted(q, 'upper');
  const h = (size - 1) / 2 + 1;
  const why = { locus: 0, round: 0, saturated: 0, edge: 0, neighbour: 0 };
  const stars = bright.filter((s) => {
    if (s.fluxRadius < 0.8 * locus || s.fluxRadius > 1.2 * locus) { why.locus++; return false; }
    if (s.b / s.a < 0.8) { why.round++; return false; }
    if (opts.saturation !== undefined && s.peak >= opts.saturation) { why.saturated++; return false; }
    if (s.x < h || s.y < h || s.x > width - 1 - h || s.y > height - 1 - h) { why.edge++; return false; }
    // neighbours' pixels are masked in the stamps; reject only a neighbour bright enough for its wings
    // to matter (> isolationFlux × the star's flux) within the isolation radius
    for (const o of all) {
      if (o === s) continue;
      if ((o.x - s.x) ** 2 + (o.y - s.y) ** 2 < iso * iso && o.fluxAuto > (opts.isolationFlux ?? 0.1) * s.fluxAuto) { why.neighbour++; return false; }
    }
    return true;
  }).sort((a, b) => b.snr - a.snr).slice(0, opts.maxStars ?? 60);
  opts.log?.(`epsf: ${all.length} detections, ${bright.length} unflagged with S/N ≥ ${snrMin}, stellar locus FLUX_RADIUS ${locus.toFixed(2)} px; rejected: ${JSON.stringify(why)}`);
  return { stars: stars.map((s) => ({ x: s.xwin, y: s.ywin, flux: s.fluxAuto, snr: s.snr })), segmentation: ex.segmentation };
}

/** Builds the ePSF of an image (see the header comment). */
export function buildEpsf(image: { data: ArrayLike<number>; width: number; height: number }, opts: EpsfOptions = {}): EpsfResult {
  const { width, height } = image;
  const os = opts.oversample ?? 2;
  const S = opts.size ?? 35;
  const log = opts.log ?? (() => {});
  if (!(Number.isInteger(os) && os >= 1 && os <= 4)) throw new PhotometryError(`oversample must be an integer 1–4 (got ${os})`);
  if (!(Number.isInteger(S) && S >= 7 && S % 2 === 1)) throw new PhotometryError(`PSF size must be an odd integer ≥ 7 (got ${S})`);
  if (image.data.length !== width * height) throw new PhotometryError(`image data has ${image.data.length} values, expected ${width}×${height}`);
  if (opts.err && opts.err.length !== width * height) throw new PhotometryError(`error map has ${opts.err.length} values, expected ${width}×${height}`);
  const data = Float32Array.from(image.data);
  const err = opts.err ? Float32Array.from(opts.err) : undefined;
  for (let i = 0; i < data.length; i++) if (err && !(err[i] > 0 && Number.isFinite(err[i]))) data[i] = NaN;

  // ---- stars
  let cand: { x: number; y: number; flux: number }[];
  let seg: Int32Array | undefined;
  if (opts.stars) {
    cand = opts.stars.map((s) => ({ ...s, flux: NaN }));
  } else {
    const sel = selectPsfStars(data.map((v) => (v === v ? v : 0)), width, height, err, opts);
    cand = sel.stars; seg = sel.segmentation;
    log(`epsf: ${cand.length} stars selected`);
  }
  if (opts.subtractBackground ?? true) {
    const mask = sourceMask(seg ?? new Int32Array(width * height), data, width, height, 3);
    subtractMeshBackground(data, width, height, mask, { meshSize: 128, filterSize: 3 });
  }
  let sigmaConst = 1;
  if (!err) {
    const sky: number[] = [];
    for (let i = 0; i < data.length; i += 3) if ((!seg || seg[i] === 0) && data[i] === data[i]) sky.push(data[i]);
    sigmaConst = nmad(sky) || 1;
  }

  // internal stamps and grid 2 px larger on every side than the output: the outermost fine-grid nodes
  // have no samples on one side and are not used for the output
  const Sout = S;
  {
    const Sint = Sout + 4;
    return buildOnGrid(data, width, height, err, sigmaConst, cand, Sint, Sout, os, opts, log, seg);
  }
}

function buildOnGrid(
  data: Float32Array, width: number, height: number, err: Float32Array | undefined, sigmaConst: number,
  cand: { x: number; y: number }[], S: number, Sout: number, os: number, opts: EpsfOptions, log: (m: string) => void,
  seg?: Int32Array,
): EpsfResult {
  const hS = (S - 1) / 2;
  const stars: Star[] = [];
  for (const c of cand) {
    const ix = Math.round(c.x), iy = Math.round(c.y);
    if (ix - hS < 0 || iy - hS < 0 || ix + hS >= width || iy + hS >= height) continue;
    const v = new Float64Array(S * S), w = new Float64Array(S * S);
    let ok = true, sum = 0;
    // pixels of other detections (neighbours) get zero weight
    const own = seg ? seg[iy * width + ix] : 0;
    for (let y = 0; y < S && ok; y++) for (let x = 0; x < S; x++) {
      const k = (iy - hS + y) * width + ix - hS + x;
      const val = data[k];
      // invalid pixels (NaN: hot pixels, gaps) carry no weight; in the core they make the star unusable
      if (!(val === val)) {
        if (Math.abs(x - hS) <= 2 && Math.abs(y - hS) <= 2) { ok = false; break; }
        v[y * S + x] = 0; w[y * S + x] = 0;
        continue;
      }
      const s = err ? err[k] : sigmaConst;
      const other = seg !== undefined && seg[k] !== 0 && seg[k] !== own;
      v[y * S + x] = other ? 0 : val; w[y * S + x] = other ? 0 : 1 / (s * s);
      sum += other ? 0 : val;
    }
    if (!ok || !(sum > 0)) continue;
    stars.push({ x: c.x, y: c.y, flux: sum, used: true, ix, iy, v, w });
  }
  if (stars.length < 3) throw new PhotometryError(`too few usable PSF stars (${stars.length}; need ≥ 3): lower snrMin or give star positions`);

  // ---- fine grid
  const M = os * S + (os % 2 === 0 ? 1 : 0);
  const c0 = (M - 1) / 2;
  let E = new Float64Array(M * M);
  const iters = opts.iterations ?? 8;
  // fit region: within rFit px of the star (≈ the PSF core, where the signal is)
  let rFit = Math.min((Sout - 1) / 2 - 1, 6);
  for (let it = 0; it < iters; it++) {
    // (a) residuals onto the fine grid (bilinear weights, inverse-variance × flux² weighting)
    const num = new Float64Array(M * M), den = new Float64Array(M * M);
    // clipping scale: NMAD of the normalised residuals of all samples (model error of bright stars
    // widens it beyond 1, and then clipping must not eat the PSF core)
    let zScale = 1;
    if (it > 0) {
      const zs: number[] = [];
      for (const st of stars) {
        if (!st.used) continue;
        for (let y = 1; y < S - 1; y += 2) for (let x = 1; x < S - 1; x += 2) {
          const wt = st.w[y * S + x];
          if (wt === 0) continue;
          const e = interp(E, M, c0 + (st.ix - hS + x - st.x) * os, c0 + (st.iy - hS + y - st.y) * os);
          zs.push((st.v[y * S + x] - st.flux * e) * Math.sqrt(wt));
        }
      }
      zScale = Math.max(1, nmad(zs) || 1);
    }
    for (const st of stars) {
      if (!st.used) continue;
      const F = st.flux;
      for (let y = 1; y < S - 1; y++) for (let x = 1; x < S - 1; x++) {
        const dx = st.ix - hS + x - st.x, dy = st.iy - hS + y - st.y;
        const u = c0 + dx * os, ww = c0 + dy * os;
        const i0 = Math.floor(u), j0 = Math.floor(ww);
        if (i0 < 0 || j0 < 0 || i0 >= M - 1 || j0 >= M - 1) continue;
        const em = interp(E, M, u, ww);
        const r = st.v[y * S + x] / F - em;
        const wt = st.w[y * S + x] * F * F;
        if (wt === 0) continue;
        // after the first pass, reject samples off the model by > 5σ and by > 20 % of the model (cosmic
        // rays, faint neighbours; the 20 % keeps the core of bright stars, where the model is still converging)
        if (it > 0 && r * r * wt > 25 * zScale * zScale && Math.abs(r) > 0.2 * Math.abs(em)) continue;
        const fu = u - i0, fw = ww - j0;
        const k = j0 * M + i0;
        const b = [(1 - fu) * (1 - fw), fu * (1 - fw), (1 - fu) * fw, fu * fw];
        const ks = [k, k + 1, k + M, k + M + 1];
        for (let q = 0; q < 4; q++) { num[ks[q]] += b[q] * wt * r; den[ks[q]] += b[q] * wt; }
      }
    }
    // (b) normalised convolution of the update (3×3 binomial), fills nodes without samples
    const sn = smooth3(num, M), sd = smooth3(den, M);
    const En = new Float64Array(M * M);
    for (let k = 0; k < M * M; k++) En[k] = E[k] + (sd[k] > 0 ? sn[k] / sd[k] : 0);
    // nothing beyond the output stamp + ½ px (the margin only serves the interpolation there)
    const lim = ((Sout - 1) / 2 + 0.5) * os;
    for (let j = 0; j < M; j++) for (let i = 0; i < M; i++) if (Math.abs(i - c0) > lim || Math.abs(j - c0) > lim) En[j * M + i] = 0;
    // (c) normalise: unit flux at every phase ⇔ Σ fine grid = os²
    let tot = 0;
    for (let k = 0; k < M * M; k++) tot += En[k];
    for (let k = 0; k < M * M; k++) En[k] *= (os * os) / tot;
    E = En;
    // (d) recentre by moving the stars: centroid of E within ±(rFit/2) px of the centre
    const rc = Math.max(1.5, rFit / 2) * os;
    let s0 = 0, sx = 0, sy = 0;
    for (let j = Math.ceil(c0 - rc); j <= Math.floor(c0 + rc); j++) for (let i = Math.ceil(c0 - rc); i <= Math.floor(c0 + rc); i++) {
      if ((i - c0) ** 2 + (j - c0) ** 2 > rc * rc) continue;
      const e = Math.max(0, E[j * M + i]);
      s0 += e; sx += e * (i - c0); sy += e * (j - c0);
    }
    const ddx = s0 > 0 ? sx / s0 / os : 0, ddy = s0 > 0 ? sy / s0 / os : 0;
    for (const st of stars) { st.x += ddx; st.y += ddy; }
    // (e) refit every star's flux and centre to E (Gauss–Newton, 3 steps)
    const fw = psfFwhmPixels(detectorSampled(E, M, os, Sout));
    rFit = Math.min((Sout - 1) / 2 - 1, Math.max(3, 1.5 * fw));
    const chi: number[] = [];
    for (const st of stars) {
      if (!st.used) continue;
      chi.push(fitStar(st, E, M, os, S, c0, rFit));
    }
    // (f) drop stars with outlying fit residuals (neighbours, cosmic rays, galaxies on the locus)
    const med = medianSorted(chi.slice().sort((a, b) => a - b), 'upper');
    const sc = nmad(chi) || med;
    let k = 0;
    for (const st of stars) {
      if (!st.used) continue;
      const x = chi[k++];
      if (it >= 1 && x > med + 5 * sc && stars.filter((s) => s.used).length > 3) st.used = false;
    }
    log(`epsf: iteration ${it + 1}: ${stars.filter((s) => s.used).length} stars, FWHM ${fw.toFixed(3)} px, centring shift (${ddx.toFixed(3)}, ${ddy.toFixed(3)})`);
  }
  const psf = detectorSampled(E, M, os, Sout);
  // the oversampled product covers the output stamp: crop the 2-px margin
  const Mo = os * Sout + (os % 2 === 0 ? 1 : 0), off = (M - Mo) / 2;
  const over = new Float64Array(Mo * Mo);
  let fineSum = 0;
  for (let j = 0; j < Mo; j++) for (let i = 0; i < Mo; i++) { const v = E[(j + off) * M + i + off]; over[j * Mo + i] = v; fineSum += v; }
  for (let k = 0; k < over.length; k++) over[k] /= fineSum;
  return {
    psf, oversampled: { data: over, size: Mo, oversample: os },
    stars: stars.map((s) => ({ x: s.x, y: s.y, flux: s.flux, used: s.used })), nStars: stars.filter((s) => s.used).length,
    fwhm: psfFwhmPixels(psf),
  };
}

/** E at the integer detector offsets (a star centred on a pixel), unit sum. */
function detectorSampled(E: Float64Array, M: number, os: number, S: number): Psf {
  const c0 = (M - 1) / 2, h = (S - 1) / 2;
  const out = new Float64Array(S * S);
  let s = 0;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const v = interp(E, M, c0 + (x - h) * os, c0 + (y - h) * os);
    out[y * S + x] = v; s += v;
  }
  if (s > 0) for (let i = 0; i < out.length; i++) out[i] /= s;
  return { data: out, size: S };
}

function smooth3(a: Float64Array, M: number): Float64Array {
  const t = new Float64Array(M * M), o = new Float64Array(M * M);
  for (let j = 0; j < M; j++) for (let i = 0; i < M; i++) {
    const k = j * M + i;
    t[k] = 0.5 * a[k] + 0.25 * (i > 0 ? a[k - 1] : 0) + 0.25 * (i < M - 1 ? a[k + 1] : 0);
  }
  for (let j = 0; j < M; j++) for (let i = 0; i < M; i++) {
    const k = j * M + i;
    o[k] = 0.5 * t[k] + 0.25 * (j > 0 ? t[k - M] : 0) + 0.25 * (j < M - 1 ? t[k + M] : 0);
  }
  return o;
}

/** Weighted least-squares fit of flux and centre of one star to E; returns χ²/pixel of the fit. */
function fitStar(st: Star, E: Float64Array, M: number, os: number, S: number, c0: number, rFit: number): number {
  const hS = (S - 1) / 2;
  const h = 0.5; // finite-difference step in fine-grid nodes
  let chi2 = 0, n = 0;
  for (let step = 0; step < 3; step++) {
    // normal equations for (F, x, y)
    const A = [0, 0, 0, 0, 0, 0, 0, 0, 0], B = [0, 0, 0];
    chi2 = 0; n = 0;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const dx = st.ix - hS + x - st.x, dy = st.iy - hS + y - st.y;
      if (dx * dx + dy * dy > rFit * rFit) continue;
      const u = c0 + dx * os, w = c0 + dy * os;
      const e = interp(E, M, u, w);
      const ex = (interp(E, M, u + h, w) - interp(E, M, u - h, w)) / (2 * h) * os; // ∂E/∂dx per detector px
      const ey = (interp(E, M, u, w + h) - interp(E, M, u, w - h)) / (2 * h) * os;
      const g = [e, -st.flux * ex, -st.flux * ey]; // ∂model/∂(F, xc, yc)
      const wt = st.w[y * S + x];
      if (wt === 0) continue;
      const r = st.v[y * S + x] - st.flux * e;
      chi2 += wt * r * r; n++;
      for (let p = 0; p < 3; p++) { B[p] += wt * g[p] * r; for (let q = 0; q < 3; q++) A[p * 3 + q] += wt * g[p] * g[q]; }
    }
    const d = solve3(A, B);
    if (!d) break;
    st.flux += d[0];
    // limit the centre step to half a pixel per iteration
    st.x += Math.max(-0.5, Math.min(0.5, d[1]));
    st.y += Math.max(-0.5, Math.min(0.5, d[2]));
  }
  return n > 0 ? chi2 / n : Infinity;
}

function solve3(A: number[], b: number[]): number[] | null {
  const [a, bb, c, d, e, f, g, h, i] = A;
  const det = a * (e * i - f * h) - bb * (d * i - f * g) + c * (d * h - e * g);
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return null;
  const inv = [
    e * i - f * h, c * h - bb * i, bb * f - c * e,
    f * g - d * i, a * i - c * g, c * d - a * f,
    d * h - e * g, bb * g - a * h, a * e - bb * d,
  ].map((v) => v / det);
  return [0, 1, 2].map((r) => inv[r * 3] * b[0] + inv[r * 3 + 1] * b[1] + inv[r * 3 + 2] * b[2]);
}
