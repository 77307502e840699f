// Multi-threshold deblending (SExtractor/SEP src/deblend.c; Bertin & Arnouts 1996 §4; astro-reference §A.5).
// Thresholds t_k = t₀·(p/t₀)^(k/N), k = 1…N−1. Each level re-segments its parent's pixels above t_k
// (8-connected, ≥ minarea) to build a tree. A node's children that carry Σ(I − t_k) > mincont·F_root
// are "significant"; a node with ≥ 2 significant children is split into them, top-down, as in SEP
// deblend.c. Pixels below the split levels are then
// given to the object whose elliptical-Gaussian model (amplitude t₀·exp(npix/(2π·a·b)), capped at 4×peak)
// is largest there — SExtractor draws this at random; we take the maximum, which is deterministic
// (as SEP ≥ 1.3 does with deblend_fwhm).

import { subComponents } from './label.ts';

export interface DeblendOptions { nthresh: number; mincont: number; minarea: number; maxNodes?: number }

export interface DeblendResult {
  /** positions (into the object's pixel list) of each output object; a single group if not split */
  groups: Int32Array[];
  overflow: boolean;
  /** when split: each object's own pixels above its split level, and the leftover pixels with their
   *  assignment probabilities */
  core?: Int32Array[];
  soft?: { pos: Int32Array; w: Float32Array }[];
}

interface Node { members: Int32Array; t: number; children: Node[]; ok: boolean }

/**
 * Deblends one object given its pixel indices `pix` (y·w + x) and detection values `val` above the
 * detection threshold t0.
 */
