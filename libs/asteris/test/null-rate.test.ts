// Null stacks from the data (issue 14): on noise-only fields with every artefact type, the false rate
// measured on the field's own null stacks must agree with the truth (detections on the same field's
// noise without sources) within 2σ — for the co-add AND the ASTERIS-lite denoised path, through the
// same chain (co-add or denoise → mesh background → matched-filter bank at a null-calibrated threshold).
// The negative image, the old calibration, must fail that test for the denoised image.
// Target 400 false/arcmin² (threshold ≈ 3.5σ co-add, 5σ denoised). At 1500/arcmin² (3.1σ) the co-add
// nulls undercount by ≈ 1.6× (z ≈ −2.4): hot pixels just under the co-add clip (3–3.5σ), one-signed,
// are sign-flipped in the nulls. Without hot pixels they agree there too (docs/asteris.md).
import { describe, expect, it } from 'vitest';
import { robustSigma } from '@asteris/stack';
import { resolveModel } from '../src/index.ts';
import { artefactStack } from '../bench/artefacts.ts';
import { calibrate, detectionBank, detectWith, nullChain, pathImage, subtractBackground, type Path } from '../bench/null-chain.ts';

const S = 160, K = 4, SEEDS = [21, 22];
// all artefacts: sky gradient, 1/f row striping 0.3σ per exposure, cosmic rays, hot pixels, persistence,
// a detector-fixed 1.5 px-correlated pattern (0.15σ) moved by ±16 px dithers, 15 % depth jitter.
// Amplifier offsets are left out: static on the sky, they are a background-model error that no null
// can see (docs/asteris.md, "Null stacks").
const OPTS = { width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: 0.85, dither: 16, amp: 0 };
const bank = detectionBank({ psfFwhmPx: 2.0, pixScaleArcsec: 0.04 });

async function rates(path: Path, target: number): Promise<{ nul: number; nulErr: number; truth: number; truthErr: number; neg: number; th: number }> {
  const model = resolveModel('lite').path;
  let nulN = 0, nulA = 0, tr = 0, ng = 0, area = 0, th = 0, sc2 = 0;
  for (const seed of SEEDS) {
    const F = artefactStack({ seed, ...OPTS }), T = artefactStack({ seed, ...OPTS, noSources: true });
    const ch = await nullChain(F.frames, S, S, path, { model, K, seed: 5, bank, base: 2.5, pixScale: 0.04 });
    const cal = calibrate(ch, target);
    th += cal.threshold / SEEDS.length;
    nulN += cal.n; nulA += cal.area;
    // one field's count scatters by more than Poisson (its noise level fluctuates): the nulls measure it
    sc2 += Math.max(cal.scatter ** 2, cal.rate / ch.areaArcmin2);
    const timg = subtractBackground(await pathImage(T.frames, S, S, path, model, 256, T.frames.map((f) => robustSigma(f))), S, S);
    const fimg = subtractBackground(await pathImage(F.frames, S, S, path, model, 256, F.frames.map((f) => robustSigma(f))), S, S);
    tr += detectWith(ch, timg, S, S, cal.threshold).length;
    ng += detectWith(ch, fimg.map((v) => -v), S, S, cal.threshold).length;
    area += ch.areaArcmin2;
  }
  return { nul: nulN / nulA, nulErr: Math.sqrt(Math.max(nulN, 1)) / nulA, truth: tr / area, truthErr: Math.sqrt(sc2) / SEEDS.length, neg: ng / area, th };
}

describe('null-stack false rates agree with the truth', () => {
  it('co-add path (clipped mean)', async () => {
    const r = await rates('coadd', 400);
    const z = (r.nul - r.truth) / Math.hypot(r.nulErr, r.truthErr);
    console.log(`coadd: threshold ${r.th.toFixed(2)}, null ${r.nul.toFixed(0)}±${r.nulErr.toFixed(0)}, truth ${r.truth.toFixed(0)}±${r.truthErr.toFixed(0)} /arcmin², z ${z.toFixed(2)}`);
    expect(r.truth * 0.0071 * SEEDS.length).toBeGreaterThan(8); // enough truth detections to test
    expect(Math.abs(z)).toBeLessThan(2);
  }, 120_000);
  it('ASTERIS-lite denoised path; the negative image fails', async () => {
    const r = await rates('den', 400);
    const z = (r.nul - r.truth) / Math.hypot(r.nulErr, r.truthErr);
    const zNeg = (r.neg - r.truth) / Math.hypot(Math.sqrt(Math.max(r.neg * 0.0071 * SEEDS.length, 1)) / (0.0071 * SEEDS.length), r.truthErr);
    console.log(`denoised: threshold ${r.th.toFixed(2)}, null ${r.nul.toFixed(0)}±${r.nulErr.toFixed(0)}, truth ${r.truth.toFixed(0)}±${r.truthErr.toFixed(0)}, negative image ${r.neg.toFixed(0)} /arcmin², z ${z.toFixed(2)}, z(neg) ${zNeg.toFixed(2)}`);
    // enough truth detections to test (7 at this threshold since the nulls weigh exposures by depth)
    expect(r.truth * 0.0071 * SEEDS.length).toBeGreaterThan(5);
    expect(Math.abs(z)).toBeLessThan(2);
    expect(zNeg).toBeLessThan(-2);
  }, 180_000);
});
