import { describe, expect, it } from 'vitest';
import {
  circleRectOverlap, ellipseRectOverlap, sumCircle, sumEllipse, sumCircAnnulus, sumEllipAnnulus,
  kronRadius, fluxRadius, APER_TRUNC, APER_HASMASKED, APER_ALLMASKED,
} from '../src/index.ts';

function ones(w: number, h: number, v = 1): Float32Array {
  return new Float32Array(w * h).fill(v);
}

describe('exact circle–pixel overlap', () => {
  it('sums to πr² to 1e-10 for circles fully inside, at arbitrary centres', () => {
    const w = 64;
    const img = ones(w, w);
    for (const [x, y, r] of [[31.3, 30.7, 10], [20.0, 20.0, 0.3], [32.5, 31.5, 5.5], [30.123, 33.987, 17.77], [32, 32, 1e-3]] as const) {
      const res = sumCircle(img, w, w, x, y, r);
      expect(Math.abs(res.area - Math.PI * r * r) / (Math.PI * r * r)).toBeLessThan(1e-10);
      expect(Math.abs(res.sum - Math.PI * r * r) / (Math.PI * r * r)).toBeLessThan(1e-10);
      expect(res.flags).toBe(0);
    }
  });

  it('known overlaps: quarter disc, half-unit square, circle inscribed in a pixel', () => {
    // Circle of radius 1 centred on a pixel corner: quarter of π in that unit pixel.
    expect(circleRectOverlap(0, 0, 1, 1, 1)).toBeCloseTo(Math.PI / 4, 14);
    // Circle inscribed in the unit square.
    expect(circleRectOverlap(-0.5, -0.5, 0.5, 0.5, 0.5)).toBeCloseTo(Math.PI / 4, 14);
    // Circle of radius √2/2 circumscribing the unit square covers it entirely.
    expect(circleRectOverlap(-0.5, -0.5, 0.5, 0.5, Math.SQRT1_2 + 1e-12)).toBeCloseTo(1, 12);
    // Half plane x>0 of a unit disc inside a large box: π/2.
    expect(circleRectOverlap(0, -2, 2, 2, 1)).toBeCloseTo(Math.PI / 2, 14);
    // Strip 0<y<h of the unit disc: 2·∫0^h sqrt(1−y²) dy = h·sqrt(1−h²) + asin(h).
    const h = 0.3;
    expect(circleRectOverlap(-2, 0, 2, h, 1)).toBeCloseTo(h * Math.sqrt(1 - h * h) + Math.asin(h), 14);
    // Corner square [0.5,1]² of the unit disc: ∫_{0.5}^{√.75}(√(1−x²)−0.5)dx.
    const xc = Math.sqrt(0.75);
    const F = (x: number) => 0.5 * (x * Math.sqrt(1 - x * x) + Math.asin(x));
    expect(circleRectOverlap(0.5, 0.5, 1, 1, 1)).toBeCloseTo(F(xc) - F(0.5) - 0.5 * (xc - 0.5), 14);
  });

  it('ellipse overlap (independent polygon∩disc algorithm) agrees with the circle integral when a = b', () => {
    for (let t = 0; t < 200; t++) {
      const x0 = Math.sin(t * 1.7) * 3;
      const y0 = Math.cos(t * 2.3) * 3;
      const r = 0.2 + (t % 17) * 0.3;
      const c = circleRectOverlap(x0, y0, x0 + 1, y0 + 1, r);
      const e = ellipseRectOverlap(x0, y0, x0 + 1, y0 + 1, r, r, t * 0.1);
      expect(Math.abs(c - e)).toBeLessThan(1e-12);
    }
  });

  it('ellipse area πab·r² (exact) for rotated ellipses inside the image, and a 90° rotation swaps axes', () => {
    const w = 80;
    const img = ones(w, w);
    const res = sumEllipse(img, w, w, 40.2, 39.6, 6, 2.5, 33, 2.1);
    expect(Math.abs(res.area / (Math.PI * 6 * 2.5 * 2.1 * 2.1) - 1)).toBeLessThan(1e-10);
    // Non-uniform image: rotating the ellipse by 180° is the same aperture.
    const img2 = new Float32Array(w * w).map((_, k) => Math.sin(k * 0.37) + 2);
    const p = sumEllipse(img2, w, w, 40.2, 39.6, 6, 2.5, 33, 1.5);
    const q = sumEllipse(img2, w, w, 40.2, 39.6, 6, 2.5, 213, 1.5);
    expect(p.sum).toBeCloseTo(q.sum, 9);
    const u = sumEllipse(img2, w, w, 40.2, 39.6, 6, 2.5, 90, 1);
    const v = sumEllipse(img2, w, w, 40.2, 39.6, 2.5, 6, 0, 1);
    expect(u.sum).toBeCloseTo(v.sum, 9);
  });

  it('subpixel sampling converges to the exact overlap', () => {
    const w = 40;
    const img = new Float32Array(w * w).map((_, k) => 1 + ((k * 7919) % 13) / 13);
    const exact = sumCircle(img, w, w, 20.3, 19.8, 7.3).sum;
    const s5 = sumCircle(img, w, w, 20.3, 19.8, 7.3, { subpix: 5 }).sum;
    const s64 = sumCircle(img, w, w, 20.3, 19.8, 7.3, { subpix: 64 }).sum;
    expect(Math.abs(s64 - exact) / exact).toBeLessThan(2e-4);
    expect(Math.abs(s64 - exact)).toBeLessThan(Math.abs(s5 - exact) + 1e-9);
    const e = sumEllipse(img, w, w, 20.3, 19.8, 5, 3, 20, 1.7).sum;
    const e64 = sumEllipse(img, w, w, 20.3, 19.8, 5, 3, 20, 1.7, { subpix: 64 }).sum;
    expect(Math.abs(e64 - e) / e).toBeLessThan(2e-4);
  });

  it('annuli: area π(rout² − rin²), and circle = inner circle + annulus', () => {
    const w = 64;
    const img = new Float32Array(w * w).map((_, k) => Math.cos(k * 0.11));
    const ann = sumCircAnnulus(ones(w, w), w, w, 31.4, 32.6, 3.3, 9.1);
    expect(ann.area).toBeCloseTo(Math.PI * (9.1 ** 2 - 3.3 ** 2), 9);
    const a = sumCircle(img, w, w, 31.4, 32.6, 9.1).sum;
    const b = sumCircle(img, w, w, 31.4, 32.6, 3.3).sum;
    const c = sumCircAnnulus(img, w, w, 31.4, 32.6, 3.3, 9.1).sum;
    expect(a).toBeCloseTo(b + c, 9);
    const ea = sumEllipAnnulus(ones(w, w), w, w, 31.4, 32.6, 3, 2, -40, 1, 3);
    expect(ea.area).toBeCloseTo(Math.PI * 6 * (9 - 1), 9);
  });

  it('variance, gain, truncation and mask flags', () => {
    const w = 32;
    const img = ones(w, w, 2);
    const v = sumCircle(img, w, w, 16, 16, 4, { err: 0.5, gain: 4 });
    const area = Math.PI * 16;
    expect(v.sumVar).toBeCloseTo(area * 0.25 + (2 * area) / 4, 9);
    const t = sumCircle(img, w, w, 1, 16, 4);
    expect(t.flags & APER_TRUNC).toBeTruthy();
    expect(t.area).toBeLessThan(area);
    // Mask the left half of the aperture: default 'correct' mode rescales to the full area.
    const mask = new Uint8Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < 16; x++) mask[y * w + x] = 1;
    const m = sumCircle(img, w, w, 16, 16, 4, { mask });
    expect(m.flags & APER_HASMASKED).toBeTruthy();
    expect(m.sum).toBeCloseTo(2 * area, 9);
    const mi = sumCircle(img, w, w, 16, 16, 4, { mask, maskMode: 'ignore' });
    // Unmasked part is x ≥ 15.5: half disc + the strip −0.5 ≤ Δx ≤ 0 = t·√(r²−t²) + r²·asin(t/r), t = ½.
    const strip = 0.5 * Math.sqrt(16 - 0.25) + 16 * Math.asin(0.125);
    expect(mi.area).toBeCloseTo(area / 2 + strip, 9);
    expect(mi.sum).toBeCloseTo(2 * mi.area, 9);
    const all = sumCircle(img, w, w, 5, 5, 2, { mask });
    expect(all.flags & APER_ALLMASKED).toBeTruthy();
    // NaN pixels are masked.
    const nan = ones(w, w, 2);
    nan[16 * w + 16] = NaN;
    const n = sumCircle(nan, w, w, 16, 16, 4);
    expect(Number.isFinite(n.sum)).toBe(true);
    expect(n.flags & APER_HASMASKED).toBeTruthy();
  });

  it('Kron radius of a Gaussian and flux radius of a uniform disc', () => {
    const w = 101;
    const s = 3;
    const img = new Float32Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) {
      img[y * w + x] = Math.exp(-((x - 50) ** 2 + (y - 50) ** 2) / (2 * s * s));
    }
    // For a circular Gaussian with a = b = σ integrated to ρ = 6: r₁ = ∫ρ²e^{−ρ²/2}dρ / ∫ρe^{−ρ²/2}dρ ≈ √(π/2).
    const k = kronRadius(img, w, w, 50, 50, s, s, 0, 6);
    expect(k.kronRadius).toBeCloseTo(Math.sqrt(Math.PI / 2), 2);
    // Half-light radius of a Gaussian: σ·√(2 ln 2).
    const fr = fluxRadius(img, w, w, 50, 50, 30, [0.5]);
    expect(fr.radii[0]!).toBeCloseTo(s * Math.sqrt(2 * Math.LN2), 1);
  });
});
