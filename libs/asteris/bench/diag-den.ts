// Diagnostic (issue 14): what sets the denoised image's detection threshold? Truth-noise (no sources)
// thresholds at 100/arcmin² for the co-add and lite, artefact types switched on one at a time.
// node --import tsx libs/asteris/bench/diag-den.ts
import { bankFilter, detectBank, robustStd } from '@asteris/extract';
import { robustSigma } from '@asteris/stack';
import { resolveModel } from '../src/index.ts';
import { artefactStack, type ArtefactOptions } from './artefacts.ts';
import { detectionBank, pathImage, prepare } from './null-chain.ts';
const S = 256, model = resolveModel('lite').path;
const bank = detectionBank({ psfFwhmPx: 2.0, pixScaleArcsec: 0.04 });
const none = { stripe: 0, crRate: 0, hotFrac: 0, pattern: 0, persistence: 0, depthJitter: 0, gradient: 0 };
const cases: [string, Partial<ArtefactOptions>][] = [['clean', none], ['stripes', { ...none, stripe: 0.3 }], ['CR', { ...none, crRate: 3e-4 }], ['hot', { ...none, hotFrac: 5e-4 }], ['pattern', { ...none, pattern: 0.15 }], ['all', {}]];
for (const [name, ex] of cases) {
  const out: string[] = [];
  for (const path of ['coadd', 'den'] as const) {
    const th: number[] = [], kurt: number[] = [];
    for (const seed of [1, 2]) {
      const T = artefactStack({ seed, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: 0.85, dither: 16, amp: 0, noSources: true, ...ex });
      const img = prepare(await pathImage(T.frames, S, S, path, model, 256, T.frames.map((f) => robustSigma(f))), S, S, true);
      const sg = bank.map((k) => robustStd(bankFilter(img, S, S, k)));
      const d = detectBank({ data: img, width: S, height: S }, bank, { threshold: 2.5, sigma: sg, background: 0 });
      th.push(d[2]?.snr ?? NaN);
      const f = bankFilter(img, S, S, bank[0]!);
      let m4 = 0; for (const v of f) m4 += (v / sg[0]!) ** 4; kurt.push(m4 / f.length);
    }
    out.push(`${path} thr ${th.map((t) => t.toFixed(2)).join(',')} ⟨(f/σ)^4⟩ ${kurt.map((t) => t.toFixed(1)).join(',')}`);
  }
  console.log(name.padEnd(8), out.join(' | '));
}
