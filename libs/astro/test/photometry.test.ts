import { describe, it, expect } from 'vitest';
import {
  abMagFromNJy, nJyFromAbMag, loadFilter, NIRCAM_BANDS, bandFluxNJy, topHatNircam, pivotWavelength,
  lymanBreakSed, observedSed, igmTransmission, brownDwarfSed, balmerBreakSed, dustySed, strongLineSed,
  normaliseToBand, normaliseAtRest, calzettiK, FilterError,
} from '../src/index.ts';

describe('AB magnitudes', () => {
  it('31.4 zero point for nJy and round trip', () => {
    expect(abMagFromNJy(1)).toBeCloseTo(31.4, 12);
    // 3631 Jy is m = 0 (Oke & Gunn 1983) to the precision of the 31.40 convention
    expect(abMagFromNJy(3631e9)).toBeCloseTo(0, 3);
    for (const m of [20, 27.3, 31.4, 33]) expect(abMagFromNJy(nJyFromAbMag(m))).toBeCloseTo(m, 12);
    expect(abMagFromNJy(0)).toBe(Infinity);
    expect(abMagFromNJy(-3)).toBe(Infinity);
  });
});

describe('filters', () => {
  it('pivot wavelengths match the sedpy README and JDox (astro-reference §B.1) within 0.5 %', () => {
    const readme: Record<string, number> = { F090W: 0.9024, F115W: 1.1541, F150W: 1.5009, F200W: 1.9876, F277W: 2.7762, F356W: 3.5655, F410M: 4.0830, F444W: 4.4017 };
    const jdox: Record<string, number> = { F090W: 0.901, F115W: 1.154, F150W: 1.501, F200W: 1.990, F277W: 2.786, F356W: 3.563, F410M: 4.092, F444W: 4.421 };
    for (const b of Object.keys(readme)) {
      const f = loadFilter(b);
      expect(f.pivot / 1e4).toBeCloseTo(readme[b], 3);
      expect(Math.abs(f.pivot / 1e4 / jdox[b] - 1)).toBeLessThan(0.005);
    }
  });
  it('loads every NIRCam band and HST bands; unknown name is a clear error', () => {
    for (const b of NIRCAM_BANDS) expect(loadFilter(b).wave.length).toBeGreaterThan(10);
    for (const b of ['F606W', 'F814W', 'F105W', 'F125W', 'F140W', 'F160W']) {
      const f = loadFilter(b.toLowerCase());
      expect(f.name).toBe(b);
      expect(f.pivot).toBeGreaterThan(5000);
    }
    expect(() => loadFilter('F999W')).toThrow(FilterError);
    expect(() => loadFilter('F999W')).toThrow(/unknown filter 'F999W'/);
  });
  it('photon-weighted band flux of a flat f_ν equals that f_ν (real and top-hat curves)', () => {
    for (const b of ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W', 'F606W', 'F160W']) {
      expect(bandFluxNJy(loadFilter(b), () => 123.4)).toBeCloseTo(123.4, 8);
    }
    expect(bandFluxNJy(topHatNircam('F200W'), () => 7)).toBeCloseTo(7, 10);
  });
  it('band flux of f_λ = const equals f_ν at the pivot (definition of λ_p)', () => {
    const f = loadFilter('F277W');
    // f_ν ∝ λ² for flat f_λ; photon-weighted mean = λ_p² exactly by the λ_p definition
    const mean = bandFluxNJy(f, (l) => (l * l) / 1e8);
    expect(mean / ((f.pivot * f.pivot) / 1e8)).toBeCloseTo(1, 4);
    // trapezoid rule on the given grid: ∫Tλ = 1.5e6, ∫T/λ = 1000·(1/1000 + 1/2000)/2 = 0.75
    expect(pivotWavelength([1000, 2000], [1, 1])).toBeCloseTo(Math.sqrt(1.5e6 / 0.75), 6);
  });
});

