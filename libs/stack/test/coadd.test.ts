import { describe, expect, it } from 'vitest';
import { coaddArrays, medianInPlace, mulberry32, robustSigma } from '../src/index.ts';

function stack(n: number, npix: number, sigmas: number[], seed: number, signal = 10): Float32Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, t) => {
    const f = new Float32Array(npix);
    for (let i = 0; i < npix; i++) f[i] = signal + sigmas[t % sigmas.length]! * rng.normal();
    return f;
  });
}
function constErr(npix: number, s: number): Float32Array {
  return new Float32Array(npix).fill(s);
}
function std(a: Float32Array): number {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let s = 0;
  for (const v of a) s += (v - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}

describe('median helper', () => {
  it('matches a full sort, numpy convention for even n', () => {
    const rng = mulberry32(3);
    for (const n of [1, 2, 3, 10, 17, 100, 1001]) {
      const a = Float64Array.from({ length: n }, () => rng.normal());
      const s = Array.from(a).sort((p, q) => p - q);
      const want = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
      expect(medianInPlace(a, n)).toBe(want);
    }
  });
});

describe('co-add noise scales as 1/sqrt(N)', () => {
  const npix = 20_000;
  const sigma = 2;
  for (const n of [4, 16]) {
    it(`mean, clipped-mean, ivw at N=${n}`, () => {
      const frames = stack(n, npix, [sigma], 100 + n);
      const errs = frames.map(() => constErr(npix, sigma));
      for (const m of ['mean', 'clipped-mean', 'ivw'] as const) {
        const r = coaddArrays(frames, errs, m);
        const s = std(r.data);
        // clipping a Gaussian at 3σ about a noisy median costs a little efficiency
        expect(s / (sigma / Math.sqrt(n))).toBeGreaterThan(0.96);
        expect(s / (sigma / Math.sqrt(n))).toBeLessThan(m === 'clipped-mean' ? 1.06 : 1.03);
        // the ERR map predicts the measured scatter
        expect(r.err[123]! / s).toBeGreaterThan(0.94);
        expect(r.err[123]! / s).toBeLessThan(1.06);
      }
      // median: noisier than the mean (→ sqrt(pi/2) for large N); its ERR predicts the scatter
      const med = coaddArrays(frames, errs, 'median');
      const sm = std(med.data);
      expect(sm / (sigma / Math.sqrt(n))).toBeGreaterThan(1.05);
      expect(sm / (sigma / Math.sqrt(n))).toBeLessThan(1.3);
      expect(Math.abs(med.err[0]! / sm - 1)).toBeLessThan(0.04);
    });
  }

  it('without ERR maps, each exposure\'s noise comes from the stack\'s residuals: a sky gradient does not count as noise', () => {
    // σ 1, 3, 1, 3 … on a gradient spanning 40 (robustSigma of a frame reads ≈ 10 for every exposure)
    const rng = mulberry32(12), w = 128, sig = [1, 3, 1, 3, 1, 3, 1, 3];
    const frames = sig.map((q) => Float32Array.from({ length: w * w }, (_, p) => 0.3 * (p % w) + 0.012 * Math.floor(p / w) + q * rng.normal()));
    const r = coaddArrays(frames, frames.map(() => null), 'clipped-ivw');
    r.sigmaFallback.forEach((q, t) => expect(Math.abs(q / sig[t]! - 1)).toBeLessThan(0.06));
    expect(robustSigma(frames[0]!)).toBeGreaterThan(5); // the control: the frame's own spread is the gradient
  });

  it('without ERR maps uses each exposure robust sigma', () => {
    const frames = stack(8, npix, [1, 3], 7);
    const r = coaddArrays(frames, frames.map(() => null), 'ivw');
    expect(r.sigmaFallback[0]).toBeCloseTo(1, 1);
    expect(r.sigmaFallback[1]).toBeCloseTo(3, 1);
    expect(robustSigma(frames[1]!)).toBeCloseTo(3, 1);
    const want = 1 / Math.sqrt(4 * (1 / 1 + 1 / 9));
    expect(std(r.data) / want).toBeGreaterThan(0.96);
    expect(std(r.data) / want).toBeLessThan(1.04);
  });
});

describe('inverse-variance weighting', () => {
  it('weights are 1/err^2 exactly (hand-computed pixel)', () => {
    const frames = [Float32Array.of(1), Float32Array.of(4), Float32Array.of(10)];
    const errs = [Float32Array.of(1), Float32Array.of(2), Float32Array.of(4)];
    const r = coaddArrays(frames, errs, 'ivw');
    const w = [1, 1 / 4, 1 / 16];
    const sw = w[0]! + w[1]! + w[2]!;
    expect(r.data[0]).toBeCloseTo((1 * w[0]! + 4 * w[1]! + 10 * w[2]!) / sw, 6);
    expect(r.err[0]).toBeCloseTo(1 / Math.sqrt(sw), 6);
  });
  it('beats the plain mean on unequal-depth exposures and matches its predicted noise', () => {
    const npix = 20_000;
    const sig = [1, 1, 4, 4, 4, 4];
    const frames = stack(6, npix, sig, 11);
    const errs = sig.map((s) => constErr(npix, s));
    const ivw = coaddArrays(frames, errs, 'ivw');
    const mean = coaddArrays(frames, errs, 'mean');
    const pred = 1 / Math.sqrt(sig.reduce((a, s) => a + 1 / s ** 2, 0));
    expect(std(ivw.data) / pred).toBeGreaterThan(0.97);
    expect(std(ivw.data) / pred).toBeLessThan(1.03);
    expect(std(ivw.data)).toBeLessThan(0.6 * std(mean.data));
    expect(ivw.err[5]).toBeCloseTo(pred, 5);
  });
  it('weightVars (JWST VAR_RNOISE) set the weights and ERR still the errors: hand-computed pixel, fallback to ERR² on a bad voxel', () => {
    const frames = [Float32Array.of(1, 1), Float32Array.of(4, 4), Float32Array.of(10, 10)];
    const errs = [Float32Array.of(2, 2), Float32Array.of(2, 2), Float32Array.of(4, 4)];
    const vars = [Float32Array.of(1, NaN), Float32Array.of(1, 0), Float32Array.of(4, 4)];
    const r = coaddArrays(frames, errs, 'ivw', { weightVars: vars });
    const w = [1, 1, 1 / 4], e = [2, 2, 4];
    const sw = w[0]! + w[1]! + w[2]!;
    expect(r.data[0]).toBeCloseTo((1 * w[0]! + 4 * w[1]! + 10 * w[2]!) / sw, 6);
    expect(r.err[0]).toBeCloseTo(Math.sqrt(w.reduce((a, wi, i) => a + wi * wi * e[i]! ** 2, 0)) / sw, 6);
    // pixel 1: VAR_RNOISE NaN and 0 → those exposures fall back to ERR² (4, 4), the third keeps 4: equal weights
    expect(r.data[1]).toBeCloseTo(5, 6);
    expect(r.err[1]).toBeCloseTo(Math.sqrt(4 + 4 + 16) / 3, 6);
    expect(() => coaddArrays(frames, errs, 'ivw', { weightVars: [vars[0]!] })).toThrow(/1 weight variance maps for 3 exposures/);
    expect(() => coaddArrays(frames, errs, 'ivw', { weightVars: [vars[0]!, Float32Array.of(1), vars[2]!] })).toThrow(/weight variance map of exposure 1 has 1 pixels, expected 2/);
  });
  it('ERR with the Poisson term of the measured counts biases a bright source low; read-noise weights do not', () => {
    // JWST ERR² = read-noise variance + measured counts / gain, so an upward fluctuation gets a larger error and
    // a smaller weight. 20 000 pixels of a 100-unit source, read-noise variance 1, gain 1, N = 8.
    const npix = 20_000, n = 8, mu = 100;
    const rng = mulberry32(5);
    const frames: Float32Array[] = [], errs: Float32Array[] = [], vars: Float32Array[] = [];
    for (let t = 0; t < n; t++) {
      const f = new Float32Array(npix), e = new Float32Array(npix);
      for (let i = 0; i < npix; i++) { f[i] = mu + Math.sqrt(1 + mu) * rng.normal(); e[i] = Math.sqrt(1 + Math.max(0, f[i]!)); }
      frames.push(f); errs.push(e); vars.push(constErr(npix, 1));
    }
    const meanOf = (a: Float32Array) => a.reduce((x, v) => x + v, 0) / a.length;
    for (const m of ['ivw', 'clipped-ivw'] as const) {
      const byErr = coaddArrays(frames, errs, m);
      const byVar = coaddArrays(frames, errs, m, { weightVars: vars });
      // bias of 1/ERR² weights ≈ −Var/μ·(1 − 1/N) ≈ −0.9; the standard error of a 20 000-pixel mean is 0.025
      expect(meanOf(byErr.data) - mu).toBeLessThan(-0.6);
      expect(Math.abs(meanOf(byVar.data) - mu)).toBeLessThan(0.1);
      // equal read-noise weights: the ERR of the result predicts its scatter
      expect(std(byVar.data) / meanOf(byVar.err)).toBeGreaterThan(0.95);
      expect(std(byVar.data) / meanOf(byVar.err)).toBeLessThan(1.05);
    }
  });
  it('skips voxels with non-finite data or non-positive error', () => {
    const frames = [Float32Array.of(1, NaN), Float32Array.of(3, 5)];
    const errs = [Float32Array.of(1, 1), Float32Array.of(0, 1)];
    const r = coaddArrays(frames, errs, 'ivw');
    expect(r.data[0]).toBe(1);
    expect(r.data[1]).toBe(5);
    expect(Array.from(r.nUsed)).toEqual([1, 1]);
    const empty = coaddArrays([Float32Array.of(NaN)], [null], 'mean');
    expect(empty.data[0]).toBeNaN();
  });
});

describe('sigma-clipped mean rejects cosmic rays along the exposure axis', () => {
  it('removes injected hits the plain mean keeps', () => {
    const npix = 20_000;
    const n = 8;
    const sigma = 1;
    const frames = stack(n, npix, [sigma], 21, 0);
    const clean = coaddArrays(frames, frames.map(() => null), 'mean').data;
    const rng = mulberry32(99);
    const hit = new Uint8Array(npix);
    for (let j = 0; j < 600; j++) {
      const p = Math.floor(rng.uniform() * npix);
      const t = Math.floor(rng.uniform() * n);
      frames[t]![p] = frames[t]![p]! + 50 + 500 * rng.uniform();
      hit[p] = 1;
    }
    const errs = frames.map(() => constErr(npix, sigma));
    const mean = coaddArrays(frames, errs, 'mean').data;
    const clip = coaddArrays(frames, errs, 'clipped-mean').data;
    let worstClip = 0, worstMean = 0, nHit = 0;
    for (let p = 0; p < npix; p++) {
      if (!hit[p]) continue;
      nHit++;
      worstClip = Math.max(worstClip, Math.abs(clip[p]! - clean[p]!));
      worstMean = Math.max(worstMean, Math.abs(mean[p]! - clean[p]!));
    }
    expect(nHit).toBeGreaterThan(500);
    expect(worstMean).toBeGreaterThan(6); // ≥ 50/8
    // after rejection only the noise of dropping the hit frame remains: |Δ| ≲ a few σ/√N
    expect(worstClip).toBeLessThan(5 * sigma / Math.sqrt(n - 1));
  });
});

describe('clipped-ivw (issue 14)', () => {
  it('is the inverse-variance mean of the voxels the clip keeps, with ERR 1/sqrt(Σ kept 1/e²)', () => {
    // one pixel, four exposures of σ 1, 1, 2, 2; the fourth holds a cosmic ray
    const x = [10, 12, 8, 60], e = [1, 1, 2, 2];
    const r = coaddArrays(x.map((v) => Float32Array.of(v)), e.map((v) => Float32Array.of(v)), 'clipped-ivw');
    const w = [1, 1, 0.25];
    expect(r.nUsed[0]).toBe(3);
    expect(r.data[0]).toBeCloseTo((10 * w[0]! + 12 * w[1]! + 8 * w[2]!) / (w[0]! + w[1]! + w[2]!), 5);
    expect(r.err[0]).toBeCloseTo(1 / Math.sqrt(2.25), 5);
    // the clipped mean of the same voxels weighs them equally
    expect(coaddArrays(x.map((v) => Float32Array.of(v)), e.map((v) => Float32Array.of(v)), 'clipped-mean').data[0]).toBeCloseTo(10, 5);
  });
  it('has a lower noise than the clipped mean on exposures of unequal depth, and the ivw noise', () => {
    const npix = 20000, rng = mulberry32(5);
    const sig = [1, 1.2, 0.8, 1.5, 1, 0.9, 1.3, 1.1];
    const gauss = () => { let u = 0; while (u === 0) u = rng.uniform(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform()); };
    const frames = sig.map((s) => Float32Array.from({ length: npix }, () => s * gauss()));
    const errs = sig.map((s) => constErr(npix, s));
    const std = (a: Float32Array) => Math.sqrt(a.reduce((q, v) => q + v * v, 0) / a.length);
    const civw = std(coaddArrays(frames, errs, 'clipped-ivw').data), cm = std(coaddArrays(frames, errs, 'clipped-mean').data);
    const ideal = 1 / Math.sqrt(sig.reduce((q, s) => q + 1 / (s * s), 0));
    const cmean = std(coaddArrays(frames, errs, 'mean').data);
    console.log(`noise on 8 exposures of σ 0.8–1.5: clipped-ivw ${civw.toFixed(4)}, clipped-mean ${cm.toFixed(4)}, mean ${cmean.toFixed(4)}, ivw ideal ${ideal.toFixed(4)}`);
    expect(civw).toBeLessThan(cm * 0.97);
    // the clip's own cost, as the clipped mean's above (≤ 6 % over its ideal)
    expect(Math.abs(civw / ideal - 1)).toBeLessThan(0.06);
  });
});
