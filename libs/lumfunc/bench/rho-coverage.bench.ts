// `npm run bench:rho -- [--seeds 30] [--injections 5000] [--fields 6] [--m50 28.1,27.5] [--steps 1500] [--dz=-0.21] [--fix-beta=B] [--mstar-max=M] [--mstep 0.25] [--verbose]` (negative values after "=")
// Coverage of the ρ_UV(< −17) intervals on the pipeline closure's survey, at library level (issue 15). The closure
// (libs/pipeline/bench/survey-closure.ts) leans high in ρ_UV on both paths; this separates the fit from the pipeline:
//  - the input is the closure's evolving DPL (M* −21, α −2.2, β −4.5, log φ* −4.46 − 0.21 (z − 9)), drawn in z slices of 0.1;
//  - `fields` fields of 262/fields arcmin² (the closure's effective area), half at each m50 of --m50, each with a
//    logistic completeness C(m) = 0.88 / (1 + exp((m − m50)/0.25)) in apparent magnitude;
//  - each field's injection–recovery (n injections, uniform in m 25.5–30.5 and z 8.5–13) fitted by the pipeline's
//    completeness model (completenessFromInjections, z bins of 1), galaxies kept with the true C (mockSurvey, one
//    tier per field);
//  - runLuminosityFunction (the lf stage's function) with DPL fits in the closure's z bins 8.5–9.5, 9.5–10.5, 10.5–13;
//  - the input ρ_UV (φ* averaged over each bin's comoving volume, as the closure does) against the posterior's and the
//    profile likelihood's 68 % intervals, counting misses by side.
import { parseArgs } from 'node:util';
import { Cosmology, uvLuminosityDensity, type LfParams } from '@asteris/astro';
import { mockSurvey, runLuminosityFunction, type SurveySlice, type SurveyTier } from '../src/index.ts';

