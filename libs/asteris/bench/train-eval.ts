// Evaluation of artefact-aware training (issue 14): the shipped ASTERIS-lite against models retrained on
// stacks with real artefacts (default `lite-art`), on fields NEVER used for training — they come from an
// independent generator written in TypeScript (bench/artefacts.ts: its own 1/f striping, cosmic rays,
// hot pixels, persistence, detector-fixed pattern moved by dithers, depth jitter; nothing shared with the
// Python trainer's asteris_train.artefacts), with seeds of its own.
//
//   node --import tsx libs/asteris/bench/train-eval.ts [--models lite,lite-art] [--seeds 61,62,63,64]
//        [--size 256] [--K 4] [--target 100] [--scenarios base,cr,stripe,deep]
//
// Per scenario, path (clipped-mean co-add 'coadd', clipped-ivw co-add 'coadd-ivw' — the images stage's default —,
// a model's own denoised image, and for a null-space model `<model>+comb`, the images stage's default: its image
// combined with the clipped-ivw co-add by weights fitted on the field's nulls, src/combine.ts) and seed, the same
// chain as
// bench/null-chain.ts: image → 64 px mesh background → PSF + PSF⊗exponential matched-filter bank, the
// threshold calibrated on the field's OWN sign-flip null stacks (@asteris/stack nullStacks +
// calibrateNullThreshold) to `target` false detections per arcmin². Printed:
//   (a) no hallucination: detections per arcmin² on the noise-only twin of the field (identical noise and
//       artefacts, no sources) at that calibrated threshold, and at a fixed 5σ (σ of each kernel from the
//       nulls); ± Poisson;
//   (b) depth: point-source and disc m90 (@asteris/astro m90 → m90FromBins; completeness at equal null
//       false rate, as bench/limit.ts), all seeds pooled; disc m50 too (disc completeness rarely
//       reaches 0.9 in the 25.5–26 bin); on the 'uds' scenario the recovered fraction of the real
//       galaxies (segmentation map) at 26 ≤ m < 29;
//   (c) µs/px of each path in this run (denoise incl. preprocessing, 1 in-process session; co-add).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { m90 } from '@asteris/astro';
import { readImage } from '@asteris/fits';
import { exposureSigmas } from '@asteris/stack';
import { isNullSpaceModel, resolveModel, type CombineWeights } from '../src/index.ts';
import { artefactStack, ZP, type ArtefactOptions, type ArtefactStack } from './artefacts.ts';
import { calibrate, comboWeightsOf, detectionBank, detectWith, nullChain, pathImage, subtractBackground, type Path } from './null-chain.ts';

const { values: a } = parseArgs({
  options: {
    models: { type: 'string', default: 'lite,lite-art' }, seeds: { type: 'string', default: '61,62,63,64' },
    size: { type: 'string', default: '256' }, K: { type: 'string', default: '4' }, target: { type: 'string', default: '100' },
    scenarios: { type: 'string', default: 'base,cr,stripe,deep' }, nexp: { type: 'string', default: '8' },
  },
});
const S = Number(a.size), K = Number(a.K), TARGET = Number(a.target), SEEDS = a.seeds!.split(',').map(Number), N = Number(a.nexp);
const PIX = 0.04, PSF_SIGMA = 0.85, SIG = 4.3;
const EDGES = Array.from({ length: 10 }, (_, i) => 25.5 + i * 0.5);
const BASE: ArtefactOptions = { seed: 0, width: S, height: S, nExp: N, sigma: SIG, psfSigma: PSF_SIGMA, dither: 16, amp: 0, density: 15, magRange: [25.5, 30] };
// where a denoiser could legitimately help: what the clipped-mean co-add does not remove
const SCENARIOS: Record<string, { label: string; extra: Partial<ArtefactOptions> }> = {
  base: { label: `all artefacts, N = ${N} (1/f rows 0.3σ, CR 3e-4/px, hot px, persistence, 0.15σ pattern, ±16 px dithers, 15 % depth jitter)`, extra: {} },
  cr: { label: `cosmic-ray residuals ×10 (3e-3 tracks/px/exposure), N = ${N}`, extra: { crRate: 3e-3 } },
  stripe: { label: `strong striping the co-add keeps: 1/f rows 0.6σ, 70 % shared by consecutive exposures, N = ${N}`, extra: { stripe: 0.6, stripeShare: 0.7 } },
  deep: { label: `N = 16 exposures, all artefacts`, extra: { nExp: 16 } },
  uds: { label: `real PRIMER-UDS F444W sky (mosaic rows 480–819, never trained on) + the injected sources + all artefacts, N = ${N}; "real 26–29" = the mosaic's own galaxies (LW segmentation) at 26 ≤ m < 29 recovered within 3 px`, extra: {} },
  clean: { label: `white noise only (no artefacts), N = ${N}`, extra: { stripe: 0, crRate: 0, hotFrac: 0, pattern: 0, persistence: 0, depthJitter: 0, gradient: 0 } },
};

