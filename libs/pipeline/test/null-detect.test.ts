// No hallucination (issue 14): on a noise-only field with per-exposure 1/f row striping and hot pixels
// (generator written here, unlike libs/sim: 0.3σ striping with a 1/f spectrum, 0.05 % hot pixels of
// 10–60σ at random positions in every exposure, as after registration of dithered exposures), the images
// stage's null stacks and the detect stage's bank through the SAME chain (clipped co-add; ASTERIS-lite, and
// ASTERIS-lite-null):
//   - every field detection is false (no sources), so the field's bank peaks above each path's threshold
//     are the truth of its false rate;
//   - the denoised path's false detections per arcmin² ≤ the co-add path's (Poisson-consistent, 2σ);
//   - each path's null-stack estimate (thresholds.json) agrees with the truth within 2σ (the field's error:
//     Poisson, or the nulls' null-to-null scatter where larger);
//   - thresholds.json records both paths' null rates with their Poisson errors.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header, writeFits } from '@asteris/fits';
import { imagesStage } from '@asteris/asteris';
import { detectStage, readSources } from '@asteris/extract';
import { mulberry32 } from '@asteris/core';

const tmp = mkdtempSync(join(tmpdir(), 'null-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Noise-only exposures: white noise σ, 1/f row striping (rms `stripe`·σ), hot pixels; MJy/sr + PIXAR_SR, TAN WCS. */
function noiseOnlyField(dir: string, o: { seed: number; size: number; nExp: number; sigma: number; stripe: number; hotFrac: number }): string {
  const { size: S } = o;
  const rng = mulberry32(o.seed);
  const gauss = () => { let u = 0; while (u === 0) u = rng.uniform(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform()); };
  mkdirSync(join(dir, 'F444W'), { recursive: true });
  for (let t = 0; t < o.nExp; t++) {
    // 1/f power: amplitude ∝ 1/√f over row frequencies 1…S/2, random phases, scaled to rms stripe·σ
    const rows = new Float64Array(S);
    for (let f = 1; f <= S / 2; f++) {
      const a = 1 / Math.sqrt(f), ph = 2 * Math.PI * rng.uniform();
      for (let y = 0; y < S; y++) rows[y] += a * Math.cos((2 * Math.PI * f * y) / S + ph);
    }
    const rms = Math.sqrt(rows.reduce((s, v) => s + v * v, 0) / S);
    const data = new Float32Array(S * S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) data[y * S + x] = o.sigma * (gauss() + (o.stripe * rows[y]!) / rms);
    const nHot = Math.round(o.hotFrac * S * S);
    for (let k = 0; k < nHot; k++) data[Math.floor(rng.uniform() * S * S)] += o.sigma * (10 + 50 * rng.uniform());
    const h = new Header();
    for (const [key, v] of Object.entries({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: S / 2, CRPIX2: S / 2, CRVAL1: 53.1, CRVAL2: -27.8, CD1_1: -1.1111e-5, CD1_2: 0, CD2_1: 0, CD2_2: 1.1111e-5 })) h.set(key, v);
    h.set('BUNIT', 'MJy/sr'); h.set('PIXAR_SR', 3.76e-14); h.set('FILTER', 'F444W');
    writeFits(join(dir, 'F444W', `f444w_exp${t + 1}.fits`), [{ header: h, data, shape: [S, S] }]);
  }
  writeFileSync(join(dir, 'field.json'), JSON.stringify({ name: 'noise-only', pixelScale: 0.04, bands: ['F444W'] }));
  return dir;
}

interface PathRate { rate: number; err: number; scatter: number; n: number; area: number; nNulls: number; nPeaks: number; threshold: number }

describe('null stacks and the bank on a noise-only field with striping and hot pixels (issue 14)', () => {
  const field = noiseOnlyField(join(tmp, 'field'), { seed: 7, size: 256, nExp: 8, sigma: 0.02, stripe: 0.3, hotFrac: 5e-4 });
  it.each(['lite', 'lite-null'])('%s: denoised false rate ≤ co-add false rate; null estimates agree with the truth within 2σ; thresholds.json records both', async (denoiser) => {
    const imgDir = join(tmp, `images-${denoiser}`);
    mkdirSync(imgDir, { recursive: true });
    const K = 6;
    await imagesStage.run({ field, band: 'F444W', workers: 0 }, imagesStage.schema.parse({ denoiser, tileSize: 128, nulls: { count: K, seed: 3 } }), imgDir);
    const images = [imagesStage.read(imgDir)];
    expect(images[0]!.nullCoadd && images[0]!.nullDenoised).toBeTruthy();
    const detDir = join(tmp, `detect-${denoiser}`);
    mkdirSync(detDir, { recursive: true });
    // a high target (300 per arcmin²) so that counts on 0.03 arcmin² are not all zero
    await detectStage.run({ images, bank: { pixelScale: 0.04, psfFwhmArcsec: 0.145 } }, detectStage.schema.parse({ bands: ['F444W'], extract: { falseRate: 300 } }), detDir);
    const t = JSON.parse(readFileSync(join(detDir, 'thresholds.json'), 'utf8')) as { nullRate: Record<'coadd' | 'denoised', PathRate & { nullKind: string }> };
    // one field's count scatters by Poisson, or by the null-to-null scatter where the noise level itself
    // fluctuates between realisations (@asteris/stack FalseRate.scatter: the error for ONE field's count)
    const truth = (p: PathRate) => {
      const A = p.area / p.nNulls; // the field's searched area (same border and mask as each null)
      return { rate: p.nPeaks / A, err: Math.max(Math.sqrt(Math.max(p.nPeaks, 1)) / A, Number.isFinite(p.scatter) ? p.scatter : 0) };
    };
    const out: string[] = [];
    for (const id of ['coadd', 'denoised'] as const) {
      const p = t.nullRate[id];
      expect(p.nullKind).toBe('null');
      expect(p.nNulls).toBe(K);
      expect(Number.isFinite(p.rate) && p.err > 0 && Number.isFinite(p.threshold)).toBe(true);
      const tr = truth(p);
      out.push(`${id}: threshold ${p.threshold.toFixed(2)}σ, null ${p.rate.toFixed(0)} ± ${p.err.toFixed(0)} (n ${p.n}, null-to-null scatter ${p.scatter.toFixed(0)}), truth ${tr.rate.toFixed(0)} ± ${tr.err.toFixed(0)} (n ${p.nPeaks}) per arcmin²`);
      // the null-stack estimate agrees with the truth within 2σ
      expect(Math.abs(p.rate - tr.rate), out.join('; ')).toBeLessThanOrEqual(2 * Math.hypot(p.err, tr.err));
    }
    const co = truth(t.nullRate.coadd), den = truth(t.nullRate.denoised);
    console.log(`noise-only field, ${denoiser}: ${out.join('; ')}`);
    // no hallucination: the denoised path's false rate is no higher than the co-add's (2σ Poisson)
    expect(den.rate, out.join('; ')).toBeLessThanOrEqual(co.rate + 2 * Math.hypot(co.err, den.err));
    // every field detection is false: the measured catalogues hold no more than the bank's peaks
    expect(readSources(join(detDir, 'sources.json')).length).toBeLessThanOrEqual(t.nullRate.denoised.nPeaks);
    expect(readSources(join(detDir, 'sources_coadd.json')).length).toBeLessThanOrEqual(t.nullRate.coadd.nPeaks);
  }, 180_000);
});
