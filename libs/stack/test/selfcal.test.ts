import { describe, expect, it } from 'vitest';
import { mulberry32, selfCalibrate, StackError } from '../src/index.ts';

describe('detector-frame self-calibration', () => {
  it('removes a detector-fixed pattern that moves with the dithers and keeps the sky', () => {
    const w = 64, h = 64, N = 8, pad = 6, W2 = w + 2 * pad, rng = mulberry32(4);
    const pat = Float32Array.from({ length: W2 * (h + 2 * pad) }, () => rng.normal());
    const offs: [number, number][] = Array.from({ length: N }, (_, t) => [((t * 5) % 13) - 6, ((t * 3) % 11) - 5]);
    const sky = (x: number, y: number) => 10 + 30 * Math.exp(-((x - 30) ** 2 + (y - 20) ** 2) / 8);
    const frames = offs.map(([dx, dy]) => {
      const f = new Float32Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f[y * w + x] = sky(x, y) + pat[(y + dy + pad) * W2 + (x + dx + pad)]! + 0.2 * rng.normal();
      return f;
    });
    const rms = (fs: Float32Array[]) => {
      let s = 0, n = 0;
      for (const f of fs) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { s += (f[y * w + x]! - sky(x, y)) ** 2; n++; }
      return Math.sqrt(s / n);
    };
    const before = rms(frames);
    const r = selfCalibrate(frames, w, h, offs, { iterations: 3 });
    const after = rms(r.frames);
    expect(before).toBeGreaterThan(0.9);
    // the pattern (rms 1) is removed down to the white noise (0.2) plus the estimate's noise and the
    // dither-invariant part (a constant) that stays with the sky
    expect(after).toBeLessThan(0.4);
    expect(() => selfCalibrate(frames, w, h, offs.slice(1))).toThrow(StackError);
    expect(() => selfCalibrate(frames.slice(0, 2), w, h, offs.slice(0, 2))).toThrow(/≥ 3/);
  });
});