describe('IGM transmission', () => {
  it('Inoue+14 at 0.99 λ_Lyα(1+z): T ≈ 1e-13 at z = 9, ≈ 0.013 at z = 6 (astro-reference §E.2)', () => {
    const t9 = igmTransmission(0.99 * 1215.67 * 10, 9);
    // τ_LAF(Lyα) = 1.02611e-4·9.9^5.5 ≈ 30.7 plus the DLA term → T ≈ 1e-13 (order of magnitude)
    expect(-Math.log(t9)).toBeGreaterThan(29);
    expect(-Math.log(t9)).toBeLessThan(33);
    const t6 = igmTransmission(0.99 * 1215.67 * 7, 6);
    expect(t6).toBeGreaterThan(0.008);
    expect(t6).toBeLessThan(0.02);
  });
  it('T = 1 redward of Lyα, ≪ 1 % blueward at z ≥ 7 (summary line 11), Madau95 Lyα term', () => {
    expect(igmTransmission(1216 * 10.01, 9)).toBe(1);
    for (const z of [7, 9, 12, 16]) {
      for (const f of [0.5, 0.8, 0.95, 0.99]) expect(igmTransmission(f * 1215.67 * (1 + z), z)).toBeLessThan(0.01);
    }
    // Madau95 at z = 9 just below Lyα: τ ≈ 0.0036·9.9^3.46 ≈ 10 → T ≈ 5e-5
    const l = 0.99 * 1216 * 10;
    expect(-Math.log(igmTransmission(l, 9, 'madau95'))).toBeCloseTo(0.0036 * Math.pow(l / 1216, 3.46), 6);
    expect(igmTransmission(l, 9, 'madau95')).toBeGreaterThan(2e-5);
    expect(igmTransmission(l, 9, 'madau95')).toBeLessThan(1e-4);
    // low z: mostly transparent
    expect(igmTransmission(1150 * 1.5, 0.5)).toBeGreaterThan(0.9);
  });
});

describe('Lyman-break colours (astro-reference §C.1)', () => {
  const colour = (z: number, b1: string, b2: string, topHat: boolean, igm: 'opaque' | 'inoue14') => {
    const sed = observedSed(lymanBreakSed({ beta: -2 }), z, { igm });
    const f1 = topHat ? topHatNircam(b1) : loadFilter(b1), f2 = topHat ? topHatNircam(b2) : loadFilter(b2);
    return abMagFromNJy(bandFluxNJy(f1, sed)) - abMagFromNJy(bandFluxNJy(f2, sed));
  };
  it('top-hat filters, zero flux blueward of Lyα reproduce the table to 0.01 mag', () => {
    expect(colour(9, 'F115W', 'F150W', true, 'opaque')).toBeCloseTo(1.62, 2);
    expect(colour(12, 'F150W', 'F200W', true, 'opaque')).toBeCloseTo(1.55, 2);
    expect(colour(16, 'F200W', 'F277W', true, 'opaque')).toBeCloseTo(1.26, 2);
    expect(colour(8.5, 'F115W', 'F150W', true, 'opaque')).toBeCloseTo(0.88, 2);
    expect(colour(11, 'F150W', 'F200W', true, 'opaque')).toBeCloseTo(0.57, 2);
    expect(colour(15, 'F200W', 'F277W', true, 'opaque')).toBeCloseTo(0.61, 2);
    // flat f_ν redward → colour 0 (§E.3 test)
    expect(colour(9, 'F200W', 'F277W', true, 'opaque')).toBeCloseTo(0, 6);
  });
  it('threshold-crossing redshifts (colour > 1.0 / 1.5) match the §C.1 table to 0.02', () => {
    const cross = (b1: string, b2: string, cut: number, zGuess: number) => {
      let lo = zGuess - 0.8, hi = zGuess + 0.8; // colour rises monotonically (and stays finite) in this window
      for (let k = 0; k < 40; k++) {
        const mid = 0.5 * (lo + hi);
        const c = colour(mid, b1, b2, true, 'opaque');
        if (c > cut) hi = mid; else lo = mid;
      }
      return hi;
    };
    const table: [string, string, number, number][] = [['F115W', 'F150W', 8.60, 8.94], ['F150W', 'F200W', 11.54, 11.96], ['F200W', 'F277W', 15.66, 16.26]];
    for (const [b1, b2, z1, z15] of table) {
      expect(Math.abs(cross(b1, b2, 1.0, z1 + 0.3) - z1)).toBeLessThan(0.02);
      expect(Math.abs(cross(b1, b2, 1.5, z15 - 0.3) - z15)).toBeLessThan(0.02);
    }
  });
  it('real curves + Inoue+14 IGM are close to the top-hat values (|Δ| < 0.35 mag)', () => {
    for (const [z, b1, b2] of [[9, 'F115W', 'F150W'], [12, 'F150W', 'F200W'], [16, 'F200W', 'F277W']] as const) {
      const d = colour(z, b1, b2, false, 'inoue14') - colour(z, b1, b2, true, 'opaque');
      expect(Math.abs(d)).toBeLessThan(0.35);
    }
  });
});