export function deblendObject(
  pix: Int32Array, val: Float32Array, w: number, t0: number, opts: DeblendOptions,
): DeblendResult {
  const n = pix.length;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const single: DeblendResult = { groups: [all], overflow: false };
  if (opts.mincont >= 1 || n < 2 * opts.minarea || opts.nthresh < 2) return single;
  let peak = -Infinity;
  let froot = 0;
  for (let i = 0; i < n; i++) { const v = val[i]!; if (v > peak) peak = v; froot += v; }
  if (!(peak > t0) || !(t0 > 0)) return single;
  // local bounding box grid
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const lx = new Int32Array(n);
  const ly = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = pix[i]! % w;
    const y = (pix[i]! - x) / w;
    lx[i] = x; ly[i] = y;
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  const gw = x1 - x0 + 1;
  const gh = y1 - y0 + 1;
  const grid = new Int32Array(gw * gh).fill(-1);
  for (let i = 0; i < n; i++) { lx[i]! -= x0; ly[i]! -= y0; grid[ly[i]! * gw + lx[i]!] = i; }
  // Every piece above a sub-threshold contains a local maximum of the object (its brightest pixel), so an
  // object with a single local maximum can never split: skip the tree.
  let nmax = 0;
  let m1 = -Infinity, m2 = -Infinity; // two highest local maxima
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
  if (nmax < 2) return single;
  // Above the second-highest local maximum no level can hold two pieces, so no split can happen there:
  // the tree is only built for t_k < m2 (exactly equivalent, and much cheaper for one dominant peak).
  const stamp = new Int32Array(n);
  let stampVal = 0;
  const N = opts.nthresh;
  const maxNodes = opts.maxNodes ?? 1024;
  const value0 = opts.mincont * froot;
  const root: Node = { members: all, t: t0, children: [], ok: true };
  let level: Node[] = [root];
  let overflow = false;
  for (let k = 1; k < N && level.length; k++) {
    const t = t0 * Math.pow(peak / t0, k / N);
    if (!(t < m2)) break;
    const next: Node[] = [];
    for (const parent of level) {
      stampVal++;
      const comps = subComponents(parent.members, val, t, opts.minarea, grid, gw, gh, lx, ly, stamp, stampVal);
      for (const c of comps) {
        let f = 0;
        for (let i = 0; i < c.length; i++) f += val[c[i]!]! - t;
        const node: Node = { members: c, t, children: [], ok: f > value0 };
        parent.children.push(node);
        next.push(node);
      }
    }
    if (next.length > maxNodes) { overflow = true; break; }
    level = next;
  }
  if (overflow) return { groups: [all], overflow: true };
  // Top-down pruning (SEP deblend.c): walking levels from the top, a node with ≥ 2 significant sons
  // releases those significant sons that were not split themselves; a node is "unsplit" (ok) only if
  // all its descendants are.
  const levels: Node[][] = [[root]];
  for (;;) {
    const nxt = levels[levels.length - 1]!.flatMap((nd) => nd.children);
    if (!nxt.length) break;
    levels.push(nxt);
  }
  const unsplit = new Map<Node, boolean>();
  const objs: Node[] = [];
  for (let k = levels.length - 1; k >= 0; k--) {
    for (const nd of levels[k]!) {
      let ok = true;
      let m = 0;
      for (const c of nd.children) { if (c.ok) m++; ok = ok && unsplit.get(c)!; }
      if (m > 1) {
        for (const c of nd.children) if (c.ok && unsplit.get(c)) objs.push(c);
        ok = false;
      }
      unsplit.set(nd, ok);
    }
  }
  if (unsplit.get(root) || objs.length < 2) return single;
  // Gather up: each leftover pixel goes to the object with the largest model value there.
  const owner = new Int32Array(n).fill(-1);
  const model = objs.map((o, j) => {
    let s = 0, sx = 0, sy = 0, pk = -Infinity;
    for (const p of o.members) {
      owner[p] = j;
      const v = val[p]!;
      s += v; sx += v * lx[p]!; sy += v * ly[p]!;
      if (v > pk) pk = v;
    }
    const mx = sx / s;
    const my = sy / s;
    let x2 = 0, y2 = 0, xy = 0;
    for (const p of o.members) {
      const v = val[p]!;
      const dx = lx[p]! - mx;
      const dy = ly[p]! - my;
      x2 += v * dx * dx; y2 += v * dy * dy; xy += v * dx * dy;
    }
    x2 /= s; y2 /= s; xy /= s;
    if (x2 * y2 - xy * xy < 1 / 144) { x2 += 1 / 12; y2 += 1 / 12; }
    const det = x2 * y2 - xy * xy;
    const ab = Math.sqrt(det); // a·b
    const logAmp = Math.min(Math.log(t0) + o.members.length / (2 * Math.PI * ab), Math.log(4 * pk));
    return { mx, my, cxx: y2 / det, cyy: x2 / det, cxy: (-2 * xy) / det, logAmp };
  });
  // Leftover pixels: SExtractor draws the owner at random with probability ∝ model value; the segmentation
  // here takes the most probable owner, and `soft` keeps the probabilities so that the moments of each
  // object are the expectation over SExtractor's random assignment.
  const nobj = model.length;
  const core = objs.map((o) => o.members);
  const softPos: number[][] = objs.map(() => []);
  const softW: number[][] = objs.map(() => []);
  const sc = new Float64Array(nobj);
  for (let p = 0; p < n; p++) {
    if (owner[p]! >= 0) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let j = 0; j < nobj; j++) {
      const m = model[j]!;
      const dx = lx[p]! - m.mx;
      const dy = ly[p]! - m.my;
      const r2 = m.cxx * dx * dx + m.cyy * dy * dy + m.cxy * dx * dy;
      sc[j] = m.logAmp - 0.5 * r2;
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
  const counts = new Int32Array(objs.length);
  for (let p = 0; p < n; p++) counts[owner[p]!]!++;
  const groups = objs.map((_, j) => new Int32Array(counts[j]!));
  counts.fill(0);
  for (let p = 0; p < n; p++) { const j = owner[p]!; groups[j]![counts[j]!++] = p; }
  const soft = objs.map((_, j) => ({ pos: Int32Array.from(softPos[j]!), w: Float32Array.from(softW[j]!) }));
  return { groups, overflow: false, core, soft };
}
