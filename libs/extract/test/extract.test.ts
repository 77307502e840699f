import { describe, expect, it } from 'vitest';
import {
  ExtractError, detectionImage, chiMean, extractSources, mockField, deblendObject, FLAG_DEBLENDED, gaussianKernel,
} from '../src/index.ts';

const img = (w: number, h: number, data: Float32Array) => ({ width: w, height: h, data, header: null as never });

function nearest<T extends { x: number; y: number }>(list: T[], x: number, y: number): [T | null, number] {
  let best: T | null = null, bd = Infinity;
  for (const s of list) { const d = Math.hypot(s.x - x, s.y - y); if (d < bd) { bd = d; best = s; } }
  return [best, bd];
}

describe('injection–recovery on a seeded mock field', () => {
  const f = mockField({ width: 300, height: 300, nSources: 40, seed: 11, noise: 1, background: 50, fluxRange: [300, 20000], sigmaRange: [1.2, 2.0], margin: 20 });
  const res = extractSources(img(300, 300, f.data), { apertures: [6, 20] });
  it('recovers bright isolated sources with positions < 0.1 px and total flux within 3σ', () => {
    let n = 0;
    for (const s of f.sources) {
      const isolated = f.sources.every((o) => o === s || Math.hypot(o.x - s.x, o.y - s.y) > 15);
      if (!isolated || s.flux < 2000) continue;
      const [m, d] = nearest(res.sources, s.x, s.y);
      expect(m).not.toBeNull();
      expect(d).toBeLessThan(0.1);
      // 20 px diameter aperture holds > 99.9 % of a σ ≤ 2 Gaussian
      expect(Math.abs(m!.fluxAper[1]! - s.flux)).toBeLessThan(3 * m!.fluxAperErr[1]! + 0.002 * s.flux);
      // FLUX_AUTO with k = 2.5 recovers ≈ 94–100 % of a Gaussian's flux
      expect(m!.fluxAuto / s.flux).toBeGreaterThan(0.9);
      expect(m!.fluxAuto / s.flux).toBeLessThan(1.05);
      n++;
    }
    expect(n).toBeGreaterThan(5);
  });
  it('segmentation labels match source ids and areas', () => {
    for (const s of res.sources.slice(0, 10)) {
      let c = 0;
      for (const v of res.segmentation) if (v === s.id) c++;
      expect(c).toBe(s.npix);
    }
  });
  it('same input → identical output (deterministic)', () => {
    const again = extractSources(img(300, 300, f.data), { apertures: [6, 20] });
    expect(JSON.stringify(again.sources)).toBe(JSON.stringify(res.sources));
  });
});

describe('deblending', () => {
  const make = (sep: number) => mockField({ width: 80, height: 60, nSources: 0, seed: 2, noise: 0.5, sources: [
    { x: 40 - sep / 2, y: 30, flux: 5000, sigma: 1.5 }, { x: 40 + sep / 2, y: 30, flux: 3000, sigma: 1.5 }] });
  it('splits two blended Gaussians 6 px apart into two DEBLENDED objects; MINCONT 1 keeps one', () => {
    const f = make(6);
    const r = extractSources(img(80, 60, f.data), { background: 0, globalRms: 0.5 });
    expect(r.sources.length).toBe(2);
    for (const s of r.sources) expect(s.flags & FLAG_DEBLENDED).toBeTruthy();
    const [a] = nearest(r.sources, 37, 30);
    expect(Math.abs(a!.x - 37)).toBeLessThan(0.3);
    const r1 = extractSources(img(80, 60, f.data), { background: 0, globalRms: 0.5, deblendMinCont: 1 });
    expect(r1.sources.length).toBe(1);
  });
  it('thresholds t_k = t0·(p/t0)^(k/N): a plateau step at 31.6 (k = 16 of 32 for t0 = 1, p = 1000) separates', () => {
    // two peaks of 1000 connected by a bridge just above 31.62 stay one object; below it they split
    const w = 40, h = 9;
    const build = (bridge: number) => {
      const pix: number[] = [], val: number[] = [];
      for (let y = 2; y < 7; y++) for (let x = 2; x < 38; x++) {
        const v = x < 12 || x > 28 ? 1000 : bridge;
        pix.push(y * w + x); val.push(v);
      }
      return deblendObject(Int32Array.from(pix), Float32Array.from(val), w, 1, { nthresh: 32, mincont: 0.005, minarea: 5 });
    };
    expect(build(31.0).groups.length).toBe(2);
    expect(build(1000).groups.length).toBe(1);
    void h;
  });
});