describe('SED recipes', () => {
  const c = (sed: (l: number) => number, a: string, b: string) =>
    abMagFromNJy(bandFluxNJy(loadFilter(a), sed)) - abMagFromNJy(bandFluxNJy(loadFilter(b), sed));
  it('β slope: F277W−F444W of a z = 10 β = −2.5 galaxy ≈ −2.5·(β+2)… i.e. blue by ≈ 0.25 mag', () => {
    const sed = observedSed(lymanBreakSed({ beta: -2.5 }), 10);
    const expected = -2.5 * (-2.5 + 2) * Math.log10(loadFilter('F277W').pivot / loadFilter('F444W').pivot);
    expect(c(sed, 'F277W', 'F444W')).toBeCloseTo(expected, 1);
    expect(c(sed, 'F277W', 'F444W')).toBeLessThan(-0.15);
  });
  it('T and Y dwarfs satisfy the Wang+23 cuts; T dwarf F150W−F200W in 0 … −0.5 (±0.15)', () => {
    for (const t of ['T', 'Y'] as const) {
      const s = brownDwarfSed(t);
      expect(c(s, 'F115W', 'F277W')).toBeLessThan(-0.8);
      expect(c(s, 'F277W', 'F444W')).toBeGreaterThan(1.1);
    }
    const t = brownDwarfSed('T');
    expect(c(t, 'F150W', 'F200W')).toBeLessThan(0.15);
    expect(c(t, 'F150W', 'F200W')).toBeGreaterThan(-0.65);
    expect(c(t, 'F277W', 'F444W')).toBeGreaterThan(1.5);
    expect(c(t, 'F277W', 'F444W')).toBeLessThan(3);
    expect(c(brownDwarfSed('Y'), 'F277W', 'F444W')).toBeGreaterThan(c(t, 'F277W', 'F444W'));
  });
  it('Balmer-break galaxy at z = 3.5 mimics an F150W−F200W break but is red on the red side', () => {
    const s = observedSed(balmerBreakSed({ breakRatio: 3, uvBeta: 1.5 }), 3.5);
    expect(c(s, 'F150W', 'F200W')).toBeGreaterThan(0.5);
    expect(c(s, 'F200W', 'F356W')).toBeGreaterThan(0.2);
  });
  it('dusty galaxy is red; strong [OIII] boosts F277W at z ≈ 4.5 relative to the continuum', () => {
    const d = observedSed(dustySed({ av: 3 }), 4.5);
    expect(c(d, 'F277W', 'F444W')).toBeGreaterThan(0.5);
    const s = observedSed(strongLineSed({ oiiiHbEwA: 2000, haEwA: 0 }), 4.5);
    const cont = observedSed(strongLineSed({ oiiiHbEwA: 0, haEwA: 0, oiiEwA: 0 }), 4.5);
    // [OIII] at 5008·5.5 = 2.75 µm sits in F277W; excess ≈ EW(1+z)/bandwidth-ish ~ 1–2 mag
    const boost = c(s, 'F277W', 'F444W') - c(cont, 'F277W', 'F444W');
    expect(boost).toBeLessThan(-0.8);
    expect(calzettiK(5500)).toBeCloseTo(4.05, 0);
  });
  it('normalisation helpers hit the requested magnitude', () => {
    const sed = observedSed(lymanBreakSed({ beta: -2 }), 10);
    const n = normaliseToBand(sed, loadFilter('F277W'), 28.5);
    expect(abMagFromNJy(bandFluxNJy(loadFilter('F277W'), n))).toBeCloseTo(28.5, 8);
    const r = normaliseAtRest(sed, 10, 29);
    expect(abMagFromNJy(r(16500))).toBeCloseTo(29, 8);
  });
});
