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

describe('sub-pixel refinement (issue 14: matched-filter photometry)', () => {
  it('removes the pixel-phase flux loss of point sources off the pixel centre', () => {
    const bank = detectionBank({ psfFwhmPx: 2, pixScaleArcsec: 0.04, reArcsec: [] });
    const s = 2 / 2.3548, rng = mulberry32Uniform(9);
    const d = new Float32Array(W * H);
    const truth: { x: number; y: number }[] = [];
    for (let gy = 12; gy < H - 8; gy += 16) for (let gx = 12; gx < W - 8; gx += 16) {
      const x = gx + rng() - 0.5, y = gy + rng() - 0.5;
      truth.push({ x, y });
      // pixel-integrated Gaussian of unit flux (5 × 5 sub-samples)
      for (let j = gy - 6; j <= gy + 6; j++) for (let i = gx - 6; i <= gx + 6; i++) {
        let v = 0;
        for (let b = 0; b < 5; b++) for (let a = 0; a < 5; a++) { const dx = i - 0.4 + a / 5 - x, dy = j - 0.4 + b / 5 - y; v += Math.exp(-(dx * dx + dy * dy) / (2 * s * s)); }
        d[j * W + i] += (1000 * v) / (25 * 2 * Math.PI * s * s);
      }
    }
    const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
    const run = (refine: boolean) => detectBank({ data: d, width: W, height: H }, bank, { threshold: 5, sigma: [1], background: 0, refine });
    const plain = run(false), fine = run(true);
    expect(plain.length).toBe(truth.length);
    expect(fine.length).toBe(truth.length);
    const ratio = (det: typeof plain) => det.map((q) => q.flux / 1000);
    const err = (det: typeof plain) => det.map((q) => Math.min(...truth.map((t) => Math.hypot(t.x - q.x, t.y - q.y))));
    expect(med(ratio(plain))).toBeLessThan(0.97); // the peak-pixel loss
    expect(Math.abs(med(ratio(fine)) - 1)).toBeLessThan(0.01);
    expect(Math.max(...ratio(fine).map((r) => Math.abs(r - 1)))).toBeLessThan(0.03);
    expect(med(err(fine))).toBeLessThan(0.1);
    expect(med(err(plain))).toBeGreaterThan(0.2);
  });
});

describe('effective PSF of a processed image (issue 14)', () => {
  it('measures the FWHM of a blurred copy against the reference at bright compact peaks', async () => {
    const { effectivePsfFwhm } = await import('../src/index.ts');
    const render = (fwhm: number, seed: number) => {
      const s = fwhm / 2.3548, g = gaussianRng(mulberry32Uniform(seed));
      const d = Float32Array.from({ length: W * H }, () => 0.5 * g());
      for (let gy = 12; gy < H - 8; gy += 16) for (let gx = 12; gx < W - 8; gx += 16) {
        for (let j = gy - 7; j <= gy + 7; j++) for (let i = gx - 7; i <= gx + 7; i++) d[j * W + i] += (400 / (2 * Math.PI * s * s)) * Math.exp(-((i - gx) ** 2 + (j - gy) ** 2) / (2 * s * s));
      }
      return { data: d, width: W, height: H };
    };
    const ref = render(2, 1), blurred = render(2.4, 1);
    expect(Math.abs(effectivePsfFwhm(blurred, 2, { reference: ref }) / 2.4 - 1)).toBeLessThan(0.04);
    expect(Math.abs(effectivePsfFwhm(ref, 2, { reference: ref }) / 2 - 1)).toBeLessThan(0.01);
    expect(Number.isNaN(effectivePsfFwhm({ data: new Float32Array(W * H), width: W, height: H }, 2))).toBe(true);
  });
});

describe('per-kernel S/N penalty', () => {
  it('subtracts each kernel\'s penalty before the max: a large penalty on the wide kernels leaves the PSF-only detections', () => {
    const bank = detectionBank({ psfFwhmPx: 2, pixScaleArcsec: 0.04 });
    const d = noise(11);
    const sig = bank.map(() => SIG);
    const psfOnly = detectBank({ data: d, width: W, height: H }, [bank[0]!], { threshold: 2.5, sigma: [SIG], background: 0 });
    const pen = detectBank({ data: d, width: W, height: H }, bank, { threshold: 2.5, sigma: sig, background: 0, penalty: [0, 50, 50, 50] });
    expect(pen.map((q) => [q.x, q.y, q.kernel, q.snr.toFixed(5)])).toEqual(psfOnly.map((q) => [q.x, q.y, 0, q.snr.toFixed(5)]));
    const plain = detectBank({ data: d, width: W, height: H }, bank, { threshold: 2.5, sigma: sig, background: 0 });
    expect(plain.some((q) => q.kernel > 0)).toBe(true); // without penalties the wide kernels win somewhere
    expect(() => detectBank({ data: d, width: W, height: H }, bank, { threshold: 2.5, penalty: [0] })).toThrow(/penalties/);
  });
});
