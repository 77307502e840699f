// Multi-threshold deblending (SExtractor/SEP src/deblend.c; Bertin & Arnouts 1996 §4; astro-reference §A.5).
// Thresholds t_k = t₀·(p/t₀)^(k/N), k = 1…N−1. Each level re-segments its parent's pixels above t_k
// (8-connected, ≥ minarea) to build a tree. A node's children that carry Σ(I − t_k) > mincont·F_root
// are "significant"; a node with ≥ 2 significant children is split into them, top-down, as in SEP
// deblend.c. Pixels below the split levels are then
// given to the object whose elliptical-Gaussian model (amplitude t₀·exp(npix/(2π·a·b)), capped at 4×peak)
// is largest there — SExtractor draws this at random; we take the maximum, which is deterministic
// (as SEP ≥ 1.3 does with deblend_fwhm).

import { subComponents } from './label.ts';
import { lutzChainOrder } from './lutz.ts';

export interface DeblendOptions {
  nthresh: number; mincont: number;
  /** DETECT_MINAREA (the pieces of the tree need min(minarea, MAXDEBAREA) pixels) */ minarea: number;
  maxNodes?: number;
  /** when set, deblendComponents also selects each object's CLEAN `mthresh` with this minarea */
  cleanMinArea?: number;
}

export interface DeblendResult {
  /** positions (into the object's pixel list) of each output object; a single group if not split */
  groups: Int32Array[];
  overflow: boolean;
  /** when split: each object's own pixels above its split level, and the leftover pixels with their
   *  assignment probabilities */
  core?: Int32Array[];
  soft?: { pos: Int32Array; w: Float32Array }[];
}

/** SExtractor define.h MAXDEBAREA: the largest minimum area of a branch of the deblending tree. */
export const MAXDEBAREA = 3;

/**
 * Minimum area of a piece at a deblending level: min(DETECT_MINAREA, MAXDEBAREA) — SExtractor prefs.c
 * `deb_maxarea`, used by the sub-extraction in lutz.c (SEP lutz.c likewise), not DETECT_MINAREA itself.
 */
export function deblendMinArea(minarea: number): number {
  return minarea < MAXDEBAREA ? minarea : MAXDEBAREA;
}

/** A piece of the deblending tree: pixels (positions into the object) above its level `t`. */
class Node {
  children: Node[] = [];
  /** all descendants unsplit (set during pruning) */
  unsplit = true;
  constructor(readonly members: Int32Array, readonly t: number, readonly ok: boolean) {}
}

// Per-thread scratch (each worker has its own module instance): local coordinates and the bounding-box grid
// of the object being deblended, grown as needed, so that the ~10⁴ small objects of an image allocate nothing.
let sLx = new Int32Array(256), sLy = new Int32Array(256), sGrid = new Int32Array(1024), sStamp = new Int32Array(256);
let gW = 0, gH = 0;

/** Fills the scratch local coordinates and grid (position or −1) for the object's bounding box. */
function localGrid(pix: Int32Array, w: number): void {
  const n = pix.length;
  if (sLx.length < n) { sLx = new Int32Array(2 * n); sLy = new Int32Array(2 * n); sStamp = new Int32Array(2 * n); }
  let x0 = Infinity, x1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = pix[i]! % w;
    sLx[i] = x;
    sLy[i] = (pix[i]! - x) / w;
    if (x < x0) x0 = x; if (x > x1) x1 = x;
  }
  const y0 = sLy[0]!; // raster order
  gW = x1 - x0 + 1;
  gH = sLy[n - 1]! - y0 + 1;
  const area = gW * gH;
  if (sGrid.length < area) sGrid = new Int32Array(2 * area);
  sGrid.fill(-1, 0, area);
  for (let i = 0; i < n; i++) { sLx[i]! -= x0; sLy[i]! -= y0; sGrid[sLy[i]! * gW + sLx[i]!] = i; }
}

/**
 * The second-highest local maximum of the object (8-neighbour, strict), or −∞ with fewer than two. Every
 * piece above a sub-threshold contains a local maximum of the object (its brightest pixel), so an object
 * with a single local maximum can never split, and no level above the second maximum holds two pieces.
 */
function secondMaximum(val: Float32Array, n: number): number {
  let nmax = 0;
  let m1 = -Infinity, m2 = -Infinity;
  const lx = sLx, ly = sLy, grid = sGrid, gw = gW, gh = gH;
  for (let i = 0; i < n; i++) {
    const v = val[i]!;
    let isMax = true;
    for (let dy = -1; dy <= 1 && isMax; dy++) {
      const yy = ly[i]! + dy;
      if (yy < 0 || yy >= gh) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = lx[i]! + dx;
        if (xx < 0 || xx >= gw || (dx === 0 && dy === 0)) continue;
        const q = grid[yy * gw + xx]!;
        if (q >= 0 && val[q]! > v) { isMax = false; break; }
      }
    }
    if (isMax) {
      nmax++;
      if (v > m1) { m2 = m1; m1 = v; } else if (v > m2) m2 = v;
    }
  }
  return nmax < 2 ? -Infinity : m2;
}

