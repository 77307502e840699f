// Validation of the LF fitter against published binned LFs (CoReCon, data/external/corecon_uvlf_z8plus)
// and against mocks drawn from a known LF (astro-reference §D.4, §D.6, §D.7).
import { describe, expect, it } from 'vitest';
import { Cosmology, PUBLISHED_LFS, lfPhi } from '@asteris/astro';
import {
  type LfFitResult, type PointData, binEffectiveVolume, countsData, fitLF, logisticCompleteness, mockCandidates,
  readCoreconPoints, selectPoints, toLfParams,
} from '../src/index.ts';

const all = readCoreconPoints();
const asData = (src: string, z: number): PointData => ({
  kind: 'points',
  points: selectPoints(all, src, z).map((p) => ({ M: p.M, logPhi: p.logPhi, errUp: p.errUp, errDown: p.errDown, upperLimit: p.upperLimit })),
});
const sigma = (s: { median: number; lo: number; hi: number }, v: number) => (v > s.median ? s.hi - s.median : s.median - s.lo);
/** |ours − published| within k σ combined (ours: posterior side towards the published value). */
function consistent(ours: { median: number; lo: number; hi: number }, pub: number, pubErrUp: number, pubErrDown: number, k = 2): boolean {
  const sOurs = sigma(ours, pub);
  const sPub = pub > ours.median ? pubErrDown : pubErrUp;
  return Math.abs(ours.median - pub) <= k * Math.hypot(sOurs, sPub);
}
function chi2(fit: LfFitResult, data: PointData): { chi2: number; n: number } {
  const lf = toLfParams(fit.model, fit.best as never);
  let c = 0;
  let n = 0;
  for (const p of data.points) {
    if (p.upperLimit) continue;
    const r = Math.log10(lfPhi(lf, p.M)) - p.logPhi;
    const s = r > 0 ? p.errUp : p.errDown;
    c += (r / s) ** 2;
    n++;
  }
  return { chi2: c, n };
}

describe('CoReCon loader', () => {
  it('reads the 281 points and has the corrected Donnan+24 z labels', () => {
    expect(all.length).toBe(281);
    const d11 = selectPoints(all, 'Donnan et al. 2024', 11);
    expect(d11.length).toBe(7);
    // §D.6: Donnan+24 z = 11, M = −19.25 → log φ = −3.84
    expect(d11.find((p) => p.M === -19.25)!.logPhi).toBeCloseTo(-3.84, 2);
    expect(selectPoints(all, 'Donnan et al. 2024', 9).find((p) => p.M === -19.25)!.logPhi).toBeCloseTo(-3.63, 2);
  });
});

describe('fits to Donnan+24 binned LFs (z = 9, 10, 11)', () => {
  const fits: Record<string, LfFitResult> = {};
  for (const z of [9, 10, 11]) {
    for (const model of ['schechter', 'dpl'] as const) {
      it(`${model} at z = ${z}: describes the points, α agrees with published faint-end slopes`, () => {
        const data = asData('Donnan et al. 2024', z);
        const f = fitLF(data, model, { seed: 7 + z, nSteps: 3000 });
        fits[`${model}${z}`] = f;
        const { chi2: c, n } = chi2(f, data);
        expect(c / Math.max(1, n - f.free.length)).toBeLessThan(2.5);
        // Faint-end slopes (§D.7): Pérez-González+23 α = −2.2 ± 0.1 (8 < z < 13); Leung+23 −2.5 ± 0.4 (z≈9), −2.2 ± 0.2 (z≈11)
        expect(consistent(f.posterior.alpha, -2.2, 0.1, 0.1)).toBe(true);
        const leung = z === 11 ? [-2.2, 0.2] : [-2.5, 0.4];
        expect(consistent(f.posterior.alpha, leung[0], leung[1], leung[1])).toBe(true);
        expect(f.diagnostics.acceptanceFraction).toBeGreaterThan(0.15);
        expect(f.diagnostics.acceptanceFraction).toBeLessThan(0.8);
        for (const t of Object.values(f.diagnostics.tau)) expect(Number.isFinite(t)).toBe(true);
        if (model === 'schechter') expect(f.diagnostics.converged).toBe(true);
      });
    }
  }
  it('ρ_UV(M < −17) from Donnan+24 agrees with Finkelstein+24 (z = 9: 25.4 ± 0.1) and McLeod+24 (z = 11: 25.15 +0.13/−0.14)', () => {
    expect(consistent(fits.schechter9.logRhoUV17, 25.4, 0.1, 0.1)).toBe(true);
    expect(consistent(fits.dpl9.logRhoUV17, 25.4, 0.1, 0.1)).toBe(true);
    expect(consistent(fits.schechter11.logRhoUV17, 25.15, 0.13, 0.14)).toBe(true);
    expect(consistent(fits.dpl11.logRhoUV17, 25.15, 0.13, 0.14)).toBe(true);
  });
  it('DPL parameters agree with the published Donnan+24 fits (PUBLISHED_LFS, ≈ transcription) within 2σ combined', () => {
    for (const z of [9, 10, 11]) {
      const pub = PUBLISHED_LFS.find((p) => p.label === `Donnan+24 z=${z} DPL`)!;
      const f = fits[`dpl${z}`];
      const pp = pub.params as { MStar: number; alpha: number; beta: number; phiStar: number };
      for (const k of ['MStar', 'alpha', 'beta'] as const) {
        const e = pub.errors![k]!;
        expect(consistent(f.posterior[k], pp[k], e[1], e[0]), `z=${z} ${k}: ${JSON.stringify(f.posterior[k])} vs ${pp[k]}`).toBe(true);
      }
      // φ* compared in linear units (the published error is symmetric in φ*)
      const phiOurs = Math.pow(10, f.posterior.logPhiStar.median);
      const sOurs = phiOurs - Math.pow(10, f.posterior.logPhiStar.lo);
      expect(Math.abs(phiOurs - pp.phiStar)).toBeLessThan(2 * Math.hypot(sOurs, pub.errors!.phiStar![0]));
    }
  });
  it('the fitted LF declines from z = 9 to z = 11 at M = −19 (as the published points do)', () => {
    const at = (f: LfFitResult) => lfPhi(toLfParams(f.model, f.best as never), -19);
    expect(at(fits.schechter9)).toBeGreaterThan(at(fits.schechter11));
  });
});

