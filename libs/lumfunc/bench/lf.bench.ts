// `npm run bench:lf` — posterior coverage of the LF fitter on seeded mock catalogues (issue 7).
// Each realisation draws galaxies from a known LF over the survey volume (Poisson count, M from φ, z uniform
// in comoving volume), thins them by a logistic completeness C(m), fits the counts given V_eff with the
// ensemble MCMC and records whether the input value lies inside the 16–84 % posterior interval.
// For calibrated posteriors the coverage is ≈ 0.68 (binomial σ = √(0.68·0.32/N)). Ratios printed are
// measured coverage / 0.68, and the fit's wall time relative to one reference likelihood sweep in the same run.
//   LF_BENCH_N=40 LF_BENCH_MODEL=dpl LF_BENCH_STEPS=3000 npm run bench:lf   (LF_BENCH_PROFILE=0: no ρ_UV profile intervals)
import { Cosmology } from '@asteris/astro';
import { binEffectiveVolume, countsData, fitLF, logisticCompleteness, logLikelihood, mockCandidates } from '../src/index.ts';

const N = Number(process.env.LF_BENCH_N ?? 24);
const model = (process.env.LF_BENCH_MODEL ?? 'schechter') as 'schechter' | 'dpl';
const nSteps = Number(process.env.LF_BENCH_STEPS ?? (model === 'dpl' ? 6000 : 3000));
const cosmo = new Cosmology();
const comp = logisticCompleteness({
  zEdges: [8.5, 9, 9.5], mEdges: Array.from({ length: 41 }, (_, i) => 25 + i * 0.15), m50: 29.3, width: 0.25, areaArcmin2: 200,
});
const truth = model === 'schechter'
  ? { kind: 'schechter' as const, phiStar: 1.5e-4, MStar: -20.6, alpha: -2.2 }
  : { kind: 'dpl' as const, phiStar: 1.2e-4, MStar: -20.0, alpha: -2.1, beta: -4.2 };
const tv: Record<string, number> = { logPhiStar: Math.log10(truth.phiStar), MStar: truth.MStar, alpha: truth.alpha };
if (truth.kind === 'dpl') tv.beta = truth.beta;
const veffAt = (a: number, b: number) => binEffectiveVolume(comp, a, b, 8.5, 9.5, cosmo, 2);

const inside: Record<string, number> = Object.fromEntries(Object.keys(tv).map((k) => [k, 0]));
let rhoInside = 0;
// misses by side: the truth below the interval ('high' intervals) or above it ('low'); posterior and profile likelihood
const miss = { postHigh: 0, postLow: 0, profHigh: 0, profLow: 0 };
let profInside = 0;
let nConv = 0;
const accs: number[] = [];
const taus: number[] = [];
let tFit = 0;
let tRef = 0;
const nGal: number[] = [];
// "true" ρ_UV of the input LF
const { uvLuminosityDensity } = await import('@asteris/astro');
const trueRho = Math.log10(uvLuminosityDensity(truth, -17));
for (let r = 0; r < N; r++) {
  const cands = mockCandidates(truth, comp, { z1: 8.5, z2: 9.5, seed: 1000 + r, cosmo });
  nGal.push(cands.length);
  const data = countsData(cands, veffAt, { zLo: 8.5, zHi: 9.5, Mbright: -23, Mfaint: -16.5, dM: 0.1 });
  // reference: 1000 likelihood evaluations at the truth
  const p = { logPhiStar: tv.logPhiStar, MStar: tv.MStar, alpha: tv.alpha, beta: tv.beta ?? -4 };
  let t0 = performance.now();
  for (let k = 0; k < 1000; k++) logLikelihood(model, p, data);
  tRef += performance.now() - t0;
  t0 = performance.now();
  const f = fitLF(data, model, { seed: 77 + r, nSteps, profile: process.env.LF_BENCH_PROFILE !== '0' });
  tFit += performance.now() - t0;
  for (const k of Object.keys(tv)) {
    const s = f.posterior[k];
    if (tv[k] >= s.lo && tv[k] <= s.hi) inside[k]++;
  }
  if (trueRho >= f.logRhoUV17.lo && trueRho <= f.logRhoUV17.hi) rhoInside++;
  else if (trueRho < f.logRhoUV17.lo) miss.postHigh++; else miss.postLow++;
  const pr = f.logRhoUV17Profile;
  if (pr && trueRho >= pr.lo && trueRho <= pr.hi) profInside++;
  else if (pr && trueRho < pr.lo) miss.profHigh++; else if (pr) miss.profLow++;
  if (f.diagnostics.converged) nConv++;
  accs.push(f.diagnostics.acceptanceFraction);
  taus.push(Math.max(...Object.values(f.diagnostics.tau)));
  process.stderr.write(`\r[bench:lf] realisation ${r + 1}/${N}`);
}
process.stderr.write('\n');
const sig = Math.sqrt((0.68 * 0.32) / N);
console.log(`LF coverage benchmark: model ${model}, ${N} seeded realisations, ${Math.round(nGal.reduce((a, b) => a + b, 0) / N)} galaxies each (mean), 200 arcmin², z 8.5–9.5`);
console.log(`expected coverage of the 68 % interval: 0.68 ± ${sig.toFixed(2)} (binomial)`);
for (const k of [...Object.keys(tv), 'logRhoUV17', 'ρ profile']) {
  const c = (k === 'logRhoUV17' ? rhoInside : k === 'ρ profile' ? profInside : inside[k]) / N;
  console.log(`  ${k.padEnd(11)} coverage ${c.toFixed(2)}  ratio to 0.68: ${(c / 0.68).toFixed(2)}  ${Math.abs(c - 0.68) <= 2 * sig ? 'ok' : 'OUTSIDE 2σ'}`);
}
console.log(`  ρ_UV misses: posterior ${miss.postHigh} high / ${miss.postLow} low; profile likelihood ${miss.profHigh} high / ${miss.profLow} low`);
console.log(`converged fits (${nSteps} steps × 32 walkers): ${nConv}/${N}; acceptance ${Math.min(...accs).toFixed(2)}–${Math.max(...accs).toFixed(2)}; max τ per fit ${Math.min(...taus).toFixed(0)}–${Math.max(...taus).toFixed(0)} steps (${nSteps - Math.floor(nSteps / 3)} kept)`);
console.log(`fit wall time ${(tFit / N / 1000).toFixed(2)} s per fit = ${(tFit / tRef).toFixed(0)}× one 1000-evaluation likelihood sweep (${(tRef / N).toFixed(1)} ms)`);
