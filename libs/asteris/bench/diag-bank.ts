// Diagnostic (issue 14): the bank's trial cost on the row-whitened co-add — PSF-only vs the 4-kernel bank
// with per-kernel S/N penalties, at equal TRUE false rate (100/arcmin², pooled noise-only truth).
// node --import tsx libs/asteris/bench/diag-bank.ts [seeds=4]
import { abMagFromNJy, probitLimit } from '@asteris/astro';
import { bankFilter, detectBank, robustStd } from '@asteris/extract';
import { robustSigma } from '@asteris/stack';
import { artefactStack } from './artefacts.ts';
import { detectionBank, pathImage, prepare } from './null-chain.ts';
const NS = Number(process.argv[2] ?? 4), S = 256, area = (S * S * 0.0016) / 3600;
const bank = detectionBank({ psfFwhmPx: 2.0016, pixScaleArcsec: 0.04 });
const variants: [string, typeof bank, number[]][] = [['psf only', [bank[0]!], [0]], ['bank', bank, [0, 0, 0, 0]], ['bank, penalty 0.25', bank, [0, 0.25, 0.25, 0.25]], ['bank, penalty 0.5', bank, [0, 0.5, 0.5, 0.5]]];
const acc = variants.map(() => ({ ts: [] as number[], det: [] as { snr: number; x: number; y: number }[][], pf: [] as number[], ef: [] as number[], srcs: [] as { x: number; y: number; flux: number; re: number }[][] }));
for (let r = 0; r < NS; r++) {
  const o = { seed: 9101 + r, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: 0.85, dither: 16, amp: 0, density: 12, magRange: [26, 28.8] as [number, number], discMagOffset: -1 };
  const F = artefactStack(o), T = artefactStack({ ...o, noSources: true });
  const img = prepare(await pathImage(F.frames, S, S, 'coadd', '', 256, F.frames.map((f) => robustSigma(f))), S, S, true);
  const tim = prepare(await pathImage(T.frames, S, S, 'coadd', '', 256, T.frames.map((f) => robustSigma(f))), S, S, true);
  variants.forEach(([, bk, pen], v) => {
    const sg = bk.map((k) => robustStd(bankFilter(tim, S, S, k)));
    acc[v]!.ts.push(...detectBank({ data: tim, width: S, height: S }, bk, { threshold: 2.5, sigma: sg, background: 0, penalty: pen }).map((q) => q.snr));
    acc[v]!.det.push(detectBank({ data: img, width: S, height: S }, bk, { threshold: 2.5, sigma: sg, background: 0, penalty: pen, refine: true }));
    acc[v]!.srcs.push(F.sources.map((s) => ({ x: s.x, y: s.y, flux: s.flux, re: s.reArcsec })));
  });
}
variants.forEach(([name], v) => {
  const A = acc[v]!;
  const th = A.ts.sort((a, b) => b - a)[Math.floor(100 * area * NS)]!;
  const P: [number[], boolean[]] = [[], []], D: [number[], boolean[]] = [[], []];
  A.det.forEach((dd, f) => {
    const d = dd.filter((q) => q.snr > th);
    for (const s of A.srcs[f]!) { const hit = d.some((q) => Math.hypot(q.x - s.x, q.y - s.y) <= 2); const t = s.re > 0 ? D : P; t[0].push(s.flux); t[1].push(hit); }
  });
  const fmt = (x: [number[], boolean[]]) => { try { const q = probitLimit(x[0], x[1], { plateau: true }); return `${abMagFromNJy(q.flux).toFixed(2)}±${(1.0857 * q.err / q.flux).toFixed(2)} (A ${q.A.toFixed(2)})`; } catch { return 'n/a'; } };
  console.log(`${name.padEnd(20)} true thr ${th.toFixed(2)}  points ${fmt(P)}  discs ${fmt(D)}`);
});
