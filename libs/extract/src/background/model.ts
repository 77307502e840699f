// Background and RMS maps from a mesh grid (SExtractor Background.rst; SEP src/background.c; astro-reference §A.1):
// per-mesh histogram mode and σ → bad-mesh filling from the nearest valid meshes → median filter
// (BACK_FILTERSIZE, BACK_FILTERTHRESH) → natural bicubic spline between mesh centres (node i at pixel
// (i + ½)·bw, extrapolated beyond the outer nodes) evaluated row by row.

import { medianSorted } from '@asteris/core';
import { BIG, histogramMode, meshStats } from './stats.ts';

const f32 = Math.fround;

export interface BackgroundOptions {
  /** mesh size in pixels (BACK_SIZE, default 64) */
  meshSize?: number | [number, number];
  /** median filter size in meshes (BACK_FILTERSIZE, default 3) */
  filterSize?: number | [number, number];
  /** BACK_FILTERTHRESH: replace only if |median − value| ≥ this (default 0) */
  filterThresh?: number;
  /** non-zero = pixel excluded from the statistics */
  mask?: Uint8Array;
  /** BACK_PEARSON (default 2.5) */
  pearson?: number;
  /** BACK_MINGOODFRAC (default 0.5) */
  minGoodFrac?: number;
}

export interface BackgroundModel {
  width: number;
  height: number;
  bw: number;
  bh: number;
  nx: number;
  ny: number;
  /** mesh background and σ grids, ny × nx row-major (after filling and filtering) */
  back: Float32Array;
  sigma: Float32Array;
  /** spline second derivatives along y for back and sigma */
  dback: Float32Array;
  dsigma: Float32Array;
  globalBack: number;
  globalRms: number;
  /** number of meshes that had too few valid pixels and were filled from neighbours */
  nBadMeshes: number;
}

/** Median of the mesh values; 0 for none (an empty map has zero background). */
function medianOf(a: Float32Array | number[]): number {
  return a.length ? medianSorted(Float64Array.from(a).sort()) : 0;
}

// Spline coefficients as SExtractor/SEP compute them (back.c makebackspline): the natural-spline
// tridiagonal sweep with unit node spacing, whose back-substitution divides each coefficient by 6 as it goes
// (D_i = (y2_i·D_{i+1} + u_i)/6). Reproducing this exactly is what makes the maps match SExtractor's
// BACKGROUND check-images; it is the interpolant SExtractor users actually get.
function splineCoeffs(get: (i: number) => number, n: number, out: (i: number, v: number) => void, at: (i: number) => number, u: Float32Array): void {
  if (n < 2) { out(0, 0); return; }
  out(0, 0);
  u[0] = 0;
  for (let i = 1; i < n - 1; i++) {
    let t = f32(-1 / (at(i - 1) + 4));
    out(i, t);
    t = f32(t * f32(u[i - 1]! - 6 * f32(get(i + 1) + get(i - 1) - 2 * get(i))));
    u[i] = t;
  }
  out(n - 1, 0);
  for (let i = n - 2; i >= 1; i--) out(i, f32((at(i) * at(i + 1) + u[i]!) / 6));
}

/** Spline coefficients along y for each mesh column. */
function splineY(map: Float32Array, nx: number, ny: number): Float32Array {
  const d = new Float32Array(nx * ny);
  const u = new Float32Array(Math.max(1, ny));
  for (let x = 0; x < nx; x++) {
    splineCoeffs((i) => map[i * nx + x]!, ny, (i, v) => { d[i * nx + x] = v; }, (i) => d[i * nx + x]!, u);
  }
  return d;
}

/** Mesh geometry for an image (meshes larger than the image shrink to it). */
export function meshGeometry(width: number, height: number, opts: BackgroundOptions = {}): { bw: number; bh: number; nx: number; ny: number } {
  const ms = opts.meshSize ?? 64;
  const [bw0, bh0] = Array.isArray(ms) ? ms : [ms, ms];
  const bw = Math.max(1, Math.min(bw0, width));
  const bh = Math.max(1, Math.min(bh0, height));
  return { bw, bh, nx: Math.floor((width - 1) / bw) + 1, ny: Math.floor((height - 1) / bh) + 1 };
}

