import { describe, expect, it } from 'vitest';
import { makeExposure, normaliseCorrelationKernel, drizzleKernel, skyAt, type NoiseParams } from '../src/noise.ts';
import { sigmaPerExposure } from '../src/simulate.ts';
import { nJyFromAbMag } from '@asteris/astro';
import { Rng } from '@asteris/core';

const W = 256, H = 256;
const base: NoiseParams = {
  sigmaExp: sigmaPerExposure(29.6, 8, 0.04), sky: 7.5, readFraction: 0.25, oneOverFFraction: 0.1,
  skyVariation: 0.03, skyGradient: 0.02, subtractSky: true, cosmicRayRate: 1e-4, hotPixelRate: 1e-4,
  hotPixelFlagged: 0.8, snowballRate: 0, artefacts: false,
};

/** A scene with a few bright sources; 'source-free' = scene below 1e-3 σ. */
function scene(): Float32Array {
  const s = new Float32Array(W * H);
  for (const [cx, cy, f] of [[60, 60, 500], [180, 100, 80], [120, 200, 2000]]) {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) s[y * W + x] += (f / (2 * Math.PI * 4)) * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
  }
  return s;
}

function chi2(p: NoiseParams, seed: number): { chi2: number; n: number; srcChi2: number } {
  const sc = scene();
  const { sci, err, dq, meta } = makeExposure(sc, W, H, p, new Rng(seed));
  let s = 0, n = 0, s2 = 0, n2 = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    if (dq[i] !== 0) continue;
    const resid = sci[i] - sc[i] - (skyAt(meta, x, y, W, H) - (p.subtractSky ? p.sky : 0));
    const c = (resid / err[i]) ** 2;
    if (sc[i] < 1e-3 * p.sigmaExp) { s += c; n++; } else if (sc[i] > 10 * p.sigmaExp) { s2 += c; n2++; }
  }
  return { chi2: s / n, n, srcChi2: n2 ? s2 / n2 : NaN };
}