interface Det { x: number; y: number; flux: number }
function match(srcs: ArtefactStack['sources'], det: Det[], r = 2): { rec: boolean[]; unmatched: number } {
  const used = new Uint8Array(det.length);
  const rec = srcs.map((s) => {
    let best = -1, bd = r * r;
    det.forEach((d, j) => { const q = (d.x - s.x) ** 2 + (d.y - s.y) ** 2; if (!used[j] && q <= bd) { bd = q; best = j; } });
    if (best >= 0) used[best] = 1;
    return best >= 0;
  });
  return { rec, unmatched: used.reduce((n, u) => n + (u ? 0 : 1), 0) };
}

// real sky: PRIMER-UDS F444W mosaic (10 nJy/px units), the evaluation rows [480, 820) only (the trainer's
// crops come from rows [0, 480)), with its LW segmentation for the real galaxies' positions and fluxes
const UDS = '../../../data/external/mophongo_primer_uds_cutouts/';
interface Real { x: number; y: number; mag: number }
function udsScene(seed: number): { scene: Float32Array; real: Real[] } {
  const sci = readImage(fileURLToPath(new URL(UDS + 'uds-test-f444w_sci.fits', import.meta.url)));
  const seg = readImage(fileURLToPath(new URL(UDS + 'uds-test-LW_seg.fits', import.meta.url)));
  const y0 = 480 + ((seed * 37) % (340 - S + 1)), x0 = (seed * 101) % (sci.width - S + 1);
  const scene = new Float32Array(S * S);
  const vals: number[] = [];
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) { const v = sci.data[(y0 + y) * sci.width + x0 + x]!; scene[y * S + x] = Number.isFinite(v) ? 10 * v : 0; vals.push(scene[y * S + x]!); }
  vals.sort((p, q) => p - q);
  const med = vals[vals.length >> 1]!;
  for (let i = 0; i < scene.length; i++) scene[i]! -= med;
  // per segment: total flux, and the centroid weighted by the positive pixels
  const acc = new Map<number, { f: number; w: number; fx: number; fy: number; edge: boolean }>();
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const l = seg.data[(y0 + y) * seg.width + x0 + x]!;
    if (!l) continue;
    const e = acc.get(l) ?? { f: 0, w: 0, fx: 0, fy: 0, edge: false };
    const v = scene[y * S + x]!, q = Math.max(0, v);
    e.f += v; e.w += q; e.fx += q * x; e.fy += q * y;
    if (x === 0 || y === 0 || x === S - 1 || y === S - 1) e.edge = true;
    acc.set(l, e);
  }
  const real: Real[] = [];
  for (const e of acc.values()) if (!e.edge && e.f > 0 && e.w > 0) real.push({ x: e.fx / e.w, y: e.fy / e.w, mag: ZP - 2.5 * Math.log10(e.f) });
  return { scene, real };
}
const EDGES_REAL = Array.from({ length: 13 }, (_, i) => 24 + i * 0.5);

