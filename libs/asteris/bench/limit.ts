// Part 0 of `npm run bench:depth` (issue 14): depth at the physical limit, per path, on fields never used
// for training, from the independent artefact generator (bench/artefacts.ts; settings unlike libs/sim's).
//   coadd/SE     clipped-mean co-add, @asteris/extract default settings (the paper's protocol)
//   coadd/bank   the same co-add, mesh background, matched-filter bank (the previous "optimal" path)
//   coadd/opt    + row whitening (destripeRows: projects out the 1/f striping) + sub-pixel peak refinement
//                + S/N in units of each filtered map's own robust σ (the nulls set only the threshold)
//   ivw/opt      the clipped co-add with inverse-variance weights (@asteris/stack 'clipped-ivw'), then as coadd/opt
//   gls/opt      GLS stack (between-exposure covariance of the PSF-filtered exposures) + the same
//   selfcal/opt  detector-frame self-calibration (selfCalibrate), then coadd/opt
//   den/SE       the model's denoised image, extractor default settings
//   den/opt      the model's own denoised image + background + row whitening + bank
//   den-ivw/opt  a null-space model's correction put on the clipped-ivw co-add (C + D − R: counts the
//                weighting the network learned twice; shown for the record)
//   den-comb/opt the images stage's default for a null-space model: R + α(D − R) + β(C − R), C the
//                clipped-ivw co-add, α and β fitted on the field's own null stacks (src/combine.ts)
//   selfcal+den/opt  the model on the self-calibrated exposures (the `images.selfcal` stage option), then as den/opt
//   ceiling      ORACLE: the exposures with the row striping removed at its true value (what whitening
//                with the known covariance achieves: a row offset costs 1/W of a row's information),
//                inverse-variance weighted with the true σ_t, the true-PSF matched filter searched over
//                the field (pixel peaks), threshold at the target false rate on the same oracle stack of
//                the noise-only truth — the Neyman–Pearson detector for this stack's noise. The
//                detector-fixed pattern stays noise (averaged over the dithers); the bound with it also
//                known (a perfect self-calibration) is printed beside it.
//   ceiling/bank the same oracle stack searched with the pipeline's bank (PSF + discs): the price the
//                extended kernels' extra trials put on point sources, separated from the rest of the gap
// Every path is scored at two thresholds: calibrated on its OWN null stacks (K per field, the pipeline's
// way; its true false rate is printed) and at the threshold giving the target false rate on the
// noise-only truth of the same fields (same seed, no sources: pooled local maxima) — depth at EQUAL
// TRUE false rate, the fair comparison. m90: the one definition (@asteris/astro m90, binned first
// crossing) and the unbinned probit fit with its 1σ error (probitLimit) for points and for discs; the
// differences den/opt − coadd/opt and coadd/opt − ceiling also by a paired bootstrap over the sources.
import { abMagFromNJy, m90, pointSourceDetectionLimit, probitLimit } from '@asteris/astro';
import { createRng } from '@asteris/core';
import { bankFilter, detectBank, effectivePsfFwhm, robustStd } from '@asteris/extract';
import { extractSources } from '@asteris/extract';
import { exposureSigmas, glsStack, robustSigma, selfCalibrate } from '@asteris/stack';
import { artefactStack, oracleFrames, ZP, type ArtefactOptions, type ArtefactStack } from './artefacts.ts';
import { calibrate, comboWeightsOf, detectionBank, detectWith, glsWeightsOf, nullChain, nullRate, pathImage, prepare, toImages, type Path } from './null-chain.ts';
import type { CombineWeights } from '../src/index.ts';

export interface LimitOptions { selfcalIterations?: number; size: number; seeds: number[]; K: number; target: number; model: string; modelName: string; extra?: Partial<ArtefactOptions>; label: string; density?: number; magRange?: [number, number]; discMagOffset?: number }

const PSF_SIGMA = 0.85, PIX = 0.04, N = 8, SIG = 4.3, BASE = 2.5;
const PATHS = ['coadd/SE', 'coadd/bank', 'coadd/opt', 'ivw/opt', 'gls/opt', 'selfcal/opt', 'den/SE', 'den/opt', 'den-ivw/opt', 'den-comb/opt', 'den/eff', 'selfcal+den/opt', 'ceiling/bank', 'ceiling'] as const;
type P = (typeof PATHS)[number];