describe('exposure noise model', () => {
  it('χ² of source-free pixels ≈ 1 (ERR is the σ of the noise actually added)', () => {
    // 1/f rows are correlated over many rows, so a single 256² frame scatters by a few per cent: average 4
    let mean = 0;
    for (const seed of [1, 2, 3, 4]) {
      const r = chi2(base, seed);
      expect(r.n).toBeGreaterThan(50000);
      expect(Math.abs(r.chi2 - 1)).toBeLessThan(0.08);
      mean += r.chi2 / 4;
    }
    expect(Math.abs(mean - 1)).toBeLessThan(0.025);
    // without 1/f striping the white part alone is tight
    expect(Math.abs(chi2({ ...base, oneOverFFraction: 0 }, 7).chi2 - 1)).toBeLessThan(0.015);
  });

  it('χ² ≈ 1 on bright sources too (source photon noise is in ERR)', () => {
    // few hundred bright pixels per frame: average 6 frames (1/f off, it is tested above)
    let m = 0;
    for (let s = 0; s < 6; s++) m += chi2({ ...base, oneOverFFraction: 0 }, 40 + s).srcChi2 / 6;
    expect(Math.abs(m - 1)).toBeLessThan(0.08);
  });

  it('χ² ≈ 1 with drizzle-like correlated noise, and neighbouring pixels are correlated', () => {
    const p = { ...base, correlationKernel: normaliseCorrelationKernel(drizzleKernel(0.75)) };
    const r = chi2(p, 5);
    expect(Math.abs(r.chi2 - 1)).toBeLessThan(0.04);
    const { sci } = makeExposure(new Float32Array(W * H), W, H, { ...p, oneOverFFraction: 0, skyGradient: 0, skyVariation: 0 }, new Rng(6));
    let c = 0, v = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W - 1; x++) { c += sci[y * W + x] * sci[y * W + x + 1]; v += sci[y * W + x] ** 2; }
    expect(c / v).toBeGreaterThan(0.3);
  });

  it('8-exposure mean reaches the configured 5σ point-source depth in 0.2″-diameter apertures (±0.15 mag)', () => {
    const depth = 29.6, nexp = 8;
    const p = { ...base, sigmaExp: sigmaPerExposure(depth, nexp, 0.04), oneOverFFraction: 0 };
    const zero = new Float32Array(W * H);
    const mean = new Float64Array(W * H);
    for (let e = 0; e < nexp; e++) {
      const { sci, meta } = makeExposure(zero, W, H, p, new Rng(100 + e));
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) mean[y * W + x] += (sci[y * W + x] - (skyAt(meta, x, y, W, H) - p.sky)) / nexp;
    }
    // empty-aperture sums, r = 2.5 px, on a grid of non-overlapping apertures
    const sums: number[] = [];
    for (let cy = 4; cy < H - 4; cy += 6) for (let cx = 4; cx < W - 4; cx += 6) {
      let s = 0;
      for (let y = cy - 3; y <= cy + 3; y++) for (let x = cx - 3; x <= cx + 3; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= 6.25) s += mean[y * W + x];
      sums.push(s);
    }
    const m = sums.reduce((a, b) => a + b, 0) / sums.length;
    const sd = Math.sqrt(sums.reduce((a, b) => a + (b - m) ** 2, 0) / (sums.length - 1));
    // aperture of 21 whole pixels vs π·2.5² = 19.6 in the definition: rescale
    const sdDef = sd * Math.sqrt((Math.PI * 6.25) / 21);
    const measured = 31.4 - 2.5 * Math.log10(5 * sdDef);
    expect(Math.abs(measured - depth)).toBeLessThan(0.15);
    expect(nJyFromAbMag(depth) / 5).toBeGreaterThan(0);
  });

  it('artefacts: cosmic rays, hot pixels (mostly DQ-flagged) and snowballs appear at the requested rates', () => {
    const p = { ...base, artefacts: true, cosmicRayRate: 2e-4, hotPixelRate: 2e-4, snowballRate: 3e-5 };
    const { dq, meta } = makeExposure(new Float32Array(W * H), W, H, p, new Rng(9));
    const exp = W * H * 2e-4;
    expect(Math.abs(meta.nCosmicRays - exp)).toBeLessThan(5 * Math.sqrt(exp));
    expect(Math.abs(meta.nHotPixels - exp)).toBeLessThan(5 * Math.sqrt(exp));
    expect(meta.nSnowballs).toBeGreaterThan(0);
    let hot = 0, jump = 0;
    for (const v of dq) { if (v & 2048) hot++; if (v & 4) jump++; }
    expect(hot).toBeGreaterThan(0.5 * meta.nHotPixels);
    expect(jump).toBeGreaterThan(10);
  });

  it('1/f striping: row means are correlated along the slow axis and differ between exposures', () => {
    const p = { ...base, oneOverFFraction: 0.5, readFraction: 0.1 };
    const zero = new Float32Array(W * H);
    const rows = (seed: number) => {
      const { sci } = makeExposure(zero, W, H, { ...p, skyGradient: 0, skyVariation: 0 }, new Rng(seed));
      const r = new Float64Array(H);
      for (let y = 0; y < H; y++) { let s = 0; for (let x = 0; x < 64; x++) s += sci[y * W + x]; r[y] = s / 64; }
      return r;
    };
    const a = rows(11), b = rows(12);
    let saa = 0, sab = 0, lag = 0;
    for (let y = 0; y < H; y++) { saa += a[y] * a[y]; sab += a[y] * b[y]; if (y) lag += a[y] * a[y - 1]; }
    expect(lag / saa).toBeGreaterThan(0.3);   // 1/f: correlated neighbouring rows
    expect(Math.abs(sab / saa)).toBeLessThan(0.3); // independent between exposures
  });
});
