// Whitler+25 JADES z ≳ 9 candidates (data/external/whitler2025_jades_z9_uvlf; CSV in test/data) through
// binnedLF with a completeness model from JADES depth tiers, compared with Donnan+24 and Finkelstein+24
// (issue 15). Set-up and its reasons: test/whitler-setup.ts. Numbers: docs/lumfunc.md § Whitler+25, and
// `node --import tsx libs/lumfunc/bench/whitler.bench.ts`.
//
// What is and is not met (measured, see the tests):
// - z 9.5–10.5, every Donnan+24 z = 10 bin where both tiers are ≥ 90 % complete in depth: within 2σ.
// - z 8.5–9.5 (Donnan z = 9) and 8.5–9.7 (Finkelstein z ≈ 9), and the faint z ≈ 10 bins: 0.3–1.3 dex low.
//   That deficit is there at the bright end, where no depth model matters: the sample's selection
//   (F115W dropouts, whose break only clears F115W at z ≳ 9.2; photo-z and inspection criteria) is not
//   a depth roll-off, and the paper's own completeness is not in the catalogue. The full goal is kept
//   below as an expected failure, so that it is reported, not hidden.
import { describe, expect, it } from 'vitest';
import { Cosmology } from '@asteris/astro';
import { depthCompleteness } from '../src/index.ts';
import { loadWhitler, whitlerComparison } from './whitler-setup.ts';

const cosmo = new Cosmology();
const s = loadWhitler();
const base = whitlerComparison();
const show = (cs: typeof base.comparisons) =>
  cs.map((c) => `z ${c.zLo}–${c.zHi} ${c.source.slice(0, 4)} M ${c.M}: n ${c.n} Δ ${c.delta.toFixed(2)} dex (${c.nSigma.toFixed(1)}σ)`).join('\n');

describe('Whitler+25 JADES candidates → binned φ vs Donnan+24 / Finkelstein+24', () => {
  it('reads the sample: 372 rows, 309 F115W dropouts, 300 with a positive F277W flux and a redshift', () => {
    expect(s.rows.length).toBe(372);
    expect(s.cands.length + s.skipped.length).toBe(309);
    expect(s.cands.length).toBe(300);
    expect(s.skipped.every((k) => /not a positive (flux|redshift)/.test(k.reason))).toBe(true);
  });

  it('units: comoving volume per arcmin² at z 8.5–9.5 is the hand number (c/H₀)∫D_C²/E dz · (π/10800)² ≈ 1774 Mpc³', () => {
    // astro-reference §D.3 table: 1774 (8.5–9.5), 1616 (9.5–10.5), 4456 (9.5–12.5) Mpc³ per arcmin², H₀ = 70, Ωm = 0.3
    expect(cosmo.comovingVolume(8.5, 9.5, 1)).toBeCloseTo(1774, -1);
    expect(cosmo.comovingVolume(9.5, 10.5, 1)).toBeCloseTo(1616, -1);
    expect(cosmo.comovingVolume(9.5, 12.5, 1)).toBeCloseTo(4456, -1);
  });

  it('M_UV from f_F277W sits 0.25–0.5 mag fainter than the catalogue MUV (aperture vs total flux); after the measured shift the residuals are rounding-sized', () => {
    expect(s.magOffset).toBeGreaterThan(0.25);
    expect(s.magOffset).toBeLessThan(0.5);
    // catalogue MUV is rounded to whole magnitudes: |ours − MUV| ≤ 0.5 for most, ≤ 1.25 for ~all
    const d = s.cands.map((c) => Math.abs(c.M_UV - c.MUVcat));
    expect(d.filter((x) => x <= 0.5).length / d.length).toBeGreaterThan(0.6);
    expect(d.filter((x) => x <= 1.25).length / d.length).toBeGreaterThan(0.95);
  });

  it('tier depths measured from the catalogue F277W errors match the JADES Deep/Medium tiers (5σ ≈ 30.8 and 29.9 AB, aperture)', () => {
    const [deep, medium] = s.tiers;
    expect(deep.m5sigma).toBeGreaterThan(30.4);
    expect(deep.m5sigma).toBeLessThan(31.2);
    expect(medium.m5sigma).toBeGreaterThan(29.5);
    expect(medium.m5sigma).toBeLessThan(30.2);
    expect(depthCompleteness(medium.m5sigma, medium.m5sigma)).toBeCloseTo(0.5, 6);
  });

  it('z 9.5–10.5: binned φ within 2σ of Donnan+24 z = 10 in every bin where both tiers are ≥ 90 % complete in depth', () => {
    const complete = base.comparisons.filter((c) => c.zLo === 9.5 && s.tiers.every((t) => {
      const mFaintAp = c.M + 0.25 + cosmo.distanceModulus(10.5) - 2.5 * Math.log10(11.5) + s.magOffset;
      return depthCompleteness(mFaintAp, t.m5sigma) >= 0.9;
    }));
    expect(complete.length, show(base.comparisons)).toBeGreaterThanOrEqual(4);
    for (const c of complete) expect(Math.abs(c.nSigma), show(complete)).toBeLessThanOrEqual(2);
  });

  it('residual at z 8.5–9.5 (measured): φ is 0.3–0.9 dex below Donnan+24 z = 9 in every bin brighter than −18.3, bright end included', () => {
    const z9 = base.comparisons.filter((c) => c.zLo === 8.5 && c.zHi === 9.5 && c.M < -18.3);
    expect(z9.length).toBeGreaterThanOrEqual(4);
    for (const c of z9) {
      expect(c.delta, show(z9)).toBeLessThan(-0.25);
      expect(c.delta, show(z9)).toBeGreaterThan(-0.95);
    }
  });

  it('sensitivity: an F115W-dropout window needing a ≥ 2 mag break (z ≳ 9.16; assumed, not stated by the paper) brings Donnan z = 9 within 2σ', () => {
    const w = whitlerComparison({ zWindow: true, minBreak: 2 }).comparisons.filter((c) => c.source === 'Donnan et al. 2024' && c.zHi === 9.5);
    for (const c of w) expect(Math.abs(c.nSigma), show(w)).toBeLessThanOrEqual(2);
  });

  // Issue 15's goal as stated, with the depth tiers only: NOT met (see the header). `it.fails` keeps it
  // visible: this reports a failure the day every bin agrees within 2σ, so the note can be updated.
  it.fails('GOAL (not met): every z ≈ 9–10 bin within 2σ of Donnan+24 and Finkelstein+24 with the depth-tier completeness', () => {
    for (const c of base.comparisons) expect(Math.abs(c.nSigma), show(base.comparisons)).toBeLessThanOrEqual(2);
  });
});