describe('ρ_UV of fits to published LFs reproduces the published ρ_UV (CoReCon uv_luminosity_density)', () => {
  it.each([
    ['Finkelstein et al. 2023', 9, 17, 25.4, 0.1, 0.1],
    ['Finkelstein et al. 2023', 11, 17, 25.0, 0.2, 0.2],
    ['McLeod et al. 2024', 11, 17, 25.15, 0.13, 0.14],
    ['Harikane et al. 2023', 12, 18, 24.61, 0.26, 0.26],
  ] as const)('%s z = %s: log ρ_UV(M < −%s) vs %s', (src, z, lim, pub, up, down) => {
    const f = fitLF(asData(src, z), 'schechter', { seed: 3 });
    const ours = lim === 17 ? f.logRhoUV17 : f.logRhoUV18;
    expect(consistent(ours, pub, up, down)).toBe(true);
  });
});

describe('recovery of a known LF from mock catalogues (Poisson likelihood on counts given V_eff)', () => {
  const cosmo = new Cosmology();
  const comp = logisticCompleteness({
    zEdges: [8.5, 9, 9.5], mEdges: Array.from({ length: 41 }, (_, i) => 25 + i * 0.15), m50: 29.3, width: 0.25, areaArcmin2: 400,
  });
  const veffAt = (a: number, b: number) => binEffectiveVolume(comp, a, b, 8.5, 9.5, cosmo, 2);
  it.each([
    ['schechter', { kind: 'schechter' as const, phiStar: 1.5e-4, MStar: -20.6, alpha: -2.2 }, 21],
    ['dpl', { kind: 'dpl' as const, phiStar: 1.2e-4, MStar: -20.0, alpha: -2.1, beta: -4.2 }, 22],
  ] as const)('%s: input parameters lie inside the 3σ posterior; ignoring completeness biases α', (model, truth, seed) => {
    const cands = mockCandidates(truth, comp, { z1: 8.5, z2: 9.5, seed, cosmo });
    expect(cands.length).toBeGreaterThan(300);
    const data = countsData(cands, veffAt, { zLo: 8.5, zHi: 9.5, Mbright: -23, Mfaint: -16.5, dM: 0.2 });
    const f = fitLF(data, model, { seed, nSteps: 2000 });
    const t: Record<string, number> = { logPhiStar: Math.log10(truth.phiStar), MStar: truth.MStar, alpha: truth.alpha };
    if (truth.kind === 'dpl') t.beta = truth.beta;
    for (const [k, v] of Object.entries(t)) {
      const s = f.posterior[k];
      expect(Math.abs(s.median - v), `${k}: ${s.median} [${s.lo}, ${s.hi}] vs ${v}`).toBeLessThan(3 * sigma(s, v) + 1e-9);
    }
    // Without the completeness correction (V_eff → geometric volume) the faint end is under-counted.
    const vGeo = cosmo.comovingVolume(8.5, 9.5, comp.areaArcmin2);
    const naive = fitLF({ ...data, veff: data.veff.map(() => vGeo) }, model, { seed, nSteps: 600 });
    expect(naive.posterior.alpha.median).toBeGreaterThan(f.posterior.alpha.median + 0.1);
  });
});

describe('weighted (oversampled) candidates in the likelihood', () => {
  const veffAt = (a: number, b: number) => 1000 * (b - a) * (1 + 0.1 * (a + 20));
  const cands = Array.from({ length: 40 }, (_, i) => ({ z: 8.6 + (i % 9) * 0.1, M_UV: -21 + (i * 0.137) % 4 }));
  const opts = { zLo: 8.5, zHi: 9.5, Mbright: -23, Mfaint: -16.5, dM: 0.2 };
  it('candidates weighing 1/k are raw counts against k × the volume', () => {
    const k = 4;
    const w = countsData(cands.map((c) => ({ ...c, weight: 1 / k })), veffAt, opts);
    const raw = countsData(cands, (a, b) => k * veffAt(a, b), opts);
    expect(w.counts).toEqual(raw.counts);
    expect(w.veff).toEqual(raw.veff);
  });
  it('unit weights leave the counts unchanged (and a weighted fit is as tight as the raw one, not √k wider)', () => {
    expect(countsData(cands.map((c) => ({ ...c, weight: 1 })), veffAt, opts)).toEqual(countsData(cands, veffAt, opts));
    const k = 16;
    const fw = fitLF(countsData(cands.map((c) => ({ ...c, weight: 1 / k })), veffAt, opts), 'schechter', { seed: 2, nSteps: 800, fixed: { MStar: -20.5, alpha: -2 } });
    const fr = fitLF(countsData(cands, (a, b) => k * veffAt(a, b), opts), 'schechter', { seed: 2, nSteps: 800, fixed: { MStar: -20.5, alpha: -2 } });
    const width = (f: typeof fw) => f.posterior.logPhiStar!.hi - f.posterior.logPhiStar!.lo;
    expect(width(fw)).toBeCloseTo(width(fr), 6);
  });
});
