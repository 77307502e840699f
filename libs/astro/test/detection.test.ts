import { describe, expect, it } from 'vitest';
import { Rng } from '@asteris/core';
import { abMagFromNJy, expectedNoisePeaks, neymanPearsonM90, normalQuantile, normalTail, pointSourceDetectionLimit } from '../src/index.ts';

/** White noise of unit variance smoothed by a Gaussian of σ = s (periodic), rescaled to unit variance. */
function smoothedNoise(n: number, s: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const img = new Float64Array(n * n);
  for (let i = 0; i < img.length; i++) img[i] = rng.normal();
  const r = Math.ceil(4 * s);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * s * s)));
  const tmp = new Float64Array(n * n), f = new Float64Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    let a = 0;
    for (let i = -r; i <= r; i++) a += k[i + r]! * img[y * n + ((x + i + n) % n)]!;
    tmp[y * n + x] = a;
  }
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    let a = 0;
    for (let i = -r; i <= r; i++) a += k[i + r]! * tmp[((y + i + n) % n) * n + x]!;
    f[y * n + x] = a;
  }
  let ss = 0;
  for (const v of f) ss += v * v;
  const sd = Math.sqrt(ss / f.length);
  for (let i = 0; i < f.length; i++) f[i] = f[i]! / sd;
  return f;
}

/** 8-connected components above t. */
function excursions(f: Float64Array, n: number, t: number): number {
  const lab = new Uint8Array(n * n);
  const st: number[] = [];
  let c = 0;
  for (let p = 0; p < n * n; p++) {
    if (lab[p] || f[p]! <= t) continue;
    c++; lab[p] = 1; st.push(p);
    while (st.length) {
      const q = st.pop()!;
      const qx = q % n, qy = (q - qx) / n;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = qx + dx, yy = qy + dy;
        if (xx < 0 || yy < 0 || xx >= n || yy >= n) continue;
        const o = yy * n + xx;
        if (!lab[o] && f[o]! > t) { lab[o] = 1; st.push(o); }
      }
    }
  }
  return c;
}

