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
}

class GrowI32 {
  a: Int32Array;
  n = 0;
  constructor(cap: number) { this.a = new Int32Array(Math.max(16, cap)); }
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Int32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
}
class GrowF32 {
  a: Float32Array;
  n = 0;
  constructor(cap: number) { this.a = new Float32Array(Math.max(16, cap)); }
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Float32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
}

/**
 * Scans rows 0..h−1: `rowFn(y, out)` writes the detection values of row y; pixels with value > T are "on".
 * `seg` (w·h, zero-filled) receives component ids 1..n (0 = sky) for components with ≥ minarea pixels.
 */
export function scanComponents(
  w: number, h: number, rowFn: (y: number, out: Float32Array) => void, T: number, minarea: number,
  seg: Int32Array,
): Components {
  const row = new Float32Array(w);
  let parent = new Int32Array(1024);
  let nlab = 0;
  const onIdx = new GrowI32((w * h) >> 5);
  const onVal = new GrowF32((w * h) >> 5);
  const find = (a: number): number => {
    let r = a;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[a] !== r) { const nx = parent[a]!; parent[a] = r; a = nx; }
    return r;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    if (ra < rb) { parent[rb] = ra; return ra; }
    parent[ra] = rb;
    return rb;
  };
  for (let y = 0; y < h; y++) {
    rowFn(y, row);
    const base = y * w;
    const prev = base - w;
    for (let x = 0; x < w; x++) {
      const v = row[x]!;
      if (!(v > T)) continue;
      const k = base + x;
      // neighbours already visited: W, NW, N, NE (labels stored as label + 1)
      let lab = -1;
      if (x > 0 && seg[k - 1]! > 0) lab = seg[k - 1]! - 1;
      if (y > 0) {
        if (x > 0 && seg[prev + x - 1]! > 0) { const l = seg[prev + x - 1]! - 1; lab = lab < 0 ? l : union(lab, l); }
        if (seg[prev + x]! > 0) { const l = seg[prev + x]! - 1; lab = lab < 0 ? l : union(lab, l); }
        if (x < w - 1 && seg[prev + x + 1]! > 0) { const l = seg[prev + x + 1]! - 1; lab = lab < 0 ? l : union(lab, l); }
      }
      if (lab < 0) {
        if (nlab === parent.length) { const b = new Int32Array(parent.length * 2); b.set(parent); parent = b; }
        parent[nlab] = nlab;
        lab = nlab++;
      }
      seg[k] = lab + 1;
      onIdx.push(k);
      onVal.push(v);
    }
  }
  // Resolve roots and sizes.
  const size = new Int32Array(nlab);
  const pix = onIdx.a;
  const npon = onIdx.n;
  for (let i = 0; i < npon; i++) {
    const r = find(seg[pix[i]!]! - 1);
    seg[pix[i]!] = r + 1;
    size[r]!++;
  }
  const id = new Int32Array(nlab).fill(-1);
  let n = 0;
  for (let r = 0; r < nlab; r++) if (parent[r] === r && size[r]! >= minarea) id[r] = n++;
  const start = new Int32Array(n + 1);
  for (let r = 0; r < nlab; r++) if (id[r]! >= 0) start[id[r]! + 1] = size[r]!;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const outPix = new Int32Array(start[n]!);
  const outVal = new Float32Array(start[n]!);
  for (let i = 0; i < npon; i++) {
    const k = pix[i]!;
    const c = id[seg[k]! - 1]!;
    if (c < 0) { seg[k] = 0; continue; }
    const p = fill[c]!++;
    outPix[p] = k;
    outVal[p] = onVal.a[i]!;
    seg[k] = c + 1;
  }
  return { n, start, pix: outPix, val: outVal };
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
