// Diagnostic (issue 14): where does the bank co-add lose against the Neyman–Pearson ceiling?
// node --import tsx libs/asteris/bench/diag-np.ts [seeds=4] [size=256]
import { abMagFromNJy, normalQuantile, pointSourceDetectionLimit } from '@asteris/astro';
import { bankFilter, detectBank, robustStd } from '@asteris/extract';
import { destripeRows, exposureCovariance, glsStack, glsWeights, robustSigma } from '@asteris/stack';
import { artefactStack } from './artefacts.ts';
import { calibrate, detectionBank, detectWith, nullChain, pathImage, subtractBackground } from './null-chain.ts';

const NS = Number(process.argv[2] ?? 4), S = Number(process.argv[3] ?? 256);
const PSF_SIGMA = 0.85, PIX = 0.04, TARGET = 100;
const bank = detectionBank({ psfFwhmPx: 2.3548 * PSF_SIGMA, pixScaleArcsec: PIX });
const psf = [bank[0]!];
const areaA = (S * S * PIX * PIX) / 3600;

/** probit MLE of detection probability vs flux: P = Φ(a·F − b); returns F at P = 0.9 and its σ (Fisher). */
function probit90(F: number[], d: boolean[]): { f90: number; err: number } {
  const Phi = (x: number) => 1 - 0.5 * erfc(x / Math.SQRT2);
  let a = 1 / (Math.max(...F) / 4), b = 2;
  const ll = (a: number, b: number) => F.reduce((s, f, i) => { const p = Math.min(1 - 1e-12, Math.max(1e-12, Phi(a * f - b))); return s + (d[i] ? Math.log(p) : Math.log(1 - p)); }, 0);
  let best = ll(a, b), sa = a * 0.5, sb = 1;
  for (let it = 0; it < 400; it++) {
    let moved = false;
    for (const [da, db] of [[sa, 0], [-sa, 0], [0, sb], [0, -sb]] as const) { const v = ll(a + da, b + db); if (v > best && a + da > 0) { best = v; a += da; b += db; moved = true; } }
    if (!moved) { sa /= 2; sb /= 2; if (sb < 1e-6) break; }
  }
  const z = normalQuantile(0.9);
  const f90 = (b + z) / a;
  // bootstrap-free error: numerical Hessian
  const h = [a * 1e-3, 1e-3];
  const H = [[0, 0], [0, 0]];
  const p = [a, b];
  const f = (q: number[]) => ll(q[0]!, q[1]!);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const e = (k: number, s: number) => { const q = [...p]; q[k]! += s; return q; };
    const pp = [...p]; pp[i]! += h[i]!; pp[j]! += h[j]!;
    const pm = [...p]; pm[i]! += h[i]!; pm[j]! -= h[j]!;
    const mp = [...p]; mp[i]! -= h[i]!; mp[j]! += h[j]!;
    const mm = [...p]; mm[i]! -= h[i]!; mm[j]! -= h[j]!;
    H[i]![j] = -(f(pp) - f(pm) - f(mp) + f(mm)) / (4 * h[i]! * h[j]!);
    void e;
  }
  const det = H[0]![0]! * H[1]![1]! - H[0]![1]! * H[1]![0]!;
  const C = [[H[1]![1]! / det, -H[0]![1]! / det], [-H[1]![0]! / det, H[0]![0]! / det]];
  const g = [-(b + z) / (a * a), 1 / a];
  const v = g[0]! * g[0]! * C[0]![0]! + 2 * g[0]! * g[1]! * C[0]![1]! + g[1]! * g[1]! * C[1]![1]!;
  return { f90, err: Math.sqrt(Math.max(v, 0)) };
}
function erfc(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const mag = (f: number) => abMagFromNJy(f);

function localMaxScores(f: Float32Array, s: number, B: number): number[] {
  const out: number[] = [];
  for (let y = B; y < S - B; y++) for (let x = B; x < S - B; x++) {
    const p = y * S + x, v = f[p]!;
    if (v < 2 * s) continue;
    let m = true;
    for (let dy = -1; dy <= 1 && m; dy++) for (let dx = -1; dx <= 1; dx++) { if ((dx || dy) && f[p + dy * S + dx]! > v) { m = false; break; } }
    if (m) out.push(v / s);
  }
  return out.sort((a, b) => b - a);
}

const det: Record<string, { F: number[]; d: boolean[] }> = {};
const add = (k: string, F: number, d: boolean) => { (det[k] ??= { F: [], d: [] }).F.push(F); det[k]!.d.push(d); };
let pix = 0, sigTrue = 0, sigNull = 0, thTrue: number[] = [], thNull: number[] = [], thNullPsf: number[] = [], thTrueBank: number[] = [];
const allTrueScores: number[] = [];
const sigV: Record<string, number[]> = {}, thV: Record<string, number[]> = {};
for (let r = 0; r < NS; r++) {
  const seed = 9101 + r;
  const o = { seed, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: PSF_SIGMA, dither: 16, amp: 0, density: 15, magRange: [26.5, 29] as [number, number], extendedFrac: 0 };
  const F = artefactStack(o), T = artefactStack({ ...o, noSources: true });
  const sig = F.frames.map((f) => robustSigma(f)), sigT = T.frames.map((f) => robustSigma(f));
  const img = subtractBackground(await pathImage(F.frames, S, S, 'coadd', '', 256, sig), S, S);
  const tim = subtractBackground(await pathImage(T.frames, S, S, 'coadd', '', 256, sigT), S, S);
  pix += robustSigma(Float32Array.from(img, (v, i) => v - F.truth[i]!)) / NS;
  const ft = bankFilter(tim, S, S, bank[0]!), fi = bankFilter(img, S, S, bank[0]!);
  const st = robustStd(ft);
  sigTrue += st / NS;
  const sc = localMaxScores(ft, st, bank[0]!.half);
  allTrueScores.push(...sc);
  const allowed = Math.floor(TARGET * areaA);
  const tT = sc[allowed]!;
  thTrue.push(tT);
  // bank on the truth noise (the detector's own sigma from the truth)
  const sT = bank.map((k) => robustStd(bankFilter(tim, S, S, k)));
  const bT = detectBank({ data: tim, width: S, height: S }, bank, { threshold: 2.5, sigma: sT, background: 0 }).map((q) => q.snr);
  const tTB = bT[allowed]!;
  thTrueBank.push(tTB);
  // null chain (as the bench)
  const ch = await nullChain(F.frames, S, S, 'coadd', { model: '', K: 4, seed: 5, bank, base: 2.5, pixScale: PIX });
  const cal = calibrate(ch, TARGET);
  thNull.push(cal.threshold);
  sigNull += ch.sigma[0]! / NS;
  const chP = await nullChain(F.frames, S, S, 'coadd', { model: '', K: 4, seed: 5, bank: psf, base: 2.5, pixScale: PIX });
  const calP = calibrate(chP, TARGET);
  thNullPsf.push(calP.threshold);
  // detections
  const dTruePsf = detectBank({ data: img, width: S, height: S }, psf, { threshold: tT, sigma: [st], background: 0 });
  const dBank = detectWith(ch, img, S, S, cal.threshold);
  const dPsfNull = detectWith(chP, img, S, S, calP.threshold);
  const dBankTrue = detectBank({ data: img, width: S, height: S }, bank, { threshold: tTB, sigma: sT, background: 0 });
  // whitened: destriped clipped co-add; GLS (filtered covariance) + destripe; oracle (true IVW weights, true stripes)
  const proc = (raw: Float32Array) => destripeRows(subtractBackground(raw, S, S), S, S).data;
  const filtFrames = (fr: Float32Array[]) => fr.map((f) => bankFilter(proc(f), S, S, bank[0]!));
  const ff = filtFrames(F.frames);
  const cov = exposureCovariance(ff, { sigmas: ff.map((f) => robustStd(f)) });
  const gw = glsWeights(cov);
  if (r === 0) console.log('GLS weights', gw.weights.map((v) => v.toFixed(3)).join(' '), 'true IVW', (() => { const iv = F.sigmaExp.map((q) => 1 / q / q); const t = iv.reduce((a, b) => a + b, 0); return iv.map((q) => (q / t).toFixed(3)).join(' '); })());
  const variants: Record<string, [Float32Array, Float32Array]> = {
    'coadd+destripe': [proc(await pathImage(F.frames, S, S, 'coadd', '', 256, sig)), proc(await pathImage(T.frames, S, S, 'coadd', '', 256, sigT))],
    'gls+destripe': [proc(glsStack(F.frames, { weights: gw.weights })), proc(glsStack(T.frames, { weights: gw.weights }))],
  };
  {
    const iv = F.sigmaExp.map((q) => 1 / q / q), t = iv.reduce((a, b) => a + b, 0), w = iv.map((q) => q / t);
    const unstripe = (fr: Float32Array[]) => fr.map((f, e) => Float32Array.from(f, (v, p) => v - F.stripes[e]![Math.floor(p / S)]!));
    variants['oracle ivw, true stripes removed'] = [subtractBackground(glsStack(unstripe(F.frames), { weights: w, sigmas: F.sigmaExp }), S, S), subtractBackground(glsStack(unstripe(T.frames), { weights: w, sigmas: F.sigmaExp }), S, S)];
  }
  for (const [name, [vi, vt]] of Object.entries(variants)) {
    const f2 = bankFilter(vt, S, S, bank[0]!), s2 = robustStd(f2);
    const sc2 = localMaxScores(f2, s2, bank[0]!.half);
    const th2 = sc2[Math.floor(TARGET * areaA)]!;
    (sigV[name] ??= []).push(s2); (thV[name] ??= []).push(th2);
    const d2 = detectBank({ data: vi, width: S, height: S }, psf, { threshold: th2, sigma: [s2], background: 0 });
    const sT2 = bank.map((k) => robustStd(bankFilter(vt, S, S, k)));
    const bT2 = detectBank({ data: vt, width: S, height: S }, bank, { threshold: 2.5, sigma: sT2, background: 0 }).map((q) => q.snr);
    if (r === 0) console.log(name, 'bank σ', sT2.map((v) => v.toFixed(3)).join(' '), 'bank thr', bT2[Math.floor(TARGET * areaA)]!.toFixed(2), 'top', bT2.slice(0, 6).map((v) => v.toFixed(1)).join(' '));
    const d3 = detectBank({ data: vi, width: S, height: S }, bank, { threshold: bT2[Math.floor(TARGET * areaA)]!, sigma: sT2, background: 0 });
    for (const q of F.sources) { add(`${name}: psf search, true thr`, q.flux, d2.some((d) => Math.hypot(d.x - q.x, d.y - q.y) <= 2)); add(`${name}: bank search, true thr`, q.flux, d3.some((d) => Math.hypot(d.x - q.x, d.y - q.y) <= 2)); }
  }
  const near = (ds: { x: number; y: number }[], s: { x: number; y: number }, r = 2) => ds.some((d) => Math.hypot(d.x - s.x, d.y - s.y) <= r);
  for (const s of F.sources) {
    // known position: filtered value at the nearest pixel and at the best of the 4 surrounding pixels
    const xi = Math.round(s.x), yi = Math.round(s.y);
    add('known/nearest px', s.flux, fi[yi * S + xi]! / st > tT);
    // noiseless signal at the best pixel vs true max (peak loss)
    add('search psf, true σ & threshold', s.flux, near(dTruePsf, s));
    add('search psf, null σ & threshold', s.flux, near(dPsfNull, s));
    add('search bank, true threshold', s.flux, near(dBankTrue, s));
    add('search bank, null threshold (bench)', s.flux, near(dBank, s));
  }
}
const allowedTot = Math.floor(TARGET * areaA * NS);
const np = pointSourceDetectionLimit({ sigmaPix: pix, psfFwhmPx: 2.3548 * PSF_SIGMA, areaPx: S * S * NS, falseDetections: TARGET * areaA * NS });
const npTrueSig = pointSourceDetectionLimit({ sigmaPix: sigTrue, psfFwhmPx: 2.3548 * PSF_SIGMA, areaPx: S * S * NS, falseDetections: TARGET * areaA * NS });
const fluxNoiseTrue = npTrueSig.fluxNoise;
const tLattice = allTrueScores.sort((a, b) => b - a)[allowedTot]!;
const z9 = normalQuantile(0.9);
console.log(`pixel σ (img − truth) ${pix.toFixed(3)}; PSF-filtered σ on the truth noise ${sigTrue.toFixed(3)} (ratio ${(sigTrue / pix).toFixed(3)} = correlated-noise penalty); on the nulls ${sigNull.toFixed(3)}`);
console.log(`thresholds: EC formula ${np.threshold.toFixed(2)}; truth-noise PSF lattice maxima ${tLattice.toFixed(2)} (per field ${thTrue.map((t) => t.toFixed(2)).join(' ')}); truth bank ${thTrueBank.map((t) => t.toFixed(2)).join(' ')}; null PSF-only ${thNullPsf.map((t) => t.toFixed(2)).join(' ')}; null bank ${thNull.map((t) => t.toFixed(2)).join(' ')}`);
console.log(`NP m90 (bench: pixel σ, EC) ${mag(np.flux).toFixed(3)}; with the filtered σ ${mag(npTrueSig.flux).toFixed(3)}; with filtered σ and lattice threshold ${mag((tLattice + z9) * fluxNoiseTrue).toFixed(3)}`);
for (const k of Object.keys(sigV)) {
  const sv = sigV[k]!.reduce((a, b) => a + b, 0) / NS;
  const npv = pointSourceDetectionLimit({ sigmaPix: sv, psfFwhmPx: 2.3548 * PSF_SIGMA, areaPx: S * S * NS, falseDetections: TARGET * areaA * NS });
  console.log(`${k}: filtered σ ${sv.toFixed(3)}, lattice thr ${thV[k]!.map((t) => t.toFixed(2)).join(' ')}, NP (EC) m90 ${mag(npv.flux).toFixed(3)}`);
}
for (const [k, v] of Object.entries(det)) {
  const p = probit90(v.F, v.d);
  console.log(`${k.padEnd(40)} m90 (probit) ${mag(p.f90).toFixed(3)} ± ${(1.0857 * p.err / p.f90).toFixed(3)}  (n=${v.F.length})`);
}