describe('normal distribution helpers', () => {
  it('match tabulated values', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalTail(5)).toBeCloseTo(2.866516e-7, 9);
    expect(normalTail(-1)).toBeCloseTo(0.8413447, 6);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815516, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('noise peaks of a smoothed Gaussian field (Euler characteristic)', () => {
  const n = 768;
  it('predicts the number of excursions of white noise smoothed on a scale of 2.5 px within 20 %', () => {
    const f = smoothedNoise(n, 2.5, 11);
    for (const t of [2.5, 3]) {
      const got = excursions(f, n, t), want = expectedNoisePeaks(t, 2.5, n * n);
      expect(got / want).toBeGreaterThan(0.8);
      expect(got / want).toBeLessThan(1.2);
    }
  });
  it('gives the threshold for a given false-detection count to ≤ 0.25σ at a PSF-scale smoothing of 0.85 px', () => {
    const f = smoothedNoise(n, 0.85, 12);
    // the threshold at which the lattice field shows ≈ 30 excursions, against the formula's
    let lo = 2, hi = 6;
    for (let k = 0; k < 20; k++) { const mid = (lo + hi) / 2; if (excursions(f, n, mid) > 30) lo = mid; else hi = mid; }
    let a = 1, b = 40;
    for (let k = 0; k < 60; k++) { const mid = (a + b) / 2; if (expectedNoisePeaks(mid, 0.85, n * n) > 30) a = mid; else b = mid; }
    expect(Math.abs(hi - b)).toBeLessThan(0.25);
  });
});

describe('pointSourceDetectionLimit', () => {
  it('matches a hand calculation (FWHM 2 px, σ 1.519 nJy/px, 2 × 512² px, one false detection)', () => {
    const L = pointSourceDetectionLimit({ sigmaPix: 1.519, psfFwhmPx: 2, areaPx: 2 * 512 * 512, falseDetections: 1 });
    const s = 2 / (2 * Math.sqrt(2 * Math.LN2));
    // E[χ](t) = 1 at the threshold
    expect(expectedNoisePeaks(L.threshold, s, 2 * 512 * 512)).toBeCloseTo(1, 6);
    expect(L.threshold).toBeGreaterThan(4.6);
    expect(L.threshold).toBeLessThan(5.0);
    expect(L.snr).toBeCloseTo(L.threshold + 1.2815516, 5);
    expect(L.fluxNoise).toBeCloseTo(1.519 * Math.sqrt(4 * Math.PI * (s * s + 1 / 12)), 9);
    const m = abMagFromNJy(L.flux);
    expect(m).toBeGreaterThan(27.6);
    expect(m).toBeLessThan(27.9);
  });
  it('gets 2.5 log10 2 mag deeper when the noise halves, and shallower with more false detections allowed only logarithmically', () => {
    const base = { psfFwhmPx: 2.5, areaPx: 1e6, falseDetections: 3 };
    const a = pointSourceDetectionLimit({ sigmaPix: 2, ...base }), b = pointSourceDetectionLimit({ sigmaPix: 1, ...base });
    expect(abMagFromNJy(b.flux) - abMagFromNJy(a.flux)).toBeCloseTo(2.5 * Math.log10(2), 9);
    const c = pointSourceDetectionLimit({ sigmaPix: 1, ...base, falseDetections: 30 });
    expect(c.threshold).toBeLessThan(b.threshold);
    expect(b.threshold - c.threshold).toBeLessThan(0.6);
  });
  it('rejects nonsense input', () => {
    expect(() => pointSourceDetectionLimit({ sigmaPix: 0, psfFwhmPx: 2, areaPx: 1, falseDetections: 1 })).toThrow(RangeError);
    expect(() => pointSourceDetectionLimit({ sigmaPix: 1, psfFwhmPx: 2, areaPx: 1e4, falseDetections: 1, completeness: 1 })).toThrow(RangeError);
  });
});

describe('neymanPearsonM90 (the ceiling m90 of a field, issue 14)', () => {
  it('is the AB magnitude of pointSourceDetectionLimit at falsePerArcmin2 × area; deeper with lower noise, shallower with fewer false allowed', () => {
    const psl = pointSourceDetectionLimit;
    const base = { sigmaPix: 0.1, psfFwhmPx: 3, width: 512, height: 512, pixelScaleArcsec: 0.04, falsePerArcmin2: 10 };
    const r = neymanPearsonM90(base);
    const area = (512 * 512 * 0.04 ** 2) / 3600;
    expect(r.m90).toBeCloseTo(abMagFromNJy(psl({ sigmaPix: 0.1, psfFwhmPx: 3, areaPx: 512 * 512, falseDetections: 10 * area }).flux), 10);
    // halving the noise gains 2.5 log10 2 = 0.753 mag exactly (the threshold depends only on the false count)
    expect(neymanPearsonM90({ ...base, sigmaPix: 0.05 }).m90 - r.m90).toBeCloseTo(0.753, 3);
    expect(neymanPearsonM90({ ...base, falsePerArcmin2: 1 }).m90).toBeLessThan(r.m90);
  });
});

describe('the ceiling\'s noise input for correlated noise (issue 14)', () => {
  // the matched-filter flux noise of a point source is the σ of the unit-L2 PSF-filtered noise / ‖p‖, not
  // the pixel σ / ‖p‖: on correlated noise only the filtered σ gives the ceiling the right flux noise
  it('fluxNoise from the PSF-filtered σ matches the empirical matched-filter flux scatter; the pixel σ understates it', () => {
    const n = 128, sPsf = 1.3, fwhm = sPsf * 2 * Math.sqrt(2 * Math.LN2);
    const d = smoothedNoise(n, 0.8, 77); // unit pixel σ, correlated over ≈ 1.6 px
    const v = sPsf * sPsf + 1 / 12, r = 6;
    const p: number[] = [];
    for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) p.push(Math.exp(-(i * i + j * j) / (2 * v)));
    const sum = p.reduce((a, b) => a + b, 0);
    const pu = p.map((q) => q / sum), n2 = pu.reduce((a, b) => a + b * b, 0);
    let sf = 0, sF = 0;
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      let a = 0;
      for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) a += pu[(j + r) * (2 * r + 1) + i + r]! * d[((y + j + n) % n) * n + ((x + i + n) % n)]!;
      sF += (a / n2) ** 2; // matched-filter flux estimate Σ p d / Σ p²
      sf += (a / Math.sqrt(n2)) ** 2; // unit-L2 filtered map
    }
    const fluxScatter = Math.sqrt(sF / (n * n)), filtSigma = Math.sqrt(sf / (n * n));
    const lim = (sigmaPix: number) => pointSourceDetectionLimit({ sigmaPix, psfFwhmPx: fwhm, areaPx: n * n, falseDetections: 1 }).fluxNoise;
    expect(filtSigma).toBeGreaterThan(1.5);
    expect(lim(filtSigma) / fluxScatter).toBeGreaterThan(0.97);
    expect(lim(filtSigma) / fluxScatter).toBeLessThan(1.03);
    expect(lim(1) / fluxScatter).toBeLessThan(0.7);
  });
});
