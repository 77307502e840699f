// Mock-survey closure test (issue 15), library level, judged over several realisations at once.
// Two depth tiers (deep 40 arcmin², medium 100 arcmin²) with known completeness in apparent magnitude;
// completeness re-derived from 3000 injection–recovery draws per tier (logistic model); galaxies drawn
// from known Schechter LFs at z = 8.5–9.5, 9.5–10.5, 10.5–13; then binned φ and Schechter posteriors.
//
// One realisation passing or failing says little about calibration (a calibrated 68 % interval misses
// 32 % of the time), so the test runs the FIRST five seeds (1–5, fixed before looking at any result)
// and tests pooled statistics against what a calibrated analysis gives, at a 0.5 % false-alarm level each:
// - coverage of the 95 % posterior intervals, pooled over 5 seeds × 3 z-bins × 3 parameters (n = 45):
//   the count inside must not be improbably low for p = 0.95 (binomial lower tail ≥ 0.005);
// - coverage of the 68 % interval of ρ_UV(M < −17) over 15 z-bin realisations: binomial two-sided at p = 0.68;
// - pooled χ² of the binned φ (bins with ≥ 3 objects) against the input LF's expectation: Σχ²/Σdof
//   within 1 ± 3 √(2/Σdof).
// The per-seed table for more seeds: `node --import tsx libs/lumfunc/bench/closure.bench.ts 10` (docs/lumfunc.md).
import { describe, expect, it } from 'vitest';
import { Cosmology, lfPhi, uvLuminosityDensity, type LfParams } from '@asteris/astro';
import { binEffectiveVolume, lnGamma, mockSurvey, runLuminosityFunction } from '../src/index.ts';

const cosmo = new Cosmology();
const sch = (logPhiStar: number, MStar: number, alpha: number): LfParams => ({ kind: 'schechter', phiStar: 10 ** logPhiStar, MStar, alpha });
const SLICES = [
  { zLo: 8.5, zHi: 9.5, lf: sch(-4.0, -20.5, -2.2) },
  { zLo: 9.5, zHi: 10.5, lf: sch(-4.3, -20.5, -2.3) },
  { zLo: 10.5, zHi: 13, lf: sch(-4.6, -20.5, -2.4) },
];
const TIERS = [
  { name: 'deep', areaArcmin2: 40, m50: 29.8, width: 0.25, cMax: 0.9 },
  { name: 'medium', areaArcmin2: 100, m50: 29.0, width: 0.3, cMax: 0.85 },
];
const SEEDS = [1, 2, 3, 4, 5];
const ALPHA = 0.005;

function q(v: number[], f: number): number {
  const s = [...v].sort((a, b) => a - b);
  const pos = f * (s.length - 1), i = Math.floor(pos);
  return i + 1 < s.length ? s[i] + (s[i + 1] - s[i]) * (pos - i) : s[i];
}

/** Binomial P(X ≤ k) and P(X ≥ k) for X ~ Bin(n, p). */
function binomTails(k: number, n: number, p: number): { le: number; ge: number } {
  const pmf = (j: number) => Math.exp(lnGamma(n + 1) - lnGamma(j + 1) - lnGamma(n - j + 1) + j * Math.log(p) + (n - j) * Math.log1p(-p));
  let le = 0, ge = 0;
  for (let j = 0; j <= n; j++) { if (j <= k) le += pmf(j); if (j >= k) ge += pmf(j); }
  return { le, ge };
}

interface Realisation { seed: number; z: string; chi2: number; dof: number; parIn: boolean[]; rhoIn: boolean; nKept: number }

