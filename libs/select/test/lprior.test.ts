// The opt-in luminosity-prior veto (posterior.luminosityPrior; photoz.ts P_L(z)); its cost on the seeded mock is
// asserted in mock.test.ts. Measured figures in docs/select.md.
import { describe, it, expect } from 'vitest';
import { loadFilter, bandFluxNJy, observedSed, lymanBreakSed, normaliseToBand } from '@asteris/astro';
import { photoz, pAbove, templateGrid, loadPreset, selectCandidates, type Catalogue } from '../src/index.ts';

const BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
// a bright z = 5.53 Balmer-break galaxy of the 10-arcmin² closure survey (deep4, id 187) as our pipeline
// measured it: fitted at z_phot 16.6 with P(z > 15) ≈ 0.99 under the flat prior
const INTERLOPER = { flux: [1.1, 0.9, 4.3, 24.2, 207.2, 272.9, 332.6], err: [4.6, 4.1, 4.9, 5.2, 5.4, 7.2, 6.6] };

describe('luminosity prior on the photo-z', () => {
  const grid = templateGrid(BANDS);

  it('P_L(z) is a normalised density beside P(z); a bright red z ≈ 5.5 galaxy fitted at z ≈ 16.6 loses its high-z posterior', () => {
    const r = photoz(INTERLOPER.flux, INTERLOPER.err, BANDS, { grid });
    expect(r.zBest).toBeGreaterThan(15);
    expect(pAbove(r, 15)).toBeGreaterThan(0.9);
    // M_UV at z_best is that of an implausibly luminous z ≈ 16.6 galaxy
    const iz = r.z!.indexOf(r.zBest);
    expect(r.muvZ![iz]).toBeLessThan(-21.5);
    expect(pAbove(r, 0, 'luminosity')).toBeCloseTo(1, 6);
    expect(pAbove(r, 15, 'luminosity')).toBeLessThan(0.01);
  });

  it('keeps a clean, bright z = 12.4 dropout (F277W 26.5 AB at S/N 20) at high z', () => {
    const sed = normaliseToBand(observedSed(lymanBreakSed({ beta: -2.2 }), 12.4), loadFilter('F277W'), 26.5);
    const f = BANDS.map((b) => bandFluxNJy(loadFilter(b), sed));
    const e = f.map(() => 3);
    const r = photoz(f, e, BANDS, { grid });
    expect(pAbove(r, 11)).toBeGreaterThan(0.99);
    expect(pAbove(r, 11, 'luminosity')).toBeGreaterThan(0.5);
  });

  it('posterior-z15-lprior vetoes that interloper with a named reason; posterior-z15 keeps it', () => {
    const row: Record<string, number | string> = { id: 187, ra: 34.3, dec: -5.1 };
    BANDS.forEach((b, i) => { row[`flux_${b}`] = INTERLOPER.flux[i]!; row[`fluxerr_${b}`] = INTERLOPER.err[i]!; });
    const cat: Catalogue = { columns: Object.keys(row), rows: [row] };
    const flat = selectCandidates(cat, loadPreset('posterior-z15'));
    const lum = selectCandidates(cat, loadPreset('posterior-z15-lprior'));
    expect(flat.all[0]!.selected).toBe(true);
    expect(lum.all[0]!.selected).toBe(false);
    expect(lum.all[0]!.reasons.join('; ')).toMatch(/^luminosity-prior veto: P_L\(z>15\) = /);
    expect(flat.all[0]!.pZMinLum).toBeNaN();
  });
});
