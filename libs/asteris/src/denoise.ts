// The ASTERIS inference path on plain arrays (asteris-method.md §1.4 and §4), with the reference's
// pitfalls fixed (§6.2; see docs/asteris.md "Deviations from the reference").
import type { TileRunner } from './infer/runner.ts';
import { AsterisError } from './errors.ts';
import { cubeFromFrames, validBoxOfFrames, type Box } from './preprocess/cube.ts';
import { preprocessCube, SCALE_FACTOR, stackBias, type Normalisation } from './preprocess/normalise.ts';
import { medianInPlace } from '@asteris/core';
import { tileGrid, tilingGeometry, type Tile } from './tiling.ts';

export interface CoreOptions {
  /** spatial tile edge fed to the network (multiple of 8); reference 800 */
  tileSize: number;
  /** tile overlap fraction (reference 0.1 → stride 720, cut 40 for 800) */
  overlap?: number;
  /** add back the bright clipped excess R (reference demo scripts: true) */
  restoreClipPart?: boolean;
  /** how R combines the clipped excess over exposures: 'median' (reference, default) or 'mean' (flux-conserving) */
  clipPartMode?: 'median' | 'mean';
  /** global winsorisation threshold in σ (default 3) */
  clipSigma?: number;
  /** exact 0 = missing, as the reference (default true) */
  zeroIsMissing?: boolean;
  /** explicit per-exposure validity masks (1 = valid) */
  masks?: (Uint8Array | null)[];
  /** tiles in flight at once (match the runner's parallelism) */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CoreResult {
  /** denoised image on the input grid (NaN outside the common valid box and where no frame is valid) */
  denoised: Float32Array;
  /** co-add baseline from the same preprocessing: mean of the T super-frames, de-normalised, + R */
  coadd: Float32Array;
  box: Box;
  norm: Normalisation;
  /** whole-stack debias g (normalised units) */
  bias: number;
  /** overshoot cap (normalised units) */
  cap: number;
  frames: number;
  nTiles: number;
  stride: number;
  cut: number;
  /** seconds spent in preprocessing and in the network (incl. tile assembly) */
  secondsPre: number;
  secondsNet: number;
}

/** Per-tile debias (§4.2): nanmedian over (y,x) of the temporal nanmedian; NaN → 0. */
export function tileBias(tile: Float32Array, T: number, npix: number): number {
  const med = new Float64Array(npix);
  const buf = new Float64Array(T);
  let m = 0;
  for (let p = 0; p < npix; p++) {
    let n = 0;
    for (let t = 0; t < T; t++) {
      const v = tile[t * npix + p]!;
      if (!Number.isNaN(v)) buf[n++] = v;
    }
    if (n) med[m++] = medianInPlace(buf, n);
  }
  const v = medianInPlace(med, m);
  return Number.isNaN(v) ? 0 : v;
}

export async function denoiseFrames(
  frames: Float32Array[],
  width: number,
  height: number,
  runner: TileRunner,
  opts: CoreOptions,
): Promise<CoreResult> {
  const t0 = performance.now();
  const T = runner.frames;
  // memory: one float32 copy of the (cropped) stack, normalised and binned in place; the rest is a
  // few single images and the tiles in flight
  const inOpts = { zeroIsMissing: opts.zeroIsMissing, masks: opts.masks };
  const box = validBoxOfFrames(frames, width, height, inOpts);
  if (!box) throw new AsterisError('no pixel is valid in every exposure (the exposures do not overlap, or all are masked)');
  const cube = cubeFromFrames(frames, width, height, { ...inOpts, box });
  const pre = preprocessCube(cube, T, { clipSigma: opts.clipSigma, clipPartMode: opts.clipPartMode });
  const W = cube.width, H = cube.height, npix = W * H;
  const sf = pre.frames;
  // whole-stack debias (§4.1.2)
  const g = stackBias(sf);
  for (let i = 0; i < sf.data.length; i++) sf.data[i] = sf.data[i]! - g; // NaN stays NaN
  const t1 = performance.now();

  const overlap = opts.overlap ?? 0.1;
  const tiles = tileGrid(W, H, opts.tileSize, overlap, 8);
  const den = new Float32Array(npix).fill(NaN);

  const runOne = async (tile: Tile): Promise<void> => {
    const th = tile.y.size, tw = tile.x.size, tnp = th * tw;
    const buf = new Float32Array(T * tnp).fill(NaN);
    const hIn = Math.min(th, H - tile.y.start), wIn = Math.min(tw, W - tile.x.start);
    for (let t = 0; t < T; t++) {
      for (let y = 0; y < hIn; y++) {
        const src = t * npix + (tile.y.start + y) * W + tile.x.start;
        buf.set(sf.data.subarray(src, src + wIn), t * tnp + y * tw);
      }
    }
    const mu = tileBias(buf, T, tnp);
    for (let i = 0; i < buf.length; i++) {
      const v = buf[i]!;
      buf[i] = Number.isNaN(v) ? 0 : v - mu;
    }
    const out = await runner.run(buf, th, tw);
    // keep the owned region; average the T outputs over the valid frames (§4.4.1)
    for (let y = tile.y.keepStart; y < tile.y.keepEnd; y++) {
      const ty = y - tile.y.start;
      for (let x = tile.x.keepStart; x < tile.x.keepEnd; x++) {
        const tx = x - tile.x.start;
        const p = y * W + x;
        let s = 0, n = 0;
        for (let t = 0; t < T; t++) {
          if (Number.isNaN(sf.data[t * npix + p]!)) continue;
          s += out[t * tnp + ty * tw + tx]!;
          n++;
        }
        den[p] = n ? s / n + mu + g : NaN;
      }
    }
  };

  const concurrency = Math.max(1, opts.concurrency ?? 1);
  let next = 0, done = 0;
  const lane = async (): Promise<void> => {
    while (next < tiles.length) {
      const tile = tiles[next++]!;
      await runOne(tile);
      done++;
      opts.onProgress?.(done, tiles.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tiles.length) }, lane));

  // raw mean of the super-frames (the co-add baseline) and the overshoot cap (§4.4.1–2)
  const raw = new Float32Array(npix);
  let cap = -Infinity;
  for (let p = 0; p < npix; p++) {
    let s = 0, n = 0;
    for (let t = 0; t < T; t++) {
      const v = sf.data[t * npix + p]!;
      if (!Number.isNaN(v)) { s += v; n++; }
    }
    raw[p] = n ? s / n + g : NaN;
    if (n && raw[p]! > cap) cap = raw[p]!;
  }
  // de-normalise (§4.4.3) and restore the bright excess (§4.4.4); place on the input grid
  const restore = opts.restoreClipPart ?? true;
  const k = SCALE_FACTOR * pre.norm.sigma, mu0 = pre.norm.mu;
  const denoised = new Float32Array(width * height).fill(NaN);
  const coadd = new Float32Array(width * height).fill(NaN);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const q = (y + box.y0) * width + (x + box.x0);
      const r = restore ? pre.clipPart[p]! : 0;
      const d = Math.min(den[p]!, cap);
      denoised[q] = (d - 1) * k + mu0 + r;
      coadd[q] = (raw[p]! - 1) * k + mu0 + r;
    }
  }
  const t2 = performance.now();
  const { stride, cut } = tilingGeometry(opts.tileSize, overlap);
  return {
    denoised, coadd, box, norm: pre.norm, bias: g, cap, frames: T, nTiles: tiles.length, stride, cut,
    secondsPre: (t1 - t0) / 1000, secondsNet: (t2 - t1) / 1000,
  };
}
