import { describe, it, expect } from 'vitest';
import { loadFilter, bandFluxNJy, observedSed, lymanBreakSed, balmerBreakSed, brownDwarfSed, normaliseToBand, nJyFromAbMag } from '@asteris/astro';
import { photoz, templateGrid, redshiftGrid } from '../src/index.ts';

const BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F410M', 'F444W'];
const phot = (sed: (l: number) => number) => BANDS.map((b) => bandFluxNJy(loadFilter(b), sed));

describe('photometric redshifts', () => {
  const grid = templateGrid(BANDS);
  it('grid: 0–20 uniform in ln(1+z)', () => {
    const z = redshiftGrid();
    expect(z[0]).toBe(0);
    expect(z[z.length - 1]).toBe(20);
    expect(Math.log(1 + z[101]) - Math.log(1 + z[100])).toBeCloseTo(0.01, 10);
  });
  it('recovers the redshift of noiseless star-forming galaxies (β = −2.1, not a template value)', () => {
    // z where a feature (Lyman break, or the 2 µm turnover at z < 1) lies in the bands; a featureless
    // power law at z ≈ 1.5–5 is degenerate in NIRCam-only photometry, as in reality.
    for (const z of [0.5, 6, 9.3, 12.4, 15.8]) {
      const sed = normaliseToBand(observedSed(lymanBreakSed({ beta: -2.1 }), z), loadFilter('F444W'), 27);
      const f = phot(sed);
      const r = photoz(f, f.map(() => 1), BANDS, { grid });
      expect(Math.abs(r.zBest - z) / (1 + z)).toBeLessThan(0.04);
      expect(r.zLo68).toBeLessThanOrEqual(r.zBest + 0.05);
      expect(r.zHi68).toBeGreaterThanOrEqual(r.zBest - 0.05);
    }
  });
  it('P(z) integrates to 1; a bright z = 10 dropout has P(z>7) ≈ 1 and large Δχ²', () => {
    const sed = normaliseToBand(observedSed(lymanBreakSed({ beta: -2.3 }), 10), loadFilter('F277W'), 27.5);
    const f = phot(sed);
    const r = photoz(f, f.map(() => nJyFromAbMag(29.5) / 5), BANDS, { grid });
    let s = 0;
    for (let i = 1; i < r.z!.length; i++) s += 0.5 * (r.pz![i] + r.pz![i - 1]) * (r.z![i] - r.z![i - 1]);
    expect(s).toBeCloseTo(1, 6);
    expect(r.pHigh).toBeGreaterThan(0.99);
    expect(r.dchi2).toBeGreaterThan(9);
    expect(r.zBest).toBeGreaterThan(9.5);
    expect(r.zBest).toBeLessThan(10.5);
  });
  it('a Balmer-break galaxy at z = 3 is placed at low z with the Balmer-break family', () => {
    const sed = normaliseToBand(observedSed(balmerBreakSed({ breakRatio: 2.7, uvBeta: 1.2, optBeta: -0.8 }), 3), loadFilter('F277W'), 26);
    const f = phot(sed);
    const r = photoz(f, f.map((x) => 0.03 * Math.abs(x) + 1), BANDS, { grid });
    expect(r.pHigh).toBeLessThan(0.05);
    expect(Math.abs(r.zBest - 3)).toBeLessThan(0.4);
    expect(r.bestFamily).toBe('balmer-break');
  });
  it('brown dwarfs are fitted better by the brown-dwarf templates than by any galaxy combination', () => {
    const sed = normaliseToBand(brownDwarfSed('T'), loadFilter('F444W'), 26);
    const f = phot(sed);
    const r = photoz(f, f.map((x) => 0.02 * Math.abs(x) + 1), BANDS, { grid });
    expect(r.bdType).toBe('T');
    expect(r.bdChi2).toBeLessThan(0.01);
    expect(r.chi2Best).toBeGreaterThan(10);
  });
  it('unusable bands are ignored; fewer than 2 bands give NaN', () => {
    const sed = normaliseToBand(observedSed(lymanBreakSed({ beta: -2 }), 11), loadFilter('F277W'), 27);
    const f = phot(sed), e = f.map(() => 2);
    const r1 = photoz(f, e, BANDS, { grid });
    f[0] = NaN; e[1] = -1; e[2] = 1e12;
    const r2 = photoz(f, e, BANDS, { grid });
    expect(r2.nBands).toBe(5);
    expect(Number.isFinite(r2.zBest)).toBe(true);
    expect(r1.nBands).toBe(8);
    const r3 = photoz([1, NaN, NaN, NaN, NaN, NaN, NaN, NaN], [1, 1, 1, 1, 1, 1, 1, 1], BANDS, { grid });
    expect(r3.zBest).toBeNaN();
  });
});
