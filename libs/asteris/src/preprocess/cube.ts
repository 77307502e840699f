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
  /** copy only this box (the cube is then box-sized), e.g. from validBoxOfFrames */
  box?: Box;
}

/** Whether voxel i of frame t counts as valid under the cube's input rules. */
function validator(frames: Float32Array[], npix: number, opts: CubeInputOptions): (t: number, i: number) => boolean {
  const zeroIsMissing = opts.zeroIsMissing ?? true;
  opts.masks?.forEach((m, t) => {
    if (m && m.length !== npix) throw new AsterisError(`mask of exposure ${t} has ${m.length} pixels, expected ${npix}`);
  });
  return (t, i) => {
    const v = frames[t]![i]!;
    const m = opts.masks?.[t];
    return Number.isFinite(v) && !(zeroIsMissing && v === 0) && !(m && m[i] === 0);
  };
}

/**
 * validBox(cubeFromFrames(frames, …)) computed straight from the frames, with one byte per pixel of
 * scratch instead of a float32 copy of the stack.
 */
export function validBoxOfFrames(frames: Float32Array[], width: number, height: number, opts: CubeInputOptions = {}): Box | null {
  const npix = width * height;
  if (frames.length === 0) throw new AsterisError('empty exposure stack');
  frames.forEach((f, t) => { if (f.length !== npix) throw new AsterisError(`exposure ${t} has ${f.length} pixels, expected ${width}×${height}`); });
  const ok = validator(frames, npix, opts);
  const all = new Uint8Array(npix).fill(1);
  for (let t = 0; t < frames.length; t++) for (let p = 0; p < npix; p++) if (all[p] && !ok(t, p)) all[p] = 0;
  return boxOf(all, width, height);
}

function boxOf(all: Uint8Array, width: number, height: number): Box | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!all[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return null;
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Copies frames into a cube (float32), marking missing voxels NaN. Frames must share one grid. */
export function cubeFromFrames(frames: Float32Array[], width: number, height: number, opts: CubeInputOptions = {}): Cube {
  const n = frames.length;
  if (n === 0) throw new AsterisError('empty exposure stack');
  const npix = width * height;
  frames.forEach((f, t) => { if (f.length !== npix) throw new AsterisError(`exposure ${t} has ${f.length} pixels, expected ${width}×${height}`); });
  const ok = validator(frames, npix, opts);
  const b = opts.box ?? { x0: 0, y0: 0, x1: width, y1: height };
  const w = b.x1 - b.x0, h = b.y1 - b.y0, bpix = w * h;
  const data = new Float32Array(n * bpix);
  for (let t = 0; t < n; t++) {
    const f = frames[t]!;
    const off = t * bpix;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y + b.y0) * width + x + b.x0;
        data[off + y * w + x] = ok(t, i) ? f[i]! : NaN;
      }
    }
  }
  return { n, width: w, height: h, data };
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
  return boxOf(all, c.width, c.height);
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