interface Det { x: number; y: number; flux: number; snr: number; kernel: number }
interface Field { F: ArtefactStack; det: Det[]; truthScores: number[] }

function match(srcs: ArtefactStack['sources'], det: Det[], r = 2): { rec: boolean[]; fals: boolean[] } {
  const pairs: [number, number, number][] = [];
  srcs.forEach((s, i) => det.forEach((d, j) => { const q = Math.hypot(d.x - s.x, d.y - s.y); if (q <= r) pairs.push([q, i, j]); }));
  pairs.sort((a, b) => a[0] - b[0]);
  const rec = srcs.map(() => false), used = det.map(() => false);
  for (const [, i, j] of pairs) if (!rec[i] && !used[j]) { rec[i] = true; used[j] = true; }
  return { rec, fals: used.map((u) => !u) };
}

/** Truncated second-moment FWHM (r ≤ 4 px) of a background-subtracted image about (x, y). */
function momentFwhm(img: Float32Array, S: number, x: number, y: number): number {
  let s = 0, sxx = 0;
  for (let j = Math.floor(y) - 4; j <= Math.ceil(y) + 4; j++) for (let i = Math.floor(x) - 4; i <= Math.ceil(x) + 4; i++) {
    if (i < 0 || j < 0 || i >= S || j >= S) continue;
    const r2 = (i - x) ** 2 + (j - y) ** 2;
    if (r2 > 16) continue;
    const v = img[j * S + i]!;
    s += v; sxx += v * r2;
  }
  return 2.3548 * Math.sqrt(Math.max(0, sxx / s / 2));
}

const EDGES = Array.from({ length: 11 }, (_, i) => 25.5 + i * 0.5);

