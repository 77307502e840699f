// The memory-lean preprocessing path (no N×H×W excess stack, no sorted copy for the median, in-place
// super-frames, cropping while copying) must give exactly what the step-by-step functions give.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@asteris/stack';
import {
  binSuperFrames, clipPartFromLimits, clipPartImage, cropCube, cubeFromFrames, kthFinite, nanMedian, nanMedianSelect,
  normaliseInPlace, preprocessCube, sigmaClipLimits, validBox, validBoxOfFrames, winsorise, type Cube,
} from '../src/index.ts';
import { synthStack } from './helpers.ts';

const copyCube = (c: Cube): Cube => ({ ...c, data: c.data.slice() });

describe('radix-select median', () => {
  it('equals the sorting nanMedian on mixed-sign data with NaN, ±0, ties and extremes', () => {
    const rng = mulberry32(3);
    for (const n of [1, 2, 3, 10, 1001, 4096]) {
      const v = Float32Array.from({ length: n }, (_, i) => {
        const r = rng.uniform();
        if (r < 0.05) return NaN;
        if (r < 0.1) return i % 2 ? 0 : -0;
        if (r < 0.15) return 3.25; // ties
        if (r < 0.17) return i % 2 ? 3e38 : -3e38;
        return (rng.normal() * 10) ** 3;
      });
      expect(nanMedianSelect(v)).toBe(nanMedian(v));
      const sorted = Array.from(v).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      for (const k of [0, sorted.length >> 1, sorted.length - 1]) if (sorted.length) expect(kthFinite(v, k)).toBe(sorted[k]);
    }
    expect(Number.isNaN(nanMedianSelect(Float32Array.of(NaN, NaN)))).toBe(true);
  });
  it('works on a subarray view (byte offset)', () => {
    const buf = Float32Array.of(100, 5, 1, 3, 100);
    expect(nanMedianSelect(buf.subarray(1, 4))).toBe(3);
  });
});

describe('lean preprocessing = step-by-step preprocessing', () => {
  for (const [n, T, seed] of [[8, 8, 1], [12, 8, 2], [9, 4, 3]] as const) {
    it(`N=${n}, T=${T}`, () => {
      const W = 61, H = 47;
      const frames = synthStack(n, W, H, seed, { missingBorder: true, blobs: 6 });
      const rng = mulberry32(seed + 5);
      for (let k = 0; k < 40; k++) frames[Math.floor(rng.uniform() * n)]![Math.floor(rng.uniform() * W * H)] = 300 * rng.uniform();
      // box and cropped cube straight from the frames
      const full = cubeFromFrames(frames, W, H);
      const box = validBox(full)!;
      expect(validBoxOfFrames(frames, W, H)).toEqual(box);
      const lean = cubeFromFrames(frames, W, H, { box });
      const ref = cropCube(full, box);
      expect(lean.width).toBe(ref.width);
      expect(Array.from(lean.data)).toEqual(Array.from(ref.data));
      // clip part without the excess stack
      const { lo, hi } = sigmaClipLimits(ref.data, 3);
      const R1 = clipPartFromLimits(ref, lo, hi);
      const w = winsorise(copyCube(ref), 3);
      expect(Array.from(R1)).toEqual(Array.from(clipPartImage(w.excess, ref.n, ref.width * ref.height)));
      // whole path: in-place binning, select-median normalisation
      const a = preprocessCube(copyCube(ref), T);
      const c2 = copyCube(ref);
      const w2 = winsorise(c2, 3);
      const norm = normaliseInPlace(c2);
      const b = binSuperFrames(c2, T);
      expect(a.norm.mu).toBe(norm.mu);
      expect(a.norm.sigma).toBe(norm.sigma);
      expect(a.norm.lo).toBe(w2.lo);
      expect(a.frames.n).toBe(T);
      expect(Array.from(a.frames.data)).toEqual(Array.from(b.data));
      expect(Array.from(a.clipPart)).toEqual(Array.from(clipPartImage(w2.excess, ref.n, ref.width * ref.height)));
    });
  }
});