describe('MASK_TYPE for FLUX_AUTO', () => {
  it('CORRECT (mirroring the neighbour) recovers a blended source better than NONE and flags crowding', () => {
    const f = mockField({ width: 90, height: 60, nSources: 0, seed: 12, noise: 0.3, sources: [
      { x: 40, y: 30, flux: 4000, sigma: 1.6 }, { x: 47, y: 30, flux: 12000, sigma: 1.6 }] });
    const run = (maskType: 'correct' | 'none') => {
      const r = extractSources(img(90, 60, f.data), { background: 0, globalRms: 0.3, maskType });
      return nearest(r.sources, 40, 30)[0]!;
    };
    const c = run('correct'), n = run('none');
    expect(Math.abs(c.fluxAuto - 4000)).toBeLessThan(Math.abs(n.fluxAuto - 4000));
    expect(Math.abs(c.fluxAuto / 4000 - 1)).toBeLessThan(0.1);
    expect(c.flags & 1).toBe(1);
  });
});

describe('moments', () => {
  it('a single-pixel source gets a = b = 1/√12 (singular-case rule)', () => {
    const w = 40;
    const d = new Float32Array(w * w);
    d[20 * w + 20] = 100;
    const r = extractSources(img(w, w, d), { background: 0, globalRms: 1, filter: 'none', minArea: 1, threshold: 5 });
    expect(r.sources.length).toBe(1);
    expect(r.sources[0]!.a).toBeCloseTo(1 / Math.sqrt(12), 4);
    expect(r.sources[0]!.b).toBeCloseTo(1 / Math.sqrt(12), 4);
  });
  it('θ of an elongated source follows its position angle', () => {
    const f = mockField({ width: 80, height: 80, nSources: 0, seed: 9, noise: 0.2, sources: [{ x: 40, y: 40, flux: 8000, sigma: 3, q: 0.4, thetaDeg: 30 }] });
    const r = extractSources(img(80, 80, f.data), { background: 0, globalRms: 0.2 });
    expect(r.sources.length).toBe(1);
    expect(Math.abs(r.sources[0]!.theta - 30)).toBeLessThan(2);
    expect(r.sources[0]!.b / r.sources[0]!.a).toBeLessThan(0.6);
  });
});

describe('weights, thresholds and filters', () => {
  it('ERR, VAR and WHT maps of the same noise give the same detections; the matched filter finds the bright sources', () => {
    const f = mockField({ width: 200, height: 200, nSources: 25, seed: 21, noise: 2, fluxRange: [200, 5000], margin: 12 });
    const err = new Float32Array(200 * 200).fill(2);
    const a = extractSources(img(200, 200, f.data), { weight: { type: 'rms', data: err } });
    const b = extractSources(img(200, 200, f.data), { weight: { type: 'var', data: err.map((e) => e * e) } });
    const c = extractSources(img(200, 200, f.data), { weight: { type: 'weight', data: err.map((e) => 1 / (e * e)) } });
    expect(b.sources.length).toBe(a.sources.length);
    expect(c.sources.length).toBe(a.sources.length);
    for (let i = 0; i < a.sources.length; i++) expect(b.sources[i]!.fluxAutoErr).toBeCloseTo(a.sources[i]!.fluxAutoErr, 3);
    const m = extractSources(img(200, 200, f.data), { weight: { type: 'rms', data: err }, filter: 'matched', kernel: gaussianKernel(3, 7), threshold: 5 });
    for (const s of f.sources.filter((s) => s.flux > 2000)) expect(nearest(m.sources, s.x, s.y)[1]).toBeLessThan(1);
  });
  it('absolute thresholds; gain adds source Poisson variance', () => {
    const f = mockField({ width: 100, height: 100, nSources: 0, seed: 4, noise: 1, sources: [{ x: 50, y: 50, flux: 10000, sigma: 2 }] });
    const r0 = extractSources(img(100, 100, f.data), { background: 0, thresholdType: 'absolute', threshold: 3 });
    const r1 = extractSources(img(100, 100, f.data), { background: 0, thresholdType: 'absolute', threshold: 3, gain: 2 });
    expect(r0.threshold).toBe(3);
    const s0 = r0.sources[0]!, s1 = r1.sources[0]!;
    expect(s1.fluxAutoErr ** 2 - s0.fluxAutoErr ** 2).toBeCloseTo(s1.fluxAuto / 2, 0);
  });
});

