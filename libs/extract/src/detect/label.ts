import { detectionRow, type DetectionSpec } from './filter.ts';
// Thresholding and 8-connected labelling (astro-reference §A.4). SExtractor/SEP use Lutz's one-pass
// algorithm; here a raster scan with union–find over provisional labels gives the same components
// (8-connectivity), followed by the DETECT_MINAREA cut.

export interface Components {
  /** number of components kept (npix ≥ minarea) */
  n: number;
  /** CSR offsets into pix/val, length n + 1 */
  start: Int32Array;
  /** pixel indices y·w + x, raster order within each component */
  pix: Int32Array;
  /** detection value of each pixel (filtered image or S/N) */
  val: Float32Array;
  /**
   * With a weight map (DetectionSpec.snr): `val` holds filtered fluxes and sigMin[c] the smallest filtered σ
   * over component c, so its threshold in flux units is T·sigMin[c] (SExtractor's per-object dthresh).
   */
  sigMin?: Float32Array;
}

/** Union–find root with path compression. */
function rootOf(parent: Int32Array, a: number): number {
  let r = a;
  while (parent[r] !== r) r = parent[r]!;
  while (parent[a] !== r) { const nx = parent[a]!; parent[a] = r; a = nx; }
  return r;
}

/** Unites the sets of a and b; the smaller root (the earlier label) becomes the root. Returns it. */
function unite(parent: Int32Array, a: number, b: number): number {
  const ra = rootOf(parent, a);
  const rb = rootOf(parent, b);
  if (ra === rb) return ra;
  if (ra < rb) { parent[rb] = ra; return ra; }
  parent[ra] = rb;
  return rb;
}

/**
 * Scans rows 0..h−1: `rowFn(y, out)` writes the detection values of row y; pixels with value > T are "on".
 * Returns the components with ≥ minarea pixels (ids 0..n−1 in order of their first pixel).
 */
export function scanComponents(
  w: number, h: number, rowFn: (y: number, out: Float32Array) => void, T: number, minarea: number,
): Components {
  return mergeBands(w, [labelBand(w, 0, h, rowFn, T)], minarea);
}

/** Provisional labels of the rows [y0, y1) of an image (see labelBand). */
export interface Band {
  y0: number; y1: number;
  /** number of provisional labels and their union–find parents (local to the band) */
  nlab: number; parent: Int32Array;
  /** on pixels (y·w + x, raster order), their detection values and provisional labels */
  on: Int32Array; val: Float32Array; lab: Int32Array;
  /** with DetectionSpec.snr: each on pixel's filtered σ (the values are then filtered fluxes) */
  sig?: Float32Array;
}

/**
 * Labels rows [y0, y1) on their own: a raster union–find over provisional labels, 8-connected within the
 * band (the row above y0 is not looked at). Only two rows of labels are held (the previous and the current
 * one), so labelling needs no full-size label image. Bands of one image can be labelled independently (in
 * parallel) and joined by mergeBands.
 */
