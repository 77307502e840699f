// The threshold ladder (issue 16 item 3): the negated image's background and noise model are built once
// and reused for every rung, and each rung's catalogue equals a fresh extraction at that threshold.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Header } from '@asteris/fits';
import { correlatedNoise, drizzleFilter } from './helpers/correlated.ts';

const calls = { background: 0, covariance: 0 };
vi.mock('../src/background/model.ts', async (orig) => {
  const m = await orig<typeof import('../src/background/model.ts')>();
  return { ...m, makeBackground: (...a: Parameters<typeof m.makeBackground>) => { calls.background++; return m.makeBackground(...a); } };
});
vi.mock('../src/noise.ts', async (orig) => {
  const m = await orig<typeof import('../src/noise.ts')>();
  return { ...m, measureCovariance: (...a: Parameters<typeof m.measureCovariance>) => { calls.covariance++; return m.measureCovariance(...a); } };
});
const { calibrateThreshold, extractSources, negated, negativeExtractor } = await import('../src/index.ts');

// correlated sky noise (drizzle-like), a gentle gradient and a few positive and negative blobs: several rungs fail
const W = 160, H = 128;
function field(): { width: number; height: number; data: Float32Array; header: Header } {
  const d = correlatedNoise(W, H, drizzleFilter(0.3), 1, 7);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let v = 0.002 * x;
    for (const [cx, cy, a] of [[40, 30, -6], [100, 80, -3], [130, 20, 8], [20, 100, -2.5]] as const) v += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 4.5);
    d[y * W + x] = d[y * W + x]! + v;
  }
  return { width: W, height: H, data: d, header: new Header() };
}
const img = field();
const fresh = (opts: object, t: number) => extractSources(negated(img), { ...opts, threshold: t, maps: false }).sources;

describe('threshold ladder reuses the negated image\'s background and noise model', () => {
  beforeEach(() => { calls.background = 0; calls.covariance = 0; });

  for (const [name, opts] of [
    ['global σ', {}],
    ['background RMS map, measured kernel', { weight: { type: 'background' as const }, noiseKernel: 'auto' as const }],
  ] as const) {
    it(`${name}: every rung equals a fresh extraction; background and kernel built for the first rung only`, () => {
      const ex = negativeExtractor(img, opts);
      ex(1.5);
      const first = { ...calls };
      expect(first.background).toBeGreaterThan(0);
      expect(first.covariance).toBe('noiseKernel' in opts ? 1 : 0);
      ex(2); ex(3); ex(5);
      expect(calls).toEqual(first);
      const cal = calibrateThreshold(img, opts, 0, 1.5, [1.5, 2, 2.5, 3, 4, 5, 8, 12]);
      expect(cal.tried.length).toBeGreaterThan(2); // several rungs ran
      expect(cal.tried[0]!.nFalse).toBeGreaterThan(0);
      for (const r of cal.tried) expect(fresh(opts, r.threshold).length).toBe(r.nFalse);
      expect(JSON.stringify(cal.sources)).toBe(JSON.stringify(fresh(opts, cal.threshold)));
    });
  }

  it('a constant background stays as given (no mesh model is built for it)', () => {
    const ex = negativeExtractor(img, { background: 0 });
    const a = ex(2), b = ex(3);
    expect(calls.background).toBe(0);
    expect(JSON.stringify(a)).toBe(JSON.stringify(fresh({ background: 0 }, 2)));
    expect(JSON.stringify(b)).toBe(JSON.stringify(fresh({ background: 0 }, 3)));
  });

  it('in-place option does not corrupt later rungs, and the input image is left unchanged', () => {
    const before = Float32Array.from(img.data);
    const ex = negativeExtractor(img, { inPlace: true });
    ex(1.5);
    expect(JSON.stringify(ex(2.5))).toBe(JSON.stringify(fresh({}, 2.5)));
    expect(img.data).toEqual(before);
  });
});
