// The detect stage's bank machinery (bankdetect.ts, issue 14): FFT bank maps equal bankFilter's, the seeded
// measurement keeps exactly the footprints holding a bank peak (ids 1..n = segmentation labels), and the
// null calibration's threshold holds the nulls at the target false rate.
import { describe, expect, it } from 'vitest';
import { Header } from '@asteris/fits';
import { bankFilter, bankMaps, bankPeaks, bankPlane, calibrateBankOnNulls, detectBank, detectionBank, gaussianRng, mulberry32Uniform, robustStd, seededSources } from '../src/index.ts';

const W = 120, H = 100;
function noise(seed: number, sources: [number, number, number][] = []): { data: Float32Array; width: number; height: number; header: Header } {
  const g = gaussianRng(mulberry32Uniform(seed));
  const data = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let v = g();
    for (const [cx, cy, a] of sources) v += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 1.3 ** 2));
    data[y * W + x] = v;
  }
  return { data, width: W, height: H, header: new Header() };
}

describe('bank detection in the detect stage', () => {
  const bank = detectionBank({ psfFwhmPx: 3, pixScaleArcsec: 0.04 });

  it('bankMaps (FFT, two kernels per inverse) equals bankFilter within 3e-3 σ (bankFilter drops taps below 1e-4 of the peak), also with NaN pixels', () => {
    const im = noise(1, [[40, 50, 8]]);
    im.data[5 * W + 7] = NaN;
    const maps = bankMaps(im.data, W, H, bank);
    expect(maps.length).toBe(bank.length);
    bank.forEach((k, i) => {
      const ref = bankFilter(im.data, W, H, k);
      const s = robustStd(ref);
      let d = 0;
      for (let p = 0; p < ref.length; p++) d = Math.max(d, Math.abs(ref[p]! - maps[i]![p]!));
      expect(d / s, k.name).toBeLessThan(3e-3);
    });
  });

  it('seeded measurement: keeps the footprints that hold a peak, relabelled 1..n, counts peaks on no footprint', () => {
    const im = noise(2, [[30, 30, 10], [80, 60, 10], [60, 20, 10]]);
    const r = seededSources(im, {}, [{ x: 30, y: 30 }, { x: 80, y: 61 }, { x: 5, y: 95 }], 1.5);
    expect(r.sources.map((s) => s.id)).toEqual([1, 2]);
    for (const s of r.sources) expect(Math.hypot(s.x - 30, s.y - 30) < 2 || Math.hypot(s.x - 80, s.y - 60) < 2).toBe(true);
    const labels = new Set(Array.from(r.segmentation).filter((v) => v > 0));
    expect([...labels].sort()).toEqual([1, 2]);
    expect(r.segmentation[20 * W + 60]).toBe(0); // the source without a peak is dropped from the map
    expect(r.unsegmented).toBeLessThanOrEqual(1);
  });

  it('null calibration: the null false rate at the threshold is ≤ the target, and a field of the same noise agrees within 2σ', () => {
    const nulls = [3, 4, 5, 6].map((s) => noise(s));
    const scale = 0.2; // arcsec/px: 0.13 arcmin² per image
    const target = 30;
    const { cal } = calibrateBankOnNulls(nulls, bank, scale, target);
    expect(cal.resolved).toBe(true);
    expect(cal.rate).toBeLessThanOrEqual(target);
    expect(cal.n).toBeGreaterThan(10);
    // independent noise fields at that threshold and σ_k: their peaks per arcmin² (same 6 px border)
    const fields = [7, 8, 9, 10].map((s) => noise(s));
    const n = fields.reduce((a, f) => a + bankPeaks(f, bank, cal.threshold).peaks.length, 0);
    const area = (fields.length * (W - 12) * (H - 12) * scale * scale) / 3600;
    const truth = n / area, err = Math.sqrt(Math.max(n, 1)) / area;
    expect(n).toBeGreaterThan(0);
    expect(Math.abs(truth - cal.rate), `truth ${truth.toFixed(0)} ± ${err.toFixed(0)}, null ${cal.rate.toFixed(0)} ± ${cal.err.toFixed(0)}`).toBeLessThanOrEqual(2 * Math.hypot(err, cal.err));
  });

  it('bankPlane row-whitens: striped noise filtered by the PSF kernel keeps the white σ; own-σ S/N is scale-free; peaks sub-pixel refined as detectBank', () => {
    const g = gaussianRng(mulberry32Uniform(21));
    const stripes = Float32Array.from({ length: H }, () => 0.5 * g());
    const mk = (k: number) => {
      const im = noise(22, [[40.3, 50.4, 6]]);
      return { ...im, data: Float32Array.from(im.data, (v, p) => k * (v + stripes[Math.floor(p / W)]! + 3)) };
    };
    const psf = [bank[0]!];
    const raw = robustStd(bankMaps(mk(1).data.map((v) => v - 3), W, H, psf)[0]!);
    const flat = robustStd(bankMaps(bankPlane(mk(1), 32).data, W, H, psf)[0]!);
    expect(raw).toBeGreaterThan(1.2);
    expect(flat).toBeGreaterThan(0.9);
    expect(flat).toBeLessThan(1.1);
    const a = bankPeaks(bankPlane(mk(1), 32), bank, 6), b = bankPeaks(bankPlane(mk(2), 32), bank, 6);
    expect(a.peaks.length).toBe(1);
    expect(b.peaks[0]!.snr).toBeCloseTo(a.peaks[0]!.snr, 3);
    expect(Math.hypot(a.peaks[0]!.x - 40.3, a.peaks[0]!.y - 50.4)).toBeLessThan(0.25);
    const ref = detectBank(bankPlane(mk(1), 32), bank, { threshold: 6, background: 0, refine: true, border: 6 });
    expect(a.peaks[0]!.x).toBeCloseTo(ref[0]!.x, 2);
    expect(a.peaks[0]!.flux / ref[0]!.flux).toBeCloseTo(1, 2);
  });

  it('null calibration: peaks in the field\'s bright-source mask are not counted (refined, sub-pixel peak positions included)', () => {
    const nulls = [3, 4].map((s) => noise(s, [[60.4, 50.3, 12], [30.6, 70.5, 10]]));
    const mask = new Uint8Array(W * H);
    for (const [cx, cy] of [[60, 50], [31, 70]]) for (let y = cy - 5; y <= cy + 5; y++) for (let x = cx - 5; x <= cx + 5; x++) mask[y * W + x] = 1;
    const { nullPeaks } = calibrateBankOnNulls(nulls, bank, 0.2, 30, mask);
    const bright = calibrateBankOnNulls(nulls, bank, 0.2, 30).nullPeaks;
    expect(bright.flat().some((q) => Math.hypot(q.x - 60.4, q.y - 50.3) < 1.5)).toBe(true);
    expect(nullPeaks.flat().some((q) => Math.hypot(q.x - 60.4, q.y - 50.3) < 3 || Math.hypot(q.x - 30.6, q.y - 70.5) < 3)).toBe(false);
  });
});