/**
 * Builds the tree level by level for t_k < m2 (levels above cannot split). Returns the levels (root first),
 * or null when a level holds more than maxNodes pieces (deblending overflow).
 */
function buildTree(val: Float32Array, n: number, t0: number, peak: number, m2: number, value0: number, debArea: number, opts: DeblendOptions): Node[][] | null {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const root = new Node(all, t0, true);
  const levels: Node[][] = [[root]];
  let level: Node[] = [root];
  let stampVal = 0;
  const stamp = sStamp;
  stamp.fill(0, 0, n);
  const N = opts.nthresh;
  const maxNodes = opts.maxNodes ?? 1024;
  for (let k = 1; k < N && level.length; k++) {
    const t = t0 * Math.pow(peak / t0, k / N);
    if (!(t < m2)) break;
    const next: Node[] = [];
    for (const parent of level) {
      stampVal++;
      const comps = subComponents(parent.members, val, t, debArea, sGrid, gW, gH, sLx, sLy, stamp, stampVal);
      // SExtractor lists the pieces of a level in the order its Lutz sub-scan completes them: by their last
      // pixel in raster order (positions are raster-ordered). This fixes the order of the output objects.
      if (comps.length > 1) comps.sort((p, q) => p[p.length - 1]! - q[q.length - 1]!);
      for (const c of comps) {
        let f = 0;
        for (let i = 0; i < c.length; i++) f += val[c[i]!]! - t;
        const node = new Node(c, t, f > value0);
        parent.children.push(node);
        next.push(node);
      }
    }
    if (next.length > maxNodes) return null;
    if (next.length) levels.push(next);
    level = next;
  }
  return levels;
}

/**
 * Top-down pruning (SEP deblend.c): walking levels from the top, a node with ≥ 2 significant sons
 * releases those significant sons that were not split themselves; a node is "unsplit" only if all its
 * descendants are. Returns the released nodes in SExtractor's order (highest level first).
 */
function pruneTree(levels: Node[][]): Node[] {
  const objs: Node[] = [];
  for (let k = levels.length - 1; k >= 0; k--) {
    for (const nd of levels[k]!) {
      let ok = true;
      let m = 0;
      for (const c of nd.children) { if (c.ok) m++; ok = ok && c.unsplit; }
      if (m > 1) {
        for (const c of nd.children) if (c.ok && c.unsplit) objs.push(c);
        ok = false;
      }
      nd.unsplit = ok;
    }
  }
  return levels[0]![0]!.unsplit ? [] : objs;
}

/**
 * Gather-up: each leftover pixel goes to the object whose elliptical-Gaussian model is largest there
 * (SExtractor draws the owner at random with these probabilities; `soft` keeps them so that the moments of
 * each object are the expectation over SExtractor's draw).
 */
function gatherUp(val: Float32Array, n: number, t0: number, objs: Node[]): DeblendResult {
  const lx = sLx, ly = sLy;
  const nobj = objs.length;
  const owner = new Int32Array(n).fill(-1);
  const mx = new Float64Array(nobj), my = new Float64Array(nobj), mcxx = new Float64Array(nobj);
  const mcyy = new Float64Array(nobj), mcxy = new Float64Array(nobj), logAmp = new Float64Array(nobj);
  for (let j = 0; j < nobj; j++) {
    const members = objs[j]!.members;
    let s = 0, sx = 0, sy = 0, pk = -Infinity;
    for (let i = 0; i < members.length; i++) {
      const p = members[i]!;
      owner[p] = j;
      const v = val[p]!;
      s += v; sx += v * lx[p]!; sy += v * ly[p]!;
      if (v > pk) pk = v;
    }
    const cx = sx / s, cy = sy / s;
    let x2 = 0, y2 = 0, xy = 0;
    for (let i = 0; i < members.length; i++) {
      const p = members[i]!;
      const v = val[p]!;
      const dx = lx[p]! - cx, dy = ly[p]! - cy;
      x2 += v * dx * dx; y2 += v * dy * dy; xy += v * dx * dy;
    }
    x2 /= s; y2 /= s; xy /= s;
    if (x2 * y2 - xy * xy < 1 / 144) { x2 += 1 / 12; y2 += 1 / 12; }
    const det = x2 * y2 - xy * xy;
    const ab = Math.sqrt(det); // a·b
    mx[j] = cx; my[j] = cy; mcxx[j] = y2 / det; mcyy[j] = x2 / det; mcxy[j] = (-2 * xy) / det;
    logAmp[j] = Math.min(Math.log(t0) + members.length / (2 * Math.PI * ab), Math.log(4 * pk));
  }
  const softPos: number[][] = objs.map(() => []);
  const softW: number[][] = objs.map(() => []);
  const sc = new Float64Array(nobj);
  for (let p = 0; p < n; p++) {
    if (owner[p]! >= 0) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let j = 0; j < nobj; j++) {
      const dx = lx[p]! - mx[j]!;
      const dy = ly[p]! - my[j]!;
      const r2 = mcxx[j]! * dx * dx + mcyy[j]! * dy * dy + mcxy[j]! * dx * dy;
      sc[j] = logAmp[j]! - 0.5 * r2;
      if (sc[j]! > bestScore) { bestScore = sc[j]!; best = j; }
    }
    owner[p] = best;
    let z = 0;
    for (let j = 0; j < nobj; j++) { sc[j] = Math.exp(sc[j]! - bestScore); z += sc[j]!; }
    for (let j = 0; j < nobj; j++) {
      const pr = sc[j]! / z;
      if (pr > 1e-4) { softPos[j]!.push(p); softW[j]!.push(pr); }
    }
  }
  const counts = new Int32Array(nobj);
  for (let p = 0; p < n; p++) counts[owner[p]!]!++;
  const groups = objs.map((_, j) => new Int32Array(counts[j]!));
  counts.fill(0);
  for (let p = 0; p < n; p++) { const j = owner[p]!; groups[j]![counts[j]!++] = p; }
  const soft = objs.map((_, j) => ({ pos: Int32Array.from(softPos[j]!), w: Float32Array.from(softW[j]!) }));
  return { groups, overflow: false, core: objs.map((o) => o.members), soft };
}

