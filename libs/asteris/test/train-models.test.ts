// Claims of docs/asteris-train.md "Artefact-aware retraining" (issue 14) that a model change can break:
// on white noise alone (no sources, no artefacts; the independent generator bench/artefacts.ts), the
// Noise2Noise-trained lite-art shrinks the noise and lets its upward peaks through, so its image has many
// more matched-filter peaks above 5σ (σ of each kernel measured on the image itself) than the co-add;
// the supervised artefact remover (asteris-lite-clean.onnx) passes the noise and keeps the co-add's tail, and
// so does the null-space network lite-null (its correction sees only the residual frames).
import { describe, expect, it } from 'vitest';
import { bankNoise, detectBank } from '@asteris/extract';
import { robustSigma } from '@asteris/stack';
import { REPO_ROOT, resolveModel } from '../src/index.ts';
import { artefactStack } from '../bench/artefacts.ts';
import { detectionBank, pathImage, subtractBackground } from '../bench/null-chain.ts';

const S = 192, SEEDS = [71, 72];
const bank = detectionBank({ psfFwhmPx: 2.0, pixScaleArcsec: 0.04 });
const WHITE = { hotFrac: 0, crRate: 0, stripe: 0, pattern: 0, persistence: 0, depthJitter: 0, amp: 0 };

async function peaks(model: string | null): Promise<number> {
  let n = 0;
  for (const seed of SEEDS) {
    const T = artefactStack({ seed, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: 0.85, noSources: true, ...WHITE });
    const sig = T.frames.map((f) => robustSigma(f));
    const img = subtractBackground(await pathImage(T.frames, S, S, model ? 'den' : 'coadd', model ?? '', 256, sig), S, S);
    const sigma = bankNoise([{ data: img, width: S, height: S }], bank);
    n += detectBank({ data: img, width: S, height: S }, bank, { threshold: 5, sigma, background: 0 }).length;
  }
  return n;
}

describe('white-noise tails of the retrained models', () => {
  it('lite-art is heavy-tailed; the supervised artefact remover and lite-null are not', async () => {
    const co = await peaks(null);
    const art = await peaks(resolveModel('lite-art').path);
    const clean = await peaks(`${REPO_ROOT}data/models/asteris-lite-clean.onnx`);
    const nul = await peaks(resolveModel('lite-null').path);
    console.log(`5σ peaks on ${SEEDS.length} × ${S}² white noise: co-add ${co}, lite-art ${art}, lite-clean ${clean}, lite-null ${nul}`);
    expect(nul).toBeLessThanOrEqual(co + 4);
    expect(art).toBeGreaterThan(3 * co + 10);
    expect(clean).toBeLessThanOrEqual(co + 4);
  }, 120_000);
});
