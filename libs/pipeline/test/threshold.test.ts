import { describe, expect, it } from 'vitest';
import { Header } from '@asteris/fits';
import { calibrateThreshold, falseDetections } from '../src/threshold.ts';

// White noise smoothed by a 5×5 box: per-pixel σ is lower than the noise of a source-sized aperture,
// which is what a denoiser's residual looks like to a σ-threshold detector.
function correlatedNoise(w: number, h: number, seed: number, box: number): Float32Array {
  let s = seed >>> 0;
  const rnd = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
  const white = new Float32Array(w * h);
  for (let i = 0; i < white.length; i += 2) {
    const u = Math.max(rnd(), 1e-12); const v = rnd();
    const r = Math.sqrt(-2 * Math.log(u));
    white[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < white.length) white[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  if (box <= 1) return white;
  const out = new Float32Array(w * h);
  const hb = Math.floor(box / 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0; let n = 0;
    for (let dy = -hb; dy <= hb; dy++) for (let dx = -hb; dx <= hb; dx++) {
      const yy = y + dy; const xx = x + dx;
      if (yy >= 0 && yy < h && xx >= 0 && xx < w) { acc += white[yy * w + xx]!; n++; }
    }
    out[y * w + x] = acc / n;
  }
  return out;
}

describe('detection-threshold calibration', () => {
  const img = (data: Float32Array) => ({ width: 256, height: 256, data, header: new Header() });

  it('correlated noise needs a higher threshold than white noise for the same false rate', () => {
    const white = img(correlatedNoise(256, 256, 1, 1));
    const corr = img(correlatedNoise(256, 256, 2, 5));
    const nWhite = falseDetections(white, {}, 1.5);
    const cal = calibrateThreshold(corr, {}, Math.max(nWhite, 1));
    expect(falseDetections(corr, {}, 1.5)).toBeGreaterThan(5 * Math.max(nWhite, 1));
    expect(cal.threshold).toBeGreaterThan(1.5);
    expect(cal.nFalse).toBeLessThanOrEqual(Math.max(nWhite, 1));
    // the ladder is monotone: the rung below the chosen one admitted too many
    expect(cal.tried[cal.tried.length - 2]!.nFalse).toBeGreaterThan(Math.max(nWhite, 1));
  });
});
