// Closure coverage over seeds: `node --import tsx libs/lumfunc/bench/closure.bench.ts [nSeeds]` — the mock survey of test/closure.test.ts
// redrawn per seed; counts how often χ²/dof ≤ 1.5, all input parameters lie in the 95 % interval, and ρ_UV lies in the 68 % interval.
import { Cosmology, lfPhi, uvLuminosityDensity, type LfParams } from '@asteris/astro';
import { binEffectiveVolume, mockSurvey, runLuminosityFunction } from '../src/index.ts';
const cosmo = new Cosmology();
const sch = (l: number, M: number, a: number): LfParams => ({ kind: 'schechter', phiStar: 10 ** l, MStar: M, alpha: a });
const SLICES = [{ zLo: 8.5, zHi: 9.5, lf: sch(-4.0, -20.5, -2.2) }, { zLo: 9.5, zHi: 10.5, lf: sch(-4.3, -20.5, -2.3) }, { zLo: 10.5, zHi: 13, lf: sch(-4.6, -20.5, -2.4) }];
const TIERS = [{ name: 'deep', areaArcmin2: 40, m50: 29.8, width: 0.25, cMax: 0.9 }, { name: 'medium', areaArcmin2: 100, m50: 29.0, width: 0.3, cMax: 0.85 }];
const q = (v: number[], f: number) => { const s = [...v].sort((a, b) => a - b); return s[Math.round(f * (s.length - 1))]; };
const t0 = Date.now();
let nRho = 0, nPar = 0, nChi = 0, n = 0, nParEach = 0, nParTot = 0, chi2Tot = 0, dofTot = 0;
for (let seed = 1; seed <= Number(process.argv[2] ?? 10); seed++) {
  const sv = mockSurvey({ tiers: TIERS, slices: SLICES, seed, cosmo });
  const mEdges = [-22.5, -22, -21.5, -21, -20.5, -20, -19.5, -19, -18.5, -18, -17.5, -17];
  const res = runLuminosityFunction(sv.candidates, sv.completeness, { zBins: SLICES.map((s) => [s.zLo, s.zHi] as [number, number]), mEdges, models: ['schechter'], seed: 5, nSteps: 2500 });
  const line: string[] = [];
  SLICES.forEach((s, k) => {
    const zb = res.zBins[k]; let chi2 = 0, dof = 0;
    for (const b of zb.bins) { if (b.nRaw < 3) continue; let num = 0;
      for (let i = 0; i < 8; i++) { const a = b.Mlo + (i * (b.Mhi - b.Mlo)) / 8, c = a + (b.Mhi - b.Mlo) / 8; num += lfPhi(s.lf, 0.5 * (a + c)) * binEffectiveVolume(sv.completeness, a, c, s.zLo, s.zHi, cosmo, 2) * (c - a); }
      const e = num / (b.veff * (b.Mhi - b.Mlo)); const sig = b.phi > e ? b.errLo : b.errUp; chi2 += ((b.phi - e) / sig) ** 2; dof++; }
    const f = zb.fits[0]; const truth: Record<string, number> = { logPhiStar: Math.log10((s.lf as any).phiStar), MStar: s.lf.MStar, alpha: s.lf.alpha };
    const inside = f.sampleNames.map((nm, i) => { const v = f.samples.map((r) => r[i]); return truth[nm] >= q(v, 0.025) && truth[nm] <= q(v, 0.975); });
    const parOk = inside.every(Boolean); nParEach += inside.filter(Boolean).length; nParTot += inside.length; chi2Tot += chi2; dofTot += dof;
    const rho = Math.log10(uvLuminosityDensity(s.lf, -17)); const rhoOk = rho >= f.logRhoUV17.lo && rho <= f.logRhoUV17.hi;
    n++; if (rhoOk) nRho++; if (parOk) nPar++; if (chi2 / dof <= 1.5) nChi++;
    line.push(`z${s.zLo}: N=${zb.nCandidates} χ²/dof=${(chi2 / dof).toFixed(2)}(${dof}) par95=${parOk} rho1σ=${rhoOk} ${f.diagnostics.status}`);
  });
  console.log(seed, line.join(' | '));
}
console.log({ n, nChi, nPar, nRho, parameterCoverage95: `${nParEach}/${nParTot}`, pooledChi2PerDof: +(chi2Tot / dofTot).toFixed(3), s: (Date.now() - t0) / 1000 });