/**
 * Deblending of one object, or null when it stays whole ('overflow' when a level had too many pieces).
 * `pix`: pixel indices (y·w + x, raster order), `val`: detection values above the threshold t0.
 */
export function deblendSplit(
  pix: Int32Array, val: Float32Array, w: number, t0: number, opts: DeblendOptions,
): DeblendResult | null | 'overflow' {
  const n = pix.length;
  const debArea = deblendMinArea(opts.minarea);
  if (opts.mincont >= 1 || n < 2 * debArea || opts.nthresh < 2) return null;
  let peak = -Infinity;
  let froot = 0;
  for (let i = 0; i < n; i++) { const v = val[i]!; if (v > peak) peak = v; froot += v; }
  if (!(peak > t0) || !(t0 > 0)) return null;
  localGrid(pix, w);
  const m2 = secondMaximum(val, n);
  if (m2 === -Infinity) return null;
  const levels = buildTree(val, n, t0, peak, m2, opts.mincont * froot, debArea, opts);
  if (!levels) return 'overflow';
  const objs = pruneTree(levels);
  if (objs.length < 2) return null;
  return gatherUp(val, n, t0, objs);
}

/**
 * Deblends one object given its pixel indices `pix` (y·w + x) and detection values `val` above the
 * detection threshold t0.
 */
export function deblendObject(
  pix: Int32Array, val: Float32Array, w: number, t0: number, opts: DeblendOptions,
): DeblendResult {
  const r = deblendSplit(pix, val, w, t0, opts);
  if (r && r !== 'overflow') return r;
  const all = new Int32Array(pix.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  return { groups: [all], overflow: r === 'overflow' };
}

/**
 * Each output object's pixels in SExtractor's pixel-list order, as positions into the object's `pix`:
 * an undeblended object in the order of the Lutz scan; a deblended one as SExtractor's gatherup builds it,
 * its own pixels in the order of the Lutz sub-scan that found them, then the leftover pixels it was given,
 * in the order of the parent's list (SExtractor deblend.c, `lutz` and `gatherup`).
 */
export function pixelListOrder(pix: Int32Array, w: number, r: DeblendResult): Int32Array[] {
  const root = lutzChainOrder(pix, w);
  if (r.groups.length === 1 || !r.core) return [root];
  const n = pix.length;
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[root[i]!] = i;
  const isCore = new Uint8Array(n);
  return r.groups.map((g, j) => {
    const core = r.core![j]!;
    const cpix = new Int32Array(core.length);
    for (let i = 0; i < core.length; i++) { cpix[i] = pix[core[i]!]!; isCore[core[i]!] = 1; }
    const corder = lutzChainOrder(cpix, w);
    const leftover: number[] = [];
    for (const p of g) if (!isCore[p]) leftover.push(p);
    leftover.sort((a, b) => rank[a]! - rank[b]!);
    for (let i = 0; i < core.length; i++) isCore[core[i]!] = 0;
    // positions into the group g (g is ascending, so binary-search each pixel position)
    const out = new Int32Array(g.length);
    const at = (p: number) => { let lo = 0, hi = g.length - 1; while (lo < hi) { const mid = (lo + hi) >> 1; if (g[mid]! < p) lo = mid + 1; else hi = mid; } return lo; };
    let k = 0;
    for (let i = 0; i < corder.length; i++) out[k++] = at(core[corder[i]!]!);
    for (const p of leftover) out[k++] = at(p);
    return out;
  });
}

