import { describe, expect, it } from 'vitest';
import { bankFilter, bankNoise, detectBank, detectionBank, gaussianRng, mulberry32Uniform } from '../src/index.ts';

const W = 96, H = 96, SIG = 1;
function noise(seed: number): Float32Array {
  const g = gaussianRng(mulberry32Uniform(seed));
  return Float32Array.from({ length: W * H }, () => SIG * g());
}
/** Adds flux × (unit-flux template of bank kernel k) centred at integer (x, y). */
function addTemplate(d: Float32Array, k: { half: number; taps: Float64Array; norm: number }, x: number, y: number, flux: number): void {
  const n = 2 * k.half + 1;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    const xx = x + i - k.half, yy = y + j - k.half;
    if (xx >= 0 && yy >= 0 && xx < W && yy < H) d[yy * W + xx] += flux * k.taps[j * n + i]! * k.norm;
  }
}

describe('matched-filter detection bank', () => {
  const bank = detectionBank({ psfFwhmPx: 2, pixScaleArcsec: 0.04 });
  it('has unit-L2 kernels: the filtered white noise keeps σ', () => {
    expect(bank.map((k) => k.name)).toEqual(['psf', 'exp r_e=0.05"', 'exp r_e=0.10"', 'exp r_e=0.20"']);
    const s = bankNoise([{ data: noise(1), width: W, height: H }, { data: noise(2), width: W, height: H }], bank);
    for (const v of s) { expect(v).toBeGreaterThan(0.93 * SIG); expect(v).toBeLessThan(1.07 * SIG); }
  });
  it('recovers a point source at its position with flux and S/N of the matched filter', () => {
    const d = noise(3);
    const F = 40; // expected S/N = F‖t‖/σ
    addTemplate(d, bank[0]!, 40, 50, F);
    const det = detectBank({ data: d, width: W, height: H }, bank, { threshold: 5, sigma: bank.map(() => SIG), background: 0 });
    expect(det.length).toBeGreaterThanOrEqual(1);
    const top = det[0]!;
    expect(Math.hypot(top.x - 40, top.y - 50)).toBeLessThanOrEqual(1);
    const snr = F * bank[0]!.norm / SIG;
    expect(Math.abs(top.snr - snr)).toBeLessThan(3.5); // max over 4 kernels ≥ the PSF one, within noise
    expect(Math.abs(top.flux - F) / F).toBeLessThan(0.35);
  });
  it('prefers the wide kernel for an extended source and detects it deeper than the PSF filter alone', () => {
    const d = noise(4);
    const k3 = bank[3]!;
    const F = 4.5 / k3.norm; // S/N 4.5 in the matched (r_e = 0.2″) kernel, much less in the PSF one
    addTemplate(d, k3, 48, 48, F);
    const fPsf = bankFilter(d, W, H, bank[0]!)[48 * W + 48]!;
    const fExt = bankFilter(d, W, H, k3)[48 * W + 48]!;
    expect(fExt).toBeGreaterThan(fPsf + 1.5);
    const det = detectBank({ data: d, width: W, height: H }, bank, { threshold: 3.5, sigma: bank.map(() => SIG), background: 0 });
    const hit = det.find((q) => Math.hypot(q.x - 48, q.y - 48) <= 2);
    expect(hit).toBeDefined();
    expect(hit!.kernel).toBeGreaterThanOrEqual(2);
    expect(() => detectBank({ data: d, width: W, height: H }, bank, { threshold: 3, sigma: [1] })).toThrow(/noise values/);
  });
});
