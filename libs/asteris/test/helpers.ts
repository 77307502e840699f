import { mulberry32 } from '@asteris/stack';
import type { TileRunner } from '../src/index.ts';

/** Seeded noise stack with a few Gaussian blobs (same in all frames), optional missing border. */
export function synthStack(n: number, width: number, height: number, seed: number, opts: { sigma?: number; sky?: number; blobs?: number; missingBorder?: boolean } = {}): Float32Array[] {
  const rng = mulberry32(seed);
  const sigma = opts.sigma ?? 1, sky = opts.sky ?? 5;
  const signal = new Float32Array(width * height);
  for (let b = 0; b < (opts.blobs ?? 6); b++) {
    const cx = rng.uniform() * width, cy = rng.uniform() * height;
    const amp = 0.5 + 20 * rng.uniform() ** 3, s = 1 + 2 * rng.uniform();
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      signal[y * width + x] += amp * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
    }
  }
  return Array.from({ length: n }, (_, t) => {
    const f = new Float32Array(width * height);
    for (let i = 0; i < f.length; i++) f[i] = sky + signal[i]! + sigma * rng.normal();
    if (opts.missingBorder) {
      // exposure-dependent missing strips (dithers): left columns of frame t, top rows of frame t+1
      for (let y = 0; y < height; y++) for (let x = 0; x < (t % 3); x++) f[y * width + x] = 0;
      for (let y = 0; y < (t % 2) * 2; y++) for (let x = 0; x < width; x++) f[y * width + x] = NaN;
    }
    return f;
  });
}

/** Runner applying f to every voxel of the normalised, tile-debiased input. */
export function mapRunner(frames: number, f: (v: number) => number = (v) => v): TileRunner & { calls: Array<[number, number]> } {
  const calls: Array<[number, number]> = [];
  return {
    frames,
    calls,
    async run(input, h, w) {
      calls.push([h, w]);
      const out = new Float32Array(input.length);
      for (let i = 0; i < input.length; i++) out[i] = f(input[i]!);
      return out;
    },
    async close() {},
  };
}