const { values: a } = parseArgs({ options: {
  seeds: { type: 'string', default: '30' }, injections: { type: 'string', default: '5000' }, fields: { type: 'string', default: '6' },
  m50: { type: 'string', default: '28.1,27.5' }, steps: { type: 'string', default: '1500' }, dz: { type: 'string', default: '-0.21' },
  'fix-beta': { type: 'string' }, 'mstar-max': { type: 'string' }, mstep: { type: 'string', default: '0.25' }, verbose: { type: 'boolean', default: false },
} });
const cosmo = new Cosmology();
const nSeeds = Number(a.seeds), nInj = Number(a.injections), nF = Number(a.fields), dz = Number(a.dz);
const [m50Deep, m50Med] = a.m50!.split(',').map(Number) as [number, number];
const L = { MStar: -21, alpha: -2.2, beta: -4.5, logPhiStar: -4.46, z0: 9 };
const at = (z: number): LfParams => ({ kind: 'dpl', phiStar: 10 ** (L.logPhiStar + dz * (z - L.z0)), MStar: L.MStar, alpha: L.alpha, beta: L.beta });
const BINS: [number, number][] = [[8.5, 9.5], [9.5, 10.5], [10.5, 13]];
const zE = [8.5, 9.5, 10.5, 11.5, 12.5, 13];
// the completeness products' magnitude grid (C is interpolated between cell centres): --mstep (default 0.25 mag)
const MSTEP = Number(a.mstep);
const mE = Array.from({ length: Math.round(7 / MSTEP) + 1 }, (_, i) => 25 + MSTEP * i);
const area = 262 / nF;
const volPhi = (lo: number, hi: number) => {
  let n = 0, d = 0;
  for (let i = 0; i < 20; i++) { const z = lo + ((i + 0.5) * (hi - lo)) / 20; const v = cosmo.differentialComovingVolume(z); n += (at(z) as { phiStar: number }).phiStar * v; d += v; }
  return n / d;
};
const med = (o: number[]) => { const s = [...o].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const post = { inside: 0, high: 0, low: 0 }, prof = { inside: 0, high: 0, low: 0, open: 0 };
const offs: number[][] = BINS.map(() => []), mlOffs: number[][] = BINS.map(() => []), pOff: Record<string, number[]> = {};
const t0 = Date.now();
// the input in z slices of 0.1; one tier per field (half at each m50), 0.88 plateau, 0.25-mag width
const SLICES: SurveySlice[] = [];
for (let z = 8.5; z < 12.999; z += 0.1) SLICES.push({ zLo: z, zHi: z + 0.1, lf: at(z + 0.05) });
const TIERS: SurveyTier[] = Array.from({ length: nF }, (_, f) => ({ name: `f${f}`, areaArcmin2: area, m50: f < nF / 2 ? m50Deep : m50Med, width: 0.25, cMax: 0.88 }));
for (let seed = 1; seed <= nSeeds; seed++) {
  const { candidates: cands, completeness: comps } = mockSurvey({
    tiers: TIERS, slices: SLICES, seed, cosmo, nInjections: nInj, mEdges: mE, completenessZEdges: zE, injectionMagRange: [25.5, 30.5],
  });
  const res = runLuminosityFunction(cands, comps, {
    zBins: BINS, models: ['dpl'], seed: 5, nSteps: Number(a.steps), nWalkers: 24, migration: false,
    ...(a['fix-beta'] !== undefined ? { fixed: { dpl: { beta: Number(a['fix-beta']) } } } : {}),
    ...(a['mstar-max'] ? { priors: { MStar: [-23, Number(a['mstar-max'])] as [number, number] } } : {}),
  });
  const line: string[] = [];
  BINS.forEach(([lo, hi], k) => {
    const f = res.zBins[k]!.fits[0];
    if (!f) { line.push('no fit'); return; }
    const rho = Math.log10(uvLuminosityDensity({ kind: 'dpl', phiStar: volPhi(lo, hi), MStar: L.MStar, alpha: L.alpha, beta: L.beta }, -17));
    const r = f.logRhoUV17, p = f.logRhoUV17Profile!;
    if (rho < r.lo) post.high++; else if (rho > r.hi) post.low++; else post.inside++;
    if (rho < p.lo) prof.high++; else if (rho > p.hi) prof.low++; else prof.inside++;
    if (p.open.length) prof.open++;
    offs[k]!.push(r.median - rho);
    mlOffs[k]!.push(p.median - rho);
    const tr: Record<string, number> = { logPhiStar: Math.log10(volPhi(lo, hi)), MStar: L.MStar, alpha: L.alpha, beta: L.beta };
    for (const nm of f.free) (pOff[nm] ??= []).push(f.posterior[nm]!.median - tr[nm]!);
    line.push(`z ${lo}: N ${res.zBins[k]!.nCandidates} input ${rho.toFixed(2)} posterior [${r.lo.toFixed(2)}, ${r.hi.toFixed(2)}] profile [${p.lo.toFixed(2)}, ${p.hi.toFixed(2)}] fit to ${res.zBins[k]!.fitRange?.[1]?.toFixed(1)}`);
  });
  if (a.verbose) console.log(seed, line.join(' | '));
  else process.stderr.write(`\r[bench:rho] seed ${seed}/${nSeeds}`);
}
process.stderr.write('\n');
const n = post.inside + post.high + post.low;
console.log(`ρ_UV(< −17) coverage: ${nSeeds} surveys × ${BINS.length} z bins (${n} intervals), ${nF} fields of ${area.toFixed(1)} arcmin² at m50 ${m50Deep}/${m50Med}, ${nInj} injections per field, dlog φ*/dz ${dz}${a['fix-beta'] !== undefined ? `, β fixed at ${a['fix-beta']} (input ${L.beta})` : ''}${a['mstar-max'] ? `, M* prior ≤ ${a['mstar-max']}` : ''}; ${a.steps} steps`);
console.log(`  posterior 68 %:          inside ${post.inside}/${n} (${(post.inside / n).toFixed(2)}), misses high ${post.high}, low ${post.low}`);
console.log(`  profile likelihood 68 %: inside ${prof.inside}/${n} (${(prof.inside / n).toFixed(2)}), misses high ${prof.high}, low ${prof.low}; open ends ${prof.open}`);
console.log(`  expected 0.68 ± ${Math.sqrt((0.68 * 0.32) / n).toFixed(2)} (binomial), misses split evenly`);
console.log(`  median offset of log ρ_UV from the input per z bin: posterior median ${offs.map((o) => med(o).toFixed(3)).join(', ')}; maximum likelihood ${mlOffs.map((o) => med(o).toFixed(3)).join(", ")}; posterior medians of the parameters: ${Object.entries(pOff).map(([k, v]) => `${k} ${med(v).toFixed(2)}`).join(', ')}`);
console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s`);