interface Acc { rm: number[]; rr: boolean[]; pm: number[]; pr: boolean[]; em: number[]; er: boolean[]; unmatched: number; nullN: number; nullA: number; th: number[]; fCal: number; f5: number; area: number; ms: number; px: number }
const newAcc = (): Acc => ({ rm: [], rr: [], pm: [], pr: [], em: [], er: [], unmatched: 0, nullN: 0, nullA: 0, th: [], fCal: 0, f5: 0, area: 0, ms: 0, px: 0 });

async function main(): Promise<void> {
  const given = a.models!.split(',').filter(Boolean);
  const models = given.map((n) => resolveModel(n));
  // a file path is labelled by its base name (data/models/asteris-lite-clean.onnx → asteris-lite-clean)
  const names = given.map((n) => (n.endsWith('.onnx') ? n.replace(/^.*\//, '').replace(/\.onnx$/, '') : n));
  const bank = detectionBank({ psfFwhmPx: 2.3548 * PSF_SIGMA, pixScaleArcsec: PIX });
  const combined = names.filter((_, i) => isNullSpaceModel(models[i]!.path)).map((n) => `${n}+comb`);
  const paths = ['coadd', 'coadd-ivw', ...names, ...combined];
  console.log(`# train-eval (issue 14): ${SEEDS.length} × ${S}² px per scenario (seeds ${SEEDS.join(',')}), ${PIX}"/px, PSF FWHM ${(2.3548 * PSF_SIGMA).toFixed(2)} px, σ_exp ${SIG} nJy/px, 15 sources/100² px, m 25.5–30, 40 % discs r_e 0.05–0.2"`);
  console.log(`# thresholds: each path on its own K = ${K} sign-flip null stacks, target ${TARGET} false/arcmin²; models: ${models.map((m) => `${m.name} (${m.sha256})`).join(', ')}`);
  const summary: string[] = [];
  for (const sc of a.scenarios!.split(',')) {
    const def = SCENARIOS[sc];
    if (!def) throw new Error(`unknown scenario ${sc} (use ${Object.keys(SCENARIOS).join(', ')})`);
    const acc: Record<string, Acc> = Object.fromEntries(paths.map((p) => [p, newAcc()]));
    for (const seed of SEEDS) {
      const o = { ...BASE, ...def.extra, seed };
      const F = artefactStack(o), T = artefactStack({ ...o, noSources: true });
      const U = sc === 'uds' ? udsScene(seed) : null;
      if (U) for (const f of F.frames) for (let i = 0; i < f.length; i++) f[i]! += U.scene[i]!;
      // each exposure's noise from the stack's residuals (the co-add's fallback without ERR maps)
      const sig = exposureSigmas(F.frames), sigT = exposureSigmas(T.frames);
      const area = (S * S * PIX * PIX) / 3600;
      for (const p of paths) {
        const path: Path = p === 'coadd' || p === 'coadd-ivw' ? p : p.endsWith('+comb') ? 'den-comb' : 'den';
        const model = p.startsWith('coadd') ? '' : models[names.indexOf(p.replace(/\+comb$/, ''))]!.path;
        const t0 = performance.now();
        const combo: CombineWeights | undefined = path === 'den-comb' ? await comboWeightsOf(F.frames, S, S, model, sig, 2.3548 * PSF_SIGMA) : undefined;
        const raw = await pathImage(F.frames, S, S, path, model, 256, sig, undefined, combo);
        const A = acc[p]!;
        A.ms += performance.now() - t0; A.px += S * S;
        const img = subtractBackground(raw, S, S);
        const ch = await nullChain(F.frames, S, S, path, { model, K, seed: 5, bank, base: 2.5, pixScale: PIX, ...(combo ? { combo } : {}) });
        const cal = calibrate(ch, TARGET);
        A.th.push(cal.threshold); A.nullN += cal.n; A.nullA += cal.area;
        const det = detectWith(ch, img, S, S, cal.threshold);
        const { rec, unmatched } = match(F.sources, det);
        A.unmatched += unmatched;
        if (U) { const r = match(U.real.map((q) => ({ ...q, flux: 0, reArcsec: 1 })), det, 3).rec; U.real.forEach((q, i) => { A.rm.push(q.mag); A.rr.push(r[i]!); }); }
        F.sources.forEach((s, i) => { if (s.reArcsec > 0) { A.em.push(s.mag); A.er.push(rec[i]!); } else { A.pm.push(s.mag); A.pr.push(rec[i]!); } });
        // (a) the noise-only twin through the same path, the field's calibrated threshold and a fixed 5σ
        const timg = subtractBackground(await pathImage(T.frames, S, S, path, model, 256, sigT, undefined, combo), S, S);
        A.fCal += detectWith(ch, timg, S, S, cal.threshold).length;
        A.f5 += detectWith(ch, timg, S, S, 5).length;
        A.area += area;
      }
    }
    const f0 = (v: number) => v.toFixed(0), f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : ' n/a');
    const pm = (n: number, ar: number) => `${f0(n / ar).padStart(5)} ± ${f0(Math.sqrt(Math.max(n, 1)) / ar).padEnd(4)}`;
    console.log(`\n## ${sc}: ${def.label}`);
    console.log('  path       m90 points  m90 discs  m50 discs  real 26–29  unmatched/arcmin²  null rate/arcmin²  thresholds σ         noise-only: at calibrated thr   at 5σ          µs/px');
    const m: Record<string, { p: number; e: number; e50: number; r: number }> = {};
    for (const p of paths) {
      const A = acc[p]!;
      m[p] = { p: m90(A.pm, A.pr, EDGES).m90, e: m90(A.em, A.er, EDGES).m90, e50: m90(A.em, A.er, EDGES, [], [], 0.5).m90, r: A.rm.length ? m90(A.rm, A.rr, EDGES_REAL).m90 : NaN };
      // real galaxies (segmentation centroids; big ones split into several peaks, so their m90 measures
      // deblending): the recovered fraction at 26 ≤ m < 29, where depth matters
      const fr = A.rm.map((q, i) => [q, A.rr[i]] as const).filter(([q]) => q >= 26 && q < 29);
      const realTxt = fr.length ? `${fr.filter(([, r]) => r).length}/${fr.length}` : 'n/a';
      console.log(`  ${p.padEnd(9)}  ${f2(m[p]!.p).padStart(10)}  ${f2(m[p]!.e).padStart(9)}  ${f2(m[p]!.e50).padStart(9)}  ${realTxt.padStart(10)}  ${f0(A.unmatched / A.area).padStart(17)}  ${pm(A.nullN, A.nullA).padStart(17)}  ${A.th.map((t) => t.toFixed(2)).join(',').padEnd(20)}  ${pm(A.fCal, A.area).padStart(20)}  ${pm(A.f5, A.area).padStart(14)}  ${(1000 * A.ms / A.px).toFixed(2).padStart(6)}`);
    }
    for (const p of paths.slice(1)) {
      const A = acc[p]!, C = acc.coadd!;
      summary.push(`  ${sc.padEnd(7)} ${p.padEnd(9)} Δm90 vs co-add: points ${(m[p]!.p - m.coadd!.p >= 0 ? '+' : '') + (m[p]!.p - m.coadd!.p).toFixed(2)}, discs (m50) ${(m[p]!.e50 - m.coadd!.e50 >= 0 ? '+' : '') + (m[p]!.e50 - m.coadd!.e50).toFixed(2)}${A.rm.length ? `, real galaxies 26–29 recovered ${A.rm.filter((q, i) => q >= 26 && q < 29 && A.rr[i]).length} vs co-add ${C.rm.filter((q, i) => q >= 26 && q < 29 && C.rr[i]).length}` : ''}; noise-only false/arcmin² at calibrated thr ${f0(A.fCal / A.area)} vs co-add ${f0(C.fCal / C.area)}, at 5σ ${f0(A.f5 / A.area)} vs ${f0(C.f5 / C.area)}`);
    }
  }
  console.log('\n## summary (m90 = completeness 0.9 at equal null false rate; positive Δ = deeper than the co-add)');
  for (const s of summary) console.log(s);
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