export function labelBand(
  w: number, y0: number, y1: number, rows: ((y: number, out: Float32Array) => void) | DetectionSpec, T: number,
): Band {
  const row = new Float32Array(w);
  // label + 1 of each pixel of the previous and the current row (0 = off)
  let prevLab = new Int32Array(w);
  let curLab = new Int32Array(w);
  let parent = new Int32Array(1024);
  let nlab = 0;
  // on-pixel lists, grown by doubling (written inline: a method call per pixel would box the values)
  let cap = Math.max(1024, (w * (y1 - y0)) >> 5);
  let onIdx = new Int32Array(cap);
  let onVal = new Float32Array(cap);
  let onLab = new Int32Array(cap);
  let non = 0;
  // a spec, not a closure, in the hot path: a new closure per band would make V8 deoptimize the loop
  const spec = typeof rows === 'function' ? null : rows;
  const rowFn = typeof rows === 'function' ? rows : null;
  // weight map: label on S/N (row) but keep the filtered flux and σ (SExtractor's cdvalue and dthresh)
  const keep = !!spec && spec.snr && spec.filter !== 'matched';
  const fluxRow = keep ? new Float32Array(w) : null, sigRow = keep ? new Float32Array(w) : null;
  let onSig = keep ? new Float32Array(cap) : null;
  for (let y = y0; y < y1; y++) {
    if (spec) detectionRow(spec, y, row, fluxRow ?? undefined, sigRow ?? undefined); else rowFn!(y, row);
    const base = y * w;
    for (let x = 0; x < w; x++) {
      const v = row[x]!;
      if (!(v > T)) { curLab[x] = 0; continue; }
      // neighbours already visited: W, NW, N, NE (prevLab is all zero on the band's first row)
      let lab = -1;
      if (x > 0 && curLab[x - 1]! > 0) lab = curLab[x - 1]! - 1;
      if (x > 0 && prevLab[x - 1]! > 0) { const l = prevLab[x - 1]! - 1; lab = lab < 0 ? l : unite(parent, lab, l); }
      if (prevLab[x]! > 0) { const l = prevLab[x]! - 1; lab = lab < 0 ? l : unite(parent, lab, l); }
      if (x < w - 1 && prevLab[x + 1]! > 0) { const l = prevLab[x + 1]! - 1; lab = lab < 0 ? l : unite(parent, lab, l); }
      if (lab < 0) {
        if (nlab === parent.length) { const b = new Int32Array(parent.length * 2); b.set(parent); parent = b; }
        parent[nlab] = nlab;
        lab = nlab++;
      }
      curLab[x] = lab + 1;
      if (non === cap) {
        cap *= 2;
        const a = new Int32Array(cap); a.set(onIdx); onIdx = a;
        const b = new Float32Array(cap); b.set(onVal); onVal = b;
        const c = new Int32Array(cap); c.set(onLab); onLab = c;
        if (onSig) { const d = new Float32Array(cap); d.set(onSig); onSig = d; }
      }
      onIdx[non] = base + x;
      if (onSig) { onVal[non] = fluxRow![x]!; onSig[non] = sigRow![x]!; } else onVal[non] = v;
      onLab[non++] = lab;
    }
    const t = prevLab; prevLab = curLab; curLab = t;
  }
  return { y0, y1, nlab, parent: parent.slice(0, nlab), on: onIdx.slice(0, non), val: onVal.slice(0, non), lab: onLab.slice(0, non), ...(onSig ? { sig: onSig.slice(0, non) } : {}) };
}

/**
 * Joins consecutive bands (in row order, covering the rows they were labelled for) into components:
 * provisional labels are offset band by band, the pixels of each band's first row are united with their
 * NW/N/NE neighbours in the last row of the band above, then roots (the smallest label of a component, i.e.
 * that of its first pixel in raster order), sizes and the DETECT_MINAREA cut are resolved as in a single
 * pass. The result does not depend on how the rows were cut into bands. The bands are consumed: their
 * arrays are released as they are copied out. `alloc` allocates the output arrays (SharedArrayBuffers for
 * worker threads).
 */