describe('bad input', () => {
  it('NaN regions: no crash, no detections inside, finite fluxes elsewhere', () => {
    const f = mockField({ width: 160, height: 160, nSources: 15, seed: 8, noise: 1, fluxRange: [500, 3000] });
    for (let y = 0; y < 40; y++) for (let x = 0; x < 160; x++) f.data[y * 160 + x] = NaN;
    const r = extractSources(img(160, 160, f.data));
    for (const s of r.sources) {
      expect(s.ymin).toBeGreaterThanOrEqual(40);
      expect(Number.isFinite(s.fluxAuto)).toBe(true);
      expect(Number.isFinite(s.fluxAper[0]!)).toBe(true);
    }
    expect(r.sources.length).toBeGreaterThan(5);
  });
  it('all-NaN image → ExtractError naming the file', () => {
    expect(() => extractSources(img(50, 50, new Float32Array(2500).fill(NaN)), { file: 'x.fits' })).toThrow(ExtractError);
    expect(() => extractSources(img(50, 50, new Float32Array(2500).fill(NaN)), { file: 'x.fits' })).toThrow(/x\.fits.*no finite pixels/);
  });
  it('constant image → no sources, no error', () => {
    const r = extractSources(img(100, 80, new Float32Array(8000).fill(3)));
    expect(r.sources.length).toBe(0);
    expect(r.globalBack).toBeCloseTo(3, 6);
  });
  it('image smaller than a mesh works (mesh shrinks to the image)', () => {
    const f = mockField({ width: 30, height: 25, nSources: 0, seed: 1, noise: 1, sources: [{ x: 15, y: 12, flux: 3000, sigma: 1.5 }] });
    const r = extractSources(img(30, 25, f.data), { backSize: 64 });
    expect(r.sources.length).toBe(1);
  });
  it('shape mismatches → clear errors', () => {
    const d = new Float32Array(100 * 100);
    expect(() => extractSources(img(100, 100, d), { measureImage: img(100, 99, new Float32Array(9900)) })).toThrow(/measurement image is 100×99 but the detection image is 100×100/);
    expect(() => extractSources(img(100, 100, d), { weight: { type: 'rms', data: new Float32Array(10) } })).toThrow(/weight map/);
    expect(() => extractSources(img(100, 100, new Float32Array(99)))).toThrow(/expected 100×100/);
    expect(() => detectionImage([img(10, 10, new Float32Array(100))], [img(10, 9, new Float32Array(90))])).toThrow(/error map 0/);
  });
});

describe('multi-band detection images', () => {
  it('ivw of bands with σ 1 and 2 weights 4:1 and has σ = (1 + 1/4)^(−½)', () => {
    const a = img(2, 1, Float32Array.of(1, 0)), b = img(2, 1, Float32Array.of(6, 0));
    const ea = img(2, 1, Float32Array.of(1, 1)), eb = img(2, 1, Float32Array.of(2, 2));
    const r = detectionImage([a, b], [ea, eb], 'ivw');
    expect(r.image.data[0]).toBeCloseTo((1 * 1 + 6 * 0.25) / 1.25, 6);
    expect(r.rms[0]).toBeCloseTo(1 / Math.sqrt(1.25), 6);
  });
  it('chi-mean of pure noise has mean ≈ 0 and σ ≈ 1 (n = 3 bands); μ₁ = √(2/π)', () => {
    expect(chiMean(1)).toBeCloseTo(Math.sqrt(2 / Math.PI), 10);
    expect(chiMean(2)).toBeCloseTo(Math.sqrt(Math.PI / 2), 10);
    const n = 200 * 200;
    const bands = [1, 2, 3].map((s) => mockField({ width: 200, height: 200, nSources: 0, seed: s, noise: s }));
    const r = detectionImage(bands.map((b) => img(200, 200, b.data)), bands.map((b) => img(200, 200, new Float32Array(n).fill(b.noise))), 'chi-mean');
    let m = 0, v = 0;
    for (const x of r.image.data) m += x;
    m /= n;
    for (const x of r.image.data) v += (x - m) ** 2;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(v / n) - 1)).toBeLessThan(0.02);
  });
});