function realise(seed: number): Realisation[] {
  const survey = mockSurvey({ tiers: TIERS, slices: SLICES, seed, cosmo });
  const mEdges = [-22.5, -22, -21.5, -21, -20.5, -20, -19.5, -19, -18.5, -18, -17.5, -17];
  const res = runLuminosityFunction(survey.candidates, survey.completeness, {
    zBins: SLICES.map((s) => [s.zLo, s.zHi] as [number, number]), mEdges, models: ['schechter'], seed: 5, nSteps: 2500,
    cosmology: { H0: 70, Om: 0.3 },
  });
  const nKept = survey.nKept.reduce((a, b) => a + b, 0);
  return SLICES.map((s, k) => {
    const zb = res.zBins[k];
    let chi2 = 0, dof = 0;
    for (const b of zb.bins) {
      if (b.nRaw < 3) continue;
      // expectation of the estimator N/(V̄ ΔM): ∫ φ V_eff dM / (V̄ ΔM) on 8 sub-steps
      let num = 0;
      for (let i = 0; i < 8; i++) {
        const a = b.Mlo + (i * (b.Mhi - b.Mlo)) / 8, c = a + (b.Mhi - b.Mlo) / 8;
        num += lfPhi(s.lf, 0.5 * (a + c)) * binEffectiveVolume(survey.completeness, a, c, s.zLo, s.zHi, cosmo, 2) * (c - a);
      }
      const expected = num / (b.veff * (b.Mhi - b.Mlo));
      const sig = b.phi > expected ? b.errLo : b.errUp;
      chi2 += ((b.phi - expected) / sig) ** 2;
      dof++;
    }
    const f = zb.fits[0];
    if (!f) throw new Error(`seed ${seed} z ${s.zLo}: no fit (${zb.fitSkipped})`);
    const truth: Record<string, number> = { logPhiStar: Math.log10((s.lf as { phiStar: number }).phiStar), MStar: s.lf.MStar, alpha: s.lf.alpha };
    const parIn = f.sampleNames.map((n, i) => {
      const v = f.samples.map((r) => r[i]);
      return truth[n] >= q(v, 0.025) && truth[n] <= q(v, 0.975);
    });
    const rho = Math.log10(uvLuminosityDensity(s.lf, -17));
    return { seed, z: `${s.zLo}–${s.zHi}`, chi2, dof, parIn, rhoIn: rho >= f.logRhoUV17.lo && rho <= f.logRhoUV17.hi, nKept };
  });
}

describe('mock-survey closure over seeds 1–5 (input LF → completeness from injections → binned φ and posteriors)', () => {
  const all = SEEDS.flatMap(realise);
  const table = all.map((r) => `seed ${r.seed} z ${r.z}: χ²/dof ${(r.chi2 / r.dof).toFixed(2)} (${r.dof}) par95 ${r.parIn.map(Number).join('')} ρ68 ${Number(r.rhoIn)}`).join('\n');

  it('each realisation draws ≥ 10 arcmin² over two depth tiers, keeps a few hundred objects and has ≥ 3 bins to test', () => {
    expect(TIERS.reduce((s, t) => s + t.areaArcmin2, 0)).toBeGreaterThanOrEqual(10);
    for (const r of all) {
      expect(r.nKept).toBeGreaterThan(150);
      expect(r.dof, table).toBeGreaterThanOrEqual(3);
    }
  });

  it('95 % posterior intervals cover the input parameters as often as a calibrated posterior would (binomial, n = 45)', () => {
    const flags = all.flatMap((r) => r.parIn);
    const k = flags.filter(Boolean).length;
    expect(flags.length).toBe(45);
    expect(binomTails(k, flags.length, 0.95).le, `${k}/${flags.length} inside\n${table}`).toBeGreaterThanOrEqual(ALPHA);
  });

  it('ρ_UV(M < −17) 68 % intervals cover the input as often as calibrated (two-sided binomial, n = 15)', () => {
    const k = all.filter((r) => r.rhoIn).length;
    const t = binomTails(k, all.length, 0.68);
    expect(t.le, `${k}/${all.length} inside\n${table}`).toBeGreaterThanOrEqual(ALPHA);
    expect(t.ge, `${k}/${all.length} inside\n${table}`).toBeGreaterThanOrEqual(ALPHA);
  });

  it('pooled χ² of binned φ against the input LF: Σχ²/Σdof within 1 ± 3√(2/Σdof)', () => {
    const chi2 = all.reduce((s, r) => s + r.chi2, 0), dof = all.reduce((s, r) => s + r.dof, 0);
    const tol = 3 * Math.sqrt(2 / dof);
    expect(Math.abs(chi2 / dof - 1), `Σχ² ${chi2.toFixed(1)} / Σdof ${dof}\n${table}`).toBeLessThanOrEqual(tol);
  });

  it('the binomial tails used above reject miscalibration (self-check)', () => {
    // 36/45 inside a "95 %" interval (i.e. an 80 % interval) is rejected; 2/15 inside a "68 %" one too
    expect(binomTails(36, 45, 0.95).le).toBeLessThan(ALPHA);
    expect(binomTails(2, 15, 0.68).le).toBeLessThan(ALPHA);
    expect(binomTails(15, 15, 0.3).ge).toBeLessThan(ALPHA);
  });
});