export function mergeBands(
  w: number, bands: Band[], minarea: number,
  alloc: { i32: (n: number) => Int32Array; f32: (n: number) => Float32Array } = { i32: (n) => new Int32Array(n), f32: (n) => new Float32Array(n) },
): Components {
  let nlab = 0;
  const offs = bands.map((b) => { const o = nlab; nlab += b.nlab; return o; });
  const parent = new Int32Array(nlab);
  bands.forEach((b, i) => { const o = offs[i]!; for (let l = 0; l < b.nlab; l++) parent[o + l] = b.parent[l]! + o; });
  const find = (a: number): number => {
    let r = a;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[a] !== r) { const nx = parent[a]!; parent[a] = r; a = nx; }
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a), rb = find(b);
    if (ra < rb) parent[rb] = ra; else if (rb < ra) parent[ra] = rb;
  };
  // Band seams: global label (+1) of each pixel of the last row of the band above, then the first row's
  // pixels of the band below are united with their NW/N/NE neighbours there.
  const above = new Int32Array(w);
  for (let bi = 1; bi < bands.length; bi++) {
    const b = bands[bi]!, up = bands[bi - 1]!;
    if (up.y1 !== b.y0 || b.y0 === 0) continue;
    const rowStart = b.y0 * w, rowEnd = rowStart + w, prev = rowStart - w;
    const o = offs[bi]!, oa = offs[bi - 1]!;
    let first = up.on.length;
    while (first > 0 && up.on[first - 1]! >= prev) first--;
    for (let i = first; i < up.on.length; i++) above[up.on[i]! - prev] = up.lab[i]! + oa + 1;
    for (let i = 0; i < b.on.length; i++) {
      const k = b.on[i]!;
      if (k >= rowEnd) break;
      const x = k - rowStart;
      const me = b.lab[i]! + o;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= w) continue;
        const s = above[xx]!;
        if (s > 0) union(me, s - 1);
      }
    }
    for (let i = first; i < up.on.length; i++) above[up.on[i]! - prev] = 0;
  }
  // Resolve roots and sizes; each band's labels become global roots.
  const size = new Int32Array(nlab);
  bands.forEach((b, bi) => {
    const o = offs[bi]!;
    const lab = b.lab;
    for (let i = 0; i < lab.length; i++) {
      const r = find(lab[i]! + o);
      lab[i] = r;
      size[r]!++;
    }
  });
  const id = new Int32Array(nlab).fill(-1);
  let n = 0;
  for (let r = 0; r < nlab; r++) if (parent[r] === r && size[r]! >= minarea) id[r] = n++;
  const start = new Int32Array(n + 1);
  for (let r = 0; r < nlab; r++) if (id[r]! >= 0) start[id[r]! + 1] = size[r]!;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const outPix = alloc.i32(start[n]!);
  const outVal = alloc.f32(start[n]!);
  const none32 = new Int32Array(0), noneF = new Float32Array(0);
  const sigMin = bands.some((b) => b.sig) ? new Float32Array(n).fill(Infinity) : null;
  for (const b of bands) {
    const bs = b.sig;
    for (let i = 0; i < b.on.length; i++) {
      const c = id[b.lab[i]!]!;
      if (c < 0) continue;
      const p = fill[c]!++;
      outPix[p] = b.on[i]!;
      outVal[p] = b.val[i]!;
      if (sigMin && bs && bs[i]! < sigMin[c]!) sigMin[c] = bs[i]!;
    }
    b.on = none32; b.val = noneF; b.lab = none32; b.sig = undefined; // consumed
  }
  return { n, start, pix: outPix, val: outVal, ...(sigMin ? { sigMin } : {}) };
}

/**
 * Connected components (8-connectivity) among `members` (positions 0..n−1 in an object's pixel list) whose
 * values exceed t; components with < minarea pixels are dropped. `grid` maps local (gx, gy) in the object's
 * bounding box (width gw) to a position or −1; lx/ly give each position's local coordinates.
 * `stamp` marks visited positions with `stampVal` (caller increments it per call).
 */
export function subComponents(
  members: Int32Array, vals: Float32Array, t: number, minarea: number,
  grid: Int32Array, gw: number, gh: number, lx: Int32Array, ly: Int32Array,
  stamp: Int32Array, stampVal: number,
): Int32Array[] {
  const out: Int32Array[] = [];
  const stack: number[] = [];
  const comp: number[] = [];
  for (let m = 0; m < members.length; m++) {
    const p0 = members[m]!;
    if (!(vals[p0]! > t) || stamp[p0] === stampVal) continue;
    stamp[p0] = stampVal;
    stack.length = 0;
    comp.length = 0;
    stack.push(p0);
    while (stack.length) {
      const p = stack.pop()!;
      comp.push(p);
      const x = lx[p]!;
      const y = ly[p]!;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= gh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= gw) continue;
          const q = grid[yy * gw + xx]!;
          if (q < 0 || stamp[q] === stampVal || !(vals[q]! > t)) continue;
          stamp[q] = stampVal;
          stack.push(q);
        }
      }
    }
    if (comp.length >= minarea) out.push(Int32Array.from(comp).sort());
  }
  return out;
}
