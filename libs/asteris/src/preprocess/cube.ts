// The exposure cube: N frames of one pointing/filter on one pixel grid, data[t*H*W + y*W + x].
// Missing voxels are NaN inside this library (an explicit mask); the reference's "0 = missing"
// sentinel (asteris-method.md §1.2) is applied only on input, for parity.
import { AsterisError } from '../errors.ts';

export interface Cube {
  n: number;
  width: number;
  height: number;
  data: Float32Array;
}

export interface Box {
  x0: number;
  y0: number;
  /** exclusive */
  x1: number;
  y1: number;
}

export interface CubeInputOptions {
  /** treat exact 0 as missing, as the reference does (§1.2); default true */
  zeroIsMissing?: boolean;
  /** explicit per-frame validity masks (1 = valid); ANDed with finiteness */
  masks?: (Uint8Array | null)[];
}

/** Copies frames into a cube (float32), marking missing voxels NaN. Frames must share one grid. */
export function cubeFromFrames(frames: Float32Array[], width: number, height: number, opts: CubeInputOptions = {}): Cube {
  const n = frames.length;
  if (n === 0) throw new AsterisError('empty exposure stack');
  const npix = width * height;
  const zeroIsMissing = opts.zeroIsMissing ?? true;
  const data = new Float32Array(n * npix);
  for (let t = 0; t < n; t++) {
    const f = frames[t]!;
    if (f.length !== npix) throw new AsterisError(`exposure ${t} has ${f.length} pixels, expected ${width}×${height}`);
    const m = opts.masks?.[t] ?? null;
    if (m && m.length !== npix) throw new AsterisError(`mask of exposure ${t} has ${m.length} pixels, expected ${npix}`);
    const off = t * npix;
    for (let i = 0; i < npix; i++) {
      const v = f[i]!;
      const bad = !Number.isFinite(v) || (zeroIsMissing && v === 0) || (m !== null && m[i] === 0);
      data[off + i] = bad ? NaN : v;
    }
  }
  return { n, width, height, data };
}

/**
 * Bounding box of the pixels valid in EVERY frame (§1.3.2 / §1.4.3). Holes inside the box stay
 * missing. Returns null when no pixel is valid in all frames.
 */
export function validBox(c: Cube): Box | null {
  const npix = c.width * c.height;
  const all = new Uint8Array(npix).fill(1);
  for (let t = 0; t < c.n; t++) {
    const off = t * npix;
    for (let p = 0; p < npix; p++) if (Number.isNaN(c.data[off + p]!)) all[p] = 0;
  }
  let x0 = c.width, y0 = c.height, x1 = -1, y1 = -1;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      if (!all[y * c.width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return null;
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export function cropCube(c: Cube, b: Box): Cube {
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const data = new Float32Array(c.n * w * h);
  for (let t = 0; t < c.n; t++) {
    for (let y = 0; y < h; y++) {
      const src = t * c.width * c.height + (y + b.y0) * c.width + b.x0;
      data.set(c.data.subarray(src, src + w), t * w * h + y * w);
    }
  }
  return { n: c.n, width: w, height: h, data };
}