export async function limitSection(o: LimitOptions, log: (s: string) => void): Promise<void> {
  const S = o.size;
  const bank = detectionBank({ psfFwhmPx: 2.3548 * PSF_SIGMA, pixScaleArcsec: PIX });
  const psfOnly = [bank[0]!];
  const areaField = (S * S * PIX * PIX) / 3600;
  const fields: Record<P, Field[]> = Object.fromEntries(PATHS.map((p) => [p, []])) as never;
  const nullStat: Partial<Record<P, { n: number; area: number; th: number[]; trueN: number }>> = {};
  const phot: Record<'coadd' | 'den' | 'denEff', number[]> = { coadd: [], den: [], denEff: [] };
  const fwhm: Record<'coadd' | 'den' | 'denEff', number[]> = { coadd: [], den: [], denEff: [] };
  const effF: number[] = [];
  let tDen = 0, tCo = 0, pixNoise = 0, sigOracle = 0, sigOracleDet = 0, nDen = 0;
  const glsW: number[][] = [];
  const combos: CombineWeights[] = [];
  for (const seed of o.seeds) {
    const opts = { seed, width: S, height: S, nExp: N, sigma: SIG, psfSigma: PSF_SIGMA, dither: 16, amp: 0, density: o.density ?? 15, magRange: o.magRange ?? [25.5, 30] as [number, number], discMagOffset: o.discMagOffset ?? 0, ...o.extra };
    const F = artefactStack(opts), T = artefactStack({ ...opts, noSources: true });
    // each exposure's noise from the stack's residuals (@asteris/stack exposureSigmas: the co-add's fallback without ERR maps; a frame's
    // robustSigma would count the sky gradient as noise and flatten the weights)
    const sig = exposureSigmas(F.frames), sigT = exposureSigmas(T.frames);
    const scOpt = { iterations: o.selfcalIterations ?? 8 };
    const sc = selfCalibrate(F.frames, S, S, F.dithers, scOpt).frames, scT = selfCalibrate(T.frames, S, S, T.dithers, scOpt).frames;
    const w = glsWeightsOf(F.frames, S, S, bank[0]!);
    glsW.push(w);
    const raw: Record<'coadd' | 'ivw' | 'gls' | 'selfcal' | 'den' | 'denivw' | 'dencomb' | 'scden', [Float32Array, Float32Array]> = {} as never;
    let t0 = performance.now();
    raw.coadd = [await pathImage(F.frames, S, S, 'coadd', o.model, 256, sig), await pathImage(T.frames, S, S, 'coadd', o.model, 256, sigT)];
    tCo += performance.now() - t0;
    raw.ivw = [await pathImage(F.frames, S, S, 'coadd-ivw', o.model, 256, sig), await pathImage(T.frames, S, S, 'coadd-ivw', o.model, 256, sigT)];
    raw.gls = [await pathImage(F.frames, S, S, 'gls', o.model, 256, sig, w), await pathImage(T.frames, S, S, 'gls', o.model, 256, sigT, w)];
    raw.selfcal = [await pathImage(sc, S, S, 'coadd', o.model, 256, sig), await pathImage(scT, S, S, 'coadd', o.model, 256, sigT)];
    t0 = performance.now();
    const dF = await pathImage(F.frames, S, S, 'den', o.model, 256, sig);
    tDen += performance.now() - t0; nDen++;
    raw.den = [dF, await pathImage(T.frames, S, S, 'den', o.model, 256, sigT)];
    raw.denivw = [await pathImage(F.frames, S, S, 'den-ivw', o.model, 256, sig), await pathImage(T.frames, S, S, 'den-ivw', o.model, 256, sigT)];
    // the field's combination weights, from its own nulls (as the images stage); the same weights for its truth and null stacks
    const combo = await comboWeightsOf(F.frames, S, S, o.model, sig, 2.3548 * PSF_SIGMA);
    combos.push(combo);
    raw.dencomb = [await pathImage(F.frames, S, S, 'den-comb', o.model, 256, sig, undefined, combo), await pathImage(T.frames, S, S, 'den-comb', o.model, 256, sigT, undefined, combo)];
    raw.scden = [await pathImage(sc, S, S, 'den', o.model, 256, sig), await pathImage(scT, S, S, 'den', o.model, 256, sigT)];
    pixNoise += robustSigma(Float32Array.from(prepare(raw.coadd[0], S, S, false), (v, i) => v - F.truth[i]!)) / o.seeds.length;
    const score = (p: P, det: Det[], tScores: number[]) => fields[p].push({ F, det, truthScores: tScores });
    // SExtractor-default paths (the paper protocol): no calibration
    for (const [p, img] of [['coadd/SE', raw.coadd[0]], ['den/SE', raw.den[0]]] as const) {
      score(p, extractSources(toImages([img], S, S)[0]!, { maps: false }).sources.map((s) => ({ x: s.x, y: s.y, flux: s.fluxAuto, snr: Infinity, kernel: -1 })), []);
    }
    // bank paths: null-calibrated chain + truth scores
    // the denoised image's effective PSF, measured on it against the co-add at bright compact peaks
    const eff = effectivePsfFwhm({ data: prepare(raw.den[0], S, S, true), width: S, height: S }, 2.3548 * PSF_SIGMA, { reference: { data: prepare(raw.coadd[0], S, S, true), width: S, height: S } });
    effF.push(eff);
    const bankEff = Number.isFinite(eff) ? detectionBank({ psfFwhmPx: eff, pixScaleArcsec: PIX }) : bank;
    const chains: [P, Path, Float32Array[], [Float32Array, Float32Array], boolean, number[] | undefined, typeof bank][] = [
      ['coadd/bank', 'coadd', F.frames, raw.coadd, false, undefined, bank],
      ['coadd/opt', 'coadd', F.frames, raw.coadd, true, undefined, bank],
      ['ivw/opt', 'coadd-ivw', F.frames, raw.ivw, true, undefined, bank],
      ['gls/opt', 'gls', F.frames, raw.gls, true, w, bank],
      ['selfcal/opt', 'coadd', sc, raw.selfcal, true, undefined, bank],
      ['den/opt', 'den', F.frames, raw.den, true, undefined, bank],
      ['den-ivw/opt', 'den-ivw', F.frames, raw.denivw, true, undefined, bank],
      ['den-comb/opt', 'den-comb', F.frames, raw.dencomb, true, undefined, bank],
      ['den/eff', 'den', F.frames, raw.den, true, undefined, bankEff],
      ['selfcal+den/opt', 'den', sc, raw.scden, true, undefined, bank],
    ];
    for (const [p, path, frames, [rf, rt], ds, wts, bk] of chains) {
      const ch = await nullChain(frames, S, S, path, { model: o.model, K: o.K, seed: 5, bank: bk, base: BASE, pixScale: PIX, destripe: ds, refine: ds, selfSigma: ds, ...(wts ? { weights: wts } : {}), ...(path === 'den-comb' ? { combo } : {}) });
      const cal = calibrate(ch, o.target);
      const img = prepare(rf, S, S, ds), timg = prepare(rt, S, S, ds);
      const det = detectWith(ch, img, S, S, BASE);
      const tdet = detectWith(ch, timg, S, S, BASE);
      const ns = (nullStat[p] ??= { n: 0, area: 0, th: [], trueN: 0 });
      ns.n += cal.n; ns.area += cal.area; ns.th.push(cal.threshold); ns.trueN += tdet.filter((q) => q.snr > cal.threshold).length;
      score(p, det, tdet.map((q) => q.snr));
      // photometry (PSF kernel, refined) and FWHM of bright point sources, at the true positions' detections
      if (p === 'coadd/opt' || p === 'den/opt' || p === 'den/eff') {
        const key = p === 'coadd/opt' ? 'coadd' : p === 'den/opt' ? 'den' : 'denEff';
        for (const s of F.sources) {
          if (s.reArcsec > 0) continue;
          const m = det.find((d) => Math.hypot(d.x - s.x, d.y - s.y) <= 1.5 && d.kernel === 0 && d.snr > 10);
          if (m && m.flux > 0) phot[key].push(-2.5 * Math.log10(m.flux / s.flux));
          if (m && m.snr > 30) fwhm[key].push(momentFwhm(img, S, s.x, s.y) / momentFwhm(F.truth, S, s.x, s.y));
        }
      }
      (fields[p].at(-1) as Field & { nullTh?: number }).nullTh = cal.threshold;
    }
    // the ceiling: oracle frames, true inverse-variance weights, true-PSF matched filter (refined)
    const iv = F.sigmaExp.map((q) => 1 / (q * q)), tot = iv.reduce((a, b) => a + b, 0), wo = iv.map((q) => q / tot);
    const of = prepare(glsStack(oracleFrames(F), { weights: wo, sigmas: F.sigmaExp }), S, S, false);
    const ot = prepare(glsStack(oracleFrames(T), { weights: wo, sigmas: T.sigmaExp }), S, S, false);
    const so = robustStd(bankFilter(ot, S, S, bank[0]!));
    sigOracle += so / o.seeds.length;
    // the pattern-known bound (detector-fixed nuisance removed at its true value too: a perfect self-calibration)
    sigOracleDet += robustStd(bankFilter(prepare(glsStack(oracleFrames(T, true), { weights: wo, sigmas: T.sigmaExp }), S, S, false), S, S, bank[0]!)) / o.seeds.length;
    const oDet = detectBank({ data: of, width: S, height: S }, psfOnly, { threshold: BASE, sigma: [so], background: 0, refine: true });
    const oT = detectBank({ data: ot, width: S, height: S }, psfOnly, { threshold: BASE, sigma: [so], background: 0 });
    score('ceiling', oDet, oT.map((q) => q.snr));
    // the same oracle stack searched with the pipeline's bank: what the extended kernels' extra trials cost points
    const sob = bank.map((k) => robustStd(bankFilter(ot, S, S, k)));
    const obDet = detectBank({ data: of, width: S, height: S }, bank, { threshold: BASE, sigma: sob, background: 0, refine: true });
    const obT = detectBank({ data: ot, width: S, height: S }, bank, { threshold: BASE, sigma: sob, background: 0 });
    score('ceiling/bank', obDet, obT.map((q) => q.snr));
  }
  // thresholds at the target TRUE false rate: pooled truth local maxima of each path
  const allowed = Math.floor(o.target * areaField * o.seeds.length);
  const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : ' n/a');
  const sd = (v: number) => (Number.isFinite(v) ? (v >= 0 ? '+' : '') + v.toFixed(2) : 'n/a');
  const pm = (r: { m: number; e: number }) => `${f2(r.m)}±${Number.isFinite(r.e) ? r.e.toFixed(2) : 'n/a'}`;
  interface Res { m90p: number; m90e: number; pp: { m: number; e: number }; pe: { m: number; e: number }; pe50: { m: number; e: number }; fr: number }
  // each source's recovered flag on a path at a threshold, in one fixed order (fields, then sources): the
  // same injections on every path, so two paths' depths can be compared source by source
  const flags = (p: P, thOf: (f: Field & { nullTh?: number }) => number) => {
    const flux: number[] = [], mag: number[] = [], rec: boolean[] = [], disc: boolean[] = [];
    let nFalse = 0;
    for (const f of fields[p]) {
      const th = thOf(f);
      const { rec: r, fals } = match(f.F.sources, f.det.filter((d) => !(d.snr <= th)));
      nFalse += fals.filter(Boolean).length;
      f.F.sources.forEach((s, i) => { flux.push(s.flux); mag.push(s.mag); rec.push(r[i]!); disc.push(s.reArcsec > 0); });
    }
    return { flux, mag, rec, disc, nFalse };
  };
  /** probit m at `level` (plateau fitted) with its 1σ error in mag; NaN when the fit is impossible */
  const probitMag = (F: number[], d: boolean[], level = 0.9) => { try { const r = probitLimit(F, d, { plateau: true, level }); return { m: abMagFromNJy(r.flux), e: (1.0857 * r.err) / r.flux }; } catch { return { m: NaN, e: NaN }; } };
  const evalAt = (p: P, thOf: (f: Field & { nullTh?: number }) => number): Res => {
    const g = flags(p, thOf);
    const pick = <T>(a: T[], discs: boolean) => a.filter((_, i) => g.disc[i] === discs);
    const [pmg, prc, pf] = [pick(g.mag, false), pick(g.rec, false), pick(g.flux, false)];
    const [emg, erc, ef] = [pick(g.mag, true), pick(g.rec, true), pick(g.flux, true)];
    return { m90p: m90(pmg, prc, EDGES).m90, m90e: m90(emg, erc, EDGES).m90, pp: probitMag(pf, prc), pe: probitMag(ef, erc), pe50: probitMag(ef, erc, 0.5), fr: g.nFalse / (areaField * o.seeds.length) };
  };
  /**
   * Paired bootstrap of a depth difference (path a − path b, probit level `level`, points or discs): every
   * replicate redraws the sources once for both paths, so what the two paths share (the same injections,
   * near-identical detections) cancels — the quadrature of the two probit errors ignores that and overstates
   * the error of a difference between two nearly equal paths. Seeded; 68 % interval and the median.
   */
  const pairedDiff = (a: P, b: P, thA: (f: Field & { nullTh?: number }) => number, thB: (f: Field & { nullTh?: number }) => number, discs: boolean, level = 0.9, B = 100) => {
    const A = flags(a, thA), Bf = flags(b, thB);
    const idx = A.flux.map((_, i) => i).filter((i) => A.disc[i] === discs);
    const fit = (F: number[], d: boolean[]) => probitMag(F, d, level).m;
    const one = (ii: number[]) => fit(ii.map((i) => A.flux[i]!), ii.map((i) => A.rec[i]!)) - fit(ii.map((i) => Bf.flux[i]!), ii.map((i) => Bf.rec[i]!));
    const est = one(idx);
    const rng = createRng(20261207);
    const reps: number[] = [];
    for (let r = 0; r < B; r++) { const v = one(idx.map(() => idx[Math.floor(rng.random() * idx.length)]!)); if (Number.isFinite(v)) reps.push(v); }
    reps.sort((x, y) => x - y);
    const q = (u: number) => reps[Math.min(reps.length - 1, Math.max(0, Math.round(u * (reps.length - 1))))]!;
    return { est, lo: q(0.16), hi: q(0.84), n: reps.length };
  };
  const res: Partial<Record<P, { nul?: Res; tru: Res; trueTh: number }>> = {};
  for (const p of PATHS) {
    if (p.endsWith('/SE')) { const r = evalAt(p, () => -Infinity); res[p] = { tru: r, trueTh: NaN }; continue; }
    const ts = fields[p].flatMap((f) => f.truthScores).sort((a, b) => b - a);
    const trueTh = ts[allowed] ?? BASE;
    res[p] = { tru: evalAt(p, () => trueTh), trueTh, ...(p.startsWith('ceiling') ? {} : { nul: evalAt(p, (f) => f.nullTh ?? Infinity) }) };
  }
  const area = areaField * o.seeds.length;
  const np = pointSourceDetectionLimit({ sigmaPix: pixNoise, psfFwhmPx: 2.3548 * PSF_SIGMA, areaPx: S * S * o.seeds.length, falseDetections: o.target * area });
  // the analytic ceiling: the filtered-noise σ of the oracle stack in place of the pixel σ (equal for white noise)
  const npO = pointSourceDetectionLimit({ sigmaPix: sigOracle, psfFwhmPx: 2.3548 * PSF_SIGMA, areaPx: S * S * o.seeds.length, falseDetections: o.target * area });
  const npD = pointSourceDetectionLimit({ sigmaPix: sigOracleDet, psfFwhmPx: 2.3548 * PSF_SIGMA, areaPx: S * S * o.seeds.length, falseDetections: o.target * area });
  const nPts = fields.ceiling.reduce((a, f) => a + f.F.sources.filter((s) => s.reArcsec === 0).length, 0), nDisc = fields.ceiling.reduce((a, f) => a + f.F.sources.length, 0) - nPts;
  log(`\n## part 0 — depth at the limit (${o.label}): ${o.seeds.length} × ${S}² px, N = ${N}, σ_exp = ${SIG} nJy/px (±15 %), PSF FWHM ${(2.3548 * PSF_SIGMA).toFixed(2)} px, ${PIX}"/px; ${o.density ?? 15} sources per 100² px, m ${(o.magRange ?? [25.5, 30]).join('–')} (discs offset by ${o.discMagOffset ?? 0} mag) (${nPts} points, ${nDisc} exponential discs r_e 0.05–0.2"); K = ${o.K} null stacks per field and path; false-rate target ${o.target}/arcmin²`);
  log(`  artefacts: sky gradient, 1/f row striping 0.3σ per exposure${o.extra?.stripeShare ? ` (shared ${o.extra.stripeShare} between consecutive exposures)` : ''}, cosmic rays, hot pixels, persistence, detector-fixed pattern ${o.extra?.pattern ?? 0.15}σ (1.5 px) moved by ±${o.extra?.dither ?? 16} px dithers`);
  log('  m90: first crossing (one definition, 0.5 mag bins) | probit fit (with plateau) ± 1σ. "null": threshold from the path\'s own null stacks (per field); "true": threshold giving the target on the noise-only truth (pooled), i.e. equal TRUE false rate');
  log('  path          thr null (per field)     null FR/arcmin²  true FR at null thr   points null: m90 | probit    discs null        thr true  points true: m90 | probit   discs true: m90 | probit  unmatched/arcmin² (true thr)');
  for (const p of PATHS) {
    const r = res[p]!, ns = nullStat[p];
    const thn = ns ? ns.th.map((t) => t.toFixed(2)).join(',') : p.endsWith('SE') ? 'default 1.5σ' : '—';
    const nfr = ns ? `${(ns.n / ns.area).toFixed(0)}±${(Math.sqrt(Math.max(ns.n, 1)) / ns.area).toFixed(0)}` : '—';
    const tfr = ns ? `${(ns.trueN / area).toFixed(0)}±${(Math.sqrt(Math.max(ns.trueN, 1)) / area).toFixed(0)}` : '—';
    const nul = r.nul ? `${f2(r.nul.m90p)} | ${pm(r.nul.pp)}   ${f2(r.nul.m90e)} | ${pm(r.nul.pe)}` : '—';
    log(`  ${p.padEnd(15)}  ${thn.padEnd(24)} ${nfr.padStart(12)}  ${tfr.padStart(12)}   ${nul.padEnd(40)}  ${f2(r.trueTh).padStart(5)}   ${f2(r.tru.m90p)} | ${pm(r.tru.pp)}   ${f2(r.tru.m90e)} | ${pm(r.tru.pe)}   ${r.tru.fr.toFixed(0)}`);
  }
  const T = (p: P) => res[p]!.tru, Nu = (p: P) => res[p]!.nul ?? res[p]!.tru;
  const d = (a: { m: number; e: number }, b: { m: number; e: number }) => `${sd(a.m - b.m)}±${Math.hypot(a.e, b.e).toFixed(2)}`;
  log(`  ceiling (analytic, Euler-characteristic threshold, oracle filtered σ ${sigOracle.toFixed(3)} nJy): m90 ${abMagFromNJy(npO.flux).toFixed(2)}; bound with the detector-fixed pattern also known (perfect self-calibration, filtered σ ${sigOracleDet.toFixed(3)}): ${abMagFromNJy(npD.flux).toFixed(2)}; the previous white-noise figure (pixel σ ${pixNoise.toFixed(3)} of the co-add, stripes and pattern taken as white): ${abMagFromNJy(np.flux).toFixed(2)}`);
  log(`  DEPTH [${o.modelName}, ${o.label}] points, probit, equal TRUE false rate: coadd/opt − ceiling ${d(T('coadd/opt').pp, T('ceiling').pp)}; gls/opt − ceiling ${d(T('gls/opt').pp, T('ceiling').pp)}; den/opt − coadd/opt ${d(T('den/opt').pp, T('coadd/opt').pp)}; den/eff − coadd/opt ${d(T('den/eff').pp, T('coadd/opt').pp)}; den/opt − gls/opt ${d(T('den/opt').pp, T('gls/opt').pp)}; coadd/opt − coadd/bank ${d(T('coadd/opt').pp, T('coadd/bank').pp)}`);
  log(`  DEPTH [${o.modelName}, ${o.label}] discs, probit, equal TRUE false rate: den/opt − coadd/opt ${d(T('den/opt').pe, T('coadd/opt').pe)}; den/eff − coadd/opt ${d(T('den/eff').pe, T('coadd/opt').pe)}; den/opt − gls/opt ${d(T('den/opt').pe, T('gls/opt').pe)}; selfcal/opt − coadd/opt ${d(T('selfcal/opt').pe, T('coadd/opt').pe)}`);
  log(`  DEPTH [${o.modelName}, ${o.label}] discs, m50 (probit 50 % level: the disc completeness plateau is < 0.9 in these crowded fields), equal TRUE false rate: coadd/opt ${pm(T('coadd/opt').pe50)}, gls/opt ${pm(T('gls/opt').pe50)}, den/opt ${pm(T('den/opt').pe50)}, den/eff ${pm(T('den/eff').pe50)}, ceiling (PSF only) ${pm(T('ceiling').pe50)}; den/opt − coadd/opt ${d(T('den/opt').pe50, T('coadd/opt').pe50)}; null thr: den/opt − coadd/opt ${d(Nu('den/opt').pe50, Nu('coadd/opt').pe50)}`);
  log(`  DEPTH [${o.modelName}, ${o.label}] null-calibrated (the pipeline's way), points probit: coadd/opt − ceiling ${d(Nu('coadd/opt').pp, T('ceiling').pp)}; den/opt − coadd/opt ${d(Nu('den/opt').pp, Nu('coadd/opt').pp)}; discs den/opt − coadd/opt ${d(Nu('den/opt').pe, Nu('coadd/opt').pe)}`);
  {
    const tth = (p: P) => () => res[p]!.trueTh;
    const pd = (r: { est: number; lo: number; hi: number }) => `${sd(r.est)} (68 %: ${sd(r.lo)} … ${sd(r.hi)})`;
    log(`  DEPTH [${o.modelName}, ${o.label}] paired bootstrap (100 replicates, the same sources for both paths), equal true false rate: den/opt − coadd/opt points ${pd(pairedDiff('den/opt', 'coadd/opt', tth('den/opt'), tth('coadd/opt'), false))}, discs m50 ${pd(pairedDiff('den/opt', 'coadd/opt', tth('den/opt'), tth('coadd/opt'), true, 0.5))}; coadd/opt − ceiling points ${pd(pairedDiff('coadd/opt', 'ceiling', tth('coadd/opt'), tth('ceiling'), false))}; ivw/opt − coadd/opt points ${pd(pairedDiff('ivw/opt', 'coadd/opt', tth('ivw/opt'), tth('coadd/opt'), false))}; ivw/opt − ceiling points ${pd(pairedDiff('ivw/opt', 'ceiling', tth('ivw/opt'), tth('ceiling'), false))}`);
    log(`  DEPTH [${o.modelName}, ${o.label}] paired bootstrap, rebased: den-ivw/opt − ivw/opt points ${pd(pairedDiff('den-ivw/opt', 'ivw/opt', tth('den-ivw/opt'), tth('ivw/opt'), false))}, discs m50 ${pd(pairedDiff('den-ivw/opt', 'ivw/opt', tth('den-ivw/opt'), tth('ivw/opt'), true, 0.5))}; den-ivw/opt − coadd/opt points ${pd(pairedDiff('den-ivw/opt', 'coadd/opt', tth('den-ivw/opt'), tth('coadd/opt'), false))}; den-ivw/opt − ceiling points ${pd(pairedDiff('den-ivw/opt', 'ceiling', tth('den-ivw/opt'), tth('ceiling'), false))}; ceiling/bank − ceiling points ${pd(pairedDiff('ceiling/bank', 'ceiling', tth('ceiling/bank'), tth('ceiling'), false))}; ivw/opt − ceiling/bank points ${pd(pairedDiff('ivw/opt', 'ceiling/bank', tth('ivw/opt'), tth('ceiling/bank'), false))}; den-comb/opt − ivw/opt points ${pd(pairedDiff('den-comb/opt', 'ivw/opt', tth('den-comb/opt'), tth('ivw/opt'), false))}, discs m50 ${pd(pairedDiff('den-comb/opt', 'ivw/opt', tth('den-comb/opt'), tth('ivw/opt'), true, 0.5))}; den-comb/opt − den/opt points ${pd(pairedDiff('den-comb/opt', 'den/opt', tth('den-comb/opt'), tth('den/opt'), false))}; den-comb/opt − ceiling points ${pd(pairedDiff('den-comb/opt', 'ceiling', tth('den-comb/opt'), tth('ceiling'), false))}`);
    log(`  combination weights (α on the network's correction, β on the clipped-ivw co-add; per field): ${combos.map((c) => `${c.alpha.toFixed(2)}/${c.beta.toFixed(2)}`).join(' ')}; null filtered σ network / co-add / combined (mean): ${(['den', 'coadd', 'combined'] as const).map((k) => (combos.reduce((a, c) => a + c.sigma[k], 0) / combos.length).toFixed(3)).join(' / ')}`);
  }
  const se = T('coadd/SE').pp, ceil = T('ceiling').pp;
  const frac = (x: { m: number }) => ((x.m - se.m) / (ceil.m - se.m) * 100).toFixed(0);
  log(`  paper protocol (probit): ceiling − coadd/SE ${d(ceil, se)}; fraction of it reached: coadd/opt ${frac(T('coadd/opt').pp)} %, ivw/opt ${frac(T('ivw/opt').pp)} %, den/opt ${frac(T('den/opt').pp)} % (true thr), den-ivw/opt ${frac(T('den-ivw/opt').pp)} %, den-comb/opt ${frac(T('den-comb/opt').pp)} %, den/opt ${frac(Nu('den/opt').pp)} % (null thr); den/SE − coadd/SE ${d(T('den/SE').pp, se)}`);
  log(`  self-calibrated vs co-add (both opt, true thr): points ${d(T('selfcal/opt').pp, T('coadd/opt').pp)}; model on self-calibrated exposures: selfcal+den/opt − coadd/opt ${d(T('selfcal+den/opt').pp, T('coadd/opt').pp)}, − selfcal/opt ${d(T('selfcal+den/opt').pp, T('selfcal/opt').pp)} (discs ${d(T('selfcal+den/opt').pe, T('selfcal/opt').pe)}); GLS weights (mean over fields) ${glsW[0]!.map((_, t) => (glsW.reduce((a, w) => a + w[t]!, 0) / glsW.length).toFixed(3)).join(' ')}`);
  const med = (a: number[]) => { const b = [...a].sort((x, y) => x - y); return b.length ? b[b.length >> 1]! : NaN; };
  const mad = (a: number[]) => { const m = med(a); return 1.4826 * med(a.map((v) => Math.abs(v - m))); };
  log(`  photometry (PSF matched filter, sub-pixel refined; point sources with S/N > 10): median Δmag co-add ${med(phot.coadd).toFixed(3)}±${(1.2533 * mad(phot.coadd) / Math.sqrt(Math.max(1, phot.coadd.length))).toFixed(3)} (n=${phot.coadd.length}), denoised ${med(phot.den).toFixed(3)}±${(1.2533 * mad(phot.den) / Math.sqrt(Math.max(1, phot.den.length))).toFixed(3)} (n=${phot.den.length}), denoised with the effective-PSF bank ${med(phot.denEff).toFixed(3)}±${(1.2533 * mad(phot.denEff) / Math.sqrt(Math.max(1, phot.denEff.length))).toFixed(3)} (n=${phot.denEff.length}); effective PSF FWHM of the denoised image (measured on it vs the co-add) ${effF.map((v) => v.toFixed(2)).join(', ')} px (nominal ${(2.3548 * PSF_SIGMA).toFixed(2)}); point-source FWHM/truth (moments r ≤ 4 px, S/N > 30) co-add ${med(fwhm.coadd).toFixed(3)} (n=${fwhm.coadd.length}), denoised ${med(fwhm.den).toFixed(3)} (n=${fwhm.den.length})`);
  log(`  speed in this run: ${o.modelName} denoise ${((tDen * 1000) / (S * S * nDen)).toFixed(2)} µs/px (incl. preprocessing, 1 in-process session, ${S}² tiles), clipped co-add ${((tCo * 1000) / (S * S * o.seeds.length * 2)).toFixed(2)} µs/px`);
  void nullRate;
}