/** Raw mesh background and σ (before filling and filtering) for mesh rows j0..j1−1. */
export function meshRows(
  data: Float32Array, width: number, height: number, opts: BackgroundOptions, j0: number, j1: number,
): { back: Float32Array; sigma: Float32Array } {
  const { bw, bh, nx } = meshGeometry(width, height, opts);
  const back = new Float32Array((j1 - j0) * nx);
  const sigma = new Float32Array((j1 - j0) * nx);
  const pearson = opts.pearson ?? 2.5;
  const scratch = new Int32Array(4096); // QUANTIF_NMAXLEVELS: one histogram buffer for all meshes
  const sums = new Float64Array(3 * 4097); // and one set of prefix sums
  for (let j = j0; j < j1; j++) {
    const y0 = j * bh;
    const y1 = Math.min(height, y0 + bh);
    for (let i = 0; i < nx; i++) {
      const x0 = i * bw;
      const x1 = Math.min(width, x0 + bw);
      const st = meshStats(data, width, x0, y0, x1, y1, opts.mask, opts.minGoodFrac ?? 0.5, scratch);
      const r = histogramMode(st, pearson, sums);
      back[(j - j0) * nx + i] = r.back;
      sigma[(j - j0) * nx + i] = r.sigma;
    }
  }
  return { back, sigma };
}

/**
 * Computes the mesh grid model of the background of `data` (width × height). `grid` may carry the raw mesh
 * values already computed (e.g. by worker threads with meshRows).
 */
export function makeBackground(
  data: Float32Array, width: number, height: number, opts: BackgroundOptions = {},
  grid?: { back: Float32Array; sigma: Float32Array },
): BackgroundModel {
  if (data.length !== width * height) throw new RangeError(`background: data length ${data.length} ≠ ${width}×${height}`);
  const { bw, bh, nx, ny } = meshGeometry(width, height, opts);
  const fs = opts.filterSize ?? 3;
  const [fw, fh] = Array.isArray(fs) ? fs : [fs, fs];
  const g = grid ?? meshRows(data, width, height, opts, 0, ny);
  const back = Float32Array.from(g.back);
  const sigma = Float32Array.from(g.sigma);
  // Bad meshes: average of the nearest valid meshes (ties averaged); none valid → back 0, σ 1.
  let nBad = 0;
  const back2 = Float32Array.from(back);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      if (back[k]! > -BIG) continue;
      nBad++;
      let dmin = Infinity;
      let val = 0;
      let sval = 0;
      let nmin = 0;
      for (let jj = 0; jj < ny; jj++) {
        for (let ii = 0; ii < nx; ii++) {
          const kk = jj * nx + ii;
          if (back[kk]! <= -BIG) continue;
          const d = (ii - i) ** 2 + (jj - j) ** 2;
          if (d < dmin) { dmin = d; val = back[kk]!; sval = sigma[kk]!; nmin = 1; }
          else if (d === dmin) { val += back[kk]!; sval += sigma[kk]!; nmin++; }
        }
      }
      back2[k] = nmin ? val / nmin : 0;
      sigma[k] = nmin ? sval / nmin : 1;
    }
  }
  back.set(back2);
  // Median filter of the mesh grid (SExtractor/SEP filterback).
  if (fw > 1 || fh > 1) {
    const b2 = new Float32Array(nx * ny);
    const s2 = new Float32Array(nx * ny);
    const bm: number[] = [];
    const sm: number[] = [];
    const thr = opts.filterThresh ?? 0;
    const hw = Math.floor(fw / 2);
    const hh = Math.floor(fh / 2);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        bm.length = 0;
        sm.length = 0;
        // The window shrinks symmetrically at the grid edges (SExtractor back.c filterback).
        const hj = Math.min(hh, j, ny - 1 - j);
        const hi = Math.min(hw, i, nx - 1 - i);
        for (let dj = -hj; dj <= hj; dj++) {
          const y = j + dj;
          for (let di = -hi; di <= hi; di++) {
            const x = i + di;
            bm.push(back[y * nx + x]!);
            sm.push(sigma[y * nx + x]!);
          }
        }
        const k = j * nx + i;
        const med = medianOf(bm);
        if (Math.abs(med - back[k]!) >= thr) {
          b2[k] = med;
          s2[k] = medianOf(sm);
        } else {
          b2[k] = back[k]!;
          s2[k] = sigma[k]!;
        }
      }
    }
    back.set(b2);
    sigma.set(s2);
  }
  const globalBack = medianOf(back);
  let globalRms = medianOf(sigma);
  if (!(globalRms > 0)) {
    const pos = Array.from(sigma).filter((v) => v > 0);
    globalRms = pos.length ? medianOf(pos) : 1;
  }
  return {
    width, height, bw, bh, nx, ny, back, sigma,
    dback: splineY(back, nx, ny), dsigma: splineY(sigma, nx, ny),
    globalBack, globalRms, nBadMeshes: nBad,
  };
}

/** Reusable scratch for row interpolation (with the per-column node index and offset, which do not depend on y). */
export interface RowScratch { node: Float32Array; dnode: Float32Array; u: Float32Array; xl?: Int32Array; dx?: Float32Array }
export function rowScratch(model: BackgroundModel): RowScratch {
  const n = Math.max(1, model.nx);
  const sc: RowScratch = { node: new Float32Array(n), dnode: new Float32Array(n), u: new Float32Array(n) };
  if (model.nx >= 2) {
    const { bw, nx, width } = model;
    const xl = new Int32Array(width), dx = new Float32Array(width);
    const xstep = f32(1 / bw);
    const half = Math.floor(bw / 2);
    for (let x = 0; x < width; x++) {
      // interval: switch to the next node pair at the mid-point between nodes (as SEP), extrapolate outside
      let l = Math.floor((x - half) / bw);
      if (l < 0) l = 0;
      else if (l > nx - 2) l = nx - 2;
      xl[x] = l;
      dx[x] = f32((x + 0.5) * xstep - 0.5 - l);
    }
    sc.xl = xl; sc.dx = dx;
  }
  return sc;
}

/** Spline coefficients of one row of nodes (splineCoeffs on contiguous arrays, without closures). */
function splineRow(node: Float32Array, dnode: Float32Array, u: Float32Array, n: number): void {
  dnode[0] = 0;
  u[0] = 0;
  for (let i = 1; i < n - 1; i++) {
    let t = f32(-1 / (dnode[i - 1]! + 4));
    dnode[i] = t;
    t = f32(t * f32(u[i - 1]! - 6 * f32(node[i + 1]! + node[i - 1]! - 2 * node[i]!)));
    u[i] = t;
  }
  dnode[n - 1] = 0;
  for (let i = n - 2; i >= 1; i--) dnode[i] = f32((dnode[i]! * dnode[i + 1]! + u[i]!) / 6);
}

/**
 * Writes row y of the interpolated map (`which` = 'back' or 'rms') into out[0..width). Node i sits at
 * x = (i + ½)·bw − ½ along x and y = (i + ½)·bh along y (SExtractor's conventions), with cubic
 * extrapolation beyond the outer nodes.
 */
export function mapRow(
  model: BackgroundModel, which: 'back' | 'rms', y: number, out: Float32Array, scratch = rowScratch(model),
): void {
  const { nx, ny, bh, width } = model;
  const vals = which === 'back' ? model.back : model.sigma;
  const dvals = which === 'back' ? model.dback : model.dsigma;
  const { node, dnode, u } = scratch;
  if (ny > 1) {
    let dy = f32(f32(y / bh) - 0.5);
    let yl = Math.trunc(dy);
    dy = f32(dy - yl);
    if (yl < 0) { yl = 0; dy = f32(dy - 1); }
    else if (yl >= ny - 1) { yl = ny - 2; dy = f32(dy + 1); }
    const cdy = f32(1 - dy);
    const dy3 = f32(dy * dy * dy - dy);
    const cdy3 = f32(cdy * cdy * cdy - cdy);
    const lo = yl * nx;
    const hi = lo + nx;
    for (let x = 0; x < nx; x++) {
      node[x] = cdy * vals[lo + x]! + dy * vals[hi + x]! + cdy3 * dvals[lo + x]! + dy3 * dvals[hi + x]!;
    }
    if (nx > 1) splineRow(node, dnode, u, nx);
  } else {
    for (let x = 0; x < nx; x++) { node[x] = vals[x]!; dnode[x] = dvals[x]!; }
  }
  if (nx < 2) {
    out.fill(node[0]!, 0, width);
    return;
  }
  const xlA = scratch.xl ?? rowScratch(model).xl!, dxA = scratch.dx ?? rowScratch(model).dx!;
  for (let x = 0; x < width; x++) {
    const xl = xlA[x]!;
    const dx = dxA[x]!;
    const cdx = 1 - dx;
    out[x] = cdx * (node[xl]! + (cdx * cdx - 1) * dnode[xl]!) + dx * (node[xl + 1]! + (dx * dx - 1) * dnode[xl + 1]!);
  }
}

/** Full-resolution map (one float32 image). */
export function backgroundMap(model: BackgroundModel, which: 'back' | 'rms' = 'back'): Float32Array {
  const out = new Float32Array(model.width * model.height);
  const sc = rowScratch(model);
  for (let y = 0; y < model.height; y++) mapRow(model, which, y, out.subarray(y * model.width, (y + 1) * model.width), sc);
  return out;
}
