// ASTERIS-lite-null (issue 14; apps/asteris-train lite_net.AsterisNull, data/models/asteris-lite-null.onnx):
// every output frame is the super-frames' mean plus a correction computed from the residual frames only.
//  1. the committed ONNX graph passes any static image with unit gain (out(x + s) = out(x) + s), where
//     ASTERIS-lite does not — the property that makes it lossless for a static sky;
//  2. through the whole inference path (preprocessing, tiling, de-normalisation), faint point sources on
//     white noise are found as on the co-add at an equal false rate (lite's count is printed beside it);
//  3. bright point sources keep the co-add's flux and FWHM (issue 14's photometry goal: bias < 0.03 mag,
//     FWHM within 5 %), through the winsorisation and its restored excess.
import { describe, expect, it } from 'vitest';
import { createRng } from '@asteris/core';
import { bankFilter, robustStd } from '@asteris/extract';
import { robustSigma } from '@asteris/stack';
import { inProcessRunner, resolveModel } from '../src/index.ts';
import { artefactStack } from '../bench/artefacts.ts';
import { detectionBank, pathImage, subtractBackground } from '../bench/null-chain.ts';

/** max |out(x + s) − out(x) − s| of one 32² tile, s a static image of rms 2 on noise of rms 0.25 */
async function skyShiftError(model: string): Promise<number> {
  const T = 8, h = 32, w = 32, n = h * w;
  const rng = createRng(11);
  const x = Float32Array.from({ length: T * n }, () => 0.25 * rng.normal());
  const s = Float32Array.from({ length: n }, () => 2 * rng.normal()); // a static image, 8× the noise
  const xs = Float32Array.from(x, (v, i) => v + s[i % n]!);
  const runner = await inProcessRunner(model, { threads: 1 });
  const a = await runner.run(Float32Array.from(x), h, w);
  const b = await runner.run(xs, h, w);
  await runner.close();
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(b[i]! - a[i]! - s[i % n]!));
  return err;
}

describe('ASTERIS-lite-null', () => {
  it('passes a static sky with unit gain (the ONNX graph); lite does not', async () => {
    const nul = await skyShiftError(resolveModel('lite-null').path);
    const lite = await skyShiftError(resolveModel('lite').path);
    console.log(`max |out(x+s) − out(x) − s| (s rms 2, noise 0.25): lite-null ${nul.toExponential(2)}, lite ${lite.toFixed(3)}`);
    expect(nul).toBeLessThan(2e-3); // float32 rounding only (1e-3 of the rms of s)
    expect(lite).toBeGreaterThan(0.1);
  }, 60_000);

  it('detects faint point sources on white noise as the co-add does, at an equal false rate', async () => {
    const S = 192, PSF = 0.85, N_FALSE = 10, SEEDS = [73, 74];
    const psf = detectionBank({ psfFwhmPx: 2.3548 * PSF, pixScaleArcsec: 0.04 })[0]!;
    // a grid of S/N ≈ 4.2 (co-add matched filter) point sources on white noise, nothing else; the same noise
    // without the sources (same seed) sets each path's threshold: its N_FALSE-th highest local maximum
    const stacks = SEEDS.map((seed) => artefactStack({ seed, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: PSF, noSources: true, hotFrac: 0, crRate: 0, stripe: 0, pattern: 0, persistence: 0, depthJitter: 0, amp: 0, gradient: 0 }).frames);
    const pos: [number, number][] = [];
    for (let y = 16; y < S - 8; y += 16) for (let x = 16; x < S - 8; x += 16) pos.push([x + 0.3, y - 0.2]);
    const flux = 4.2 * (4.3 / Math.sqrt(8)) * Math.sqrt(4 * Math.PI * PSF * PSF);
    const withSources = (noise: Float32Array[]) => noise.map((f) => {
      const g = Float32Array.from(f);
      for (const [cx, cy] of pos) for (let y = Math.floor(cy) - 5; y <= Math.ceil(cy) + 5; y++) for (let x = Math.floor(cx) - 5; x <= Math.ceil(cx) + 5; x++) {
        g[y * S + x]! += (flux / (2 * Math.PI * PSF * PSF)) * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * PSF * PSF));
      }
      return g;
    });
    const filtered = async (st: Float32Array[], path: 'coadd' | 'den', model: string) => bankFilter(subtractBackground(await pathImage(st, S, S, path, model, 256, st.map((f) => robustSigma(f))), S, S), S, S, psf);
    const found = async (path: 'coadd' | 'den', model = ''): Promise<number> => {
      let n = 0;
      for (const noise of stacks) n += await foundIn(noise, path, model);
      return n;
    };
    const foundIn = async (noise: Float32Array[], path: 'coadd' | 'den', model: string): Promise<number> => {
      const nm = await filtered(noise, path, model);
      const maxima: number[] = [];
      for (let y = 8; y < S - 8; y++) for (let x = 8; x < S - 8; x++) {
        const v = nm[y * S + x]!;
        let top = true;
        for (let j = -1; j <= 1 && top; j++) for (let i = -1; i <= 1; i++) if ((i || j) && nm[(y + j) * S + x + i]! >= v) { top = false; break; }
        if (top) maxima.push(v);
      }
      const t = maxima.sort((a, b) => b - a)[N_FALSE - 1]!;
      const m = await filtered(withSources(noise), path, model);
      return pos.filter(([cx, cy]) => {
        let best = -Infinity;
        for (let j = -1; j <= 1; j++) for (let i = -1; i <= 1; i++) best = Math.max(best, m[(Math.round(cy) + j) * S + Math.round(cx) + i]!);
        return best > t;
      }).length;
    };
    const co = await found('coadd');
    const nul = await found('den', resolveModel('lite-null').path);
    const lite = await found('den', resolveModel('lite').path);
    const n = pos.length * SEEDS.length;
    console.log(`of ${n} S/N-4.2 point sources at ${N_FALSE} false peaks per ${S}² (${SEEDS.length} fields): co-add ${co}, lite-null ${nul}, lite ${lite}`);
    // as deep as the co-add: no loss beyond the binomial noise of the difference (≈ 3 % of n), and no
    // "gain" white noise cannot give
    expect(Math.abs(nul - co)).toBeLessThanOrEqual(0.04 * n);
    expect(co).toBeGreaterThan(0.5 * n);
    expect(co).toBeLessThan(0.9 * n); // in the transition, where a loss would show
  }, 120_000);

  it('keeps the flux and FWHM of bright point sources (S/N 30–300)', async () => {
    const S = 192, PSF = 0.85;
    const noise = artefactStack({ seed: 75, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: PSF, noSources: true, hotFrac: 0, crRate: 0, stripe: 0, pattern: 0, persistence: 0, depthJitter: 0, amp: 0, gradient: 0 }).frames;
    const pos: [number, number, number][] = [];
    const unit = (4.3 / Math.sqrt(8)) * Math.sqrt(4 * Math.PI * PSF * PSF); // flux of S/N 1 (matched filter)
    for (let y = 16, k = 0; y < S - 8; y += 20) for (let x = 16; x < S - 8; x += 20, k++) pos.push([x + 0.25, y - 0.15, unit * 30 * 10 ** (k % 5 / 4)]);
    const frames = noise.map((f) => {
      const g = Float32Array.from(f);
      for (const [cx, cy, fl] of pos) for (let y = Math.floor(cy) - 6; y <= Math.ceil(cy) + 6; y++) for (let x = Math.floor(cx) - 6; x <= Math.ceil(cx) + 6; x++) {
        g[y * S + x]! += (fl / (2 * Math.PI * PSF * PSF)) * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * PSF * PSF));
      }
      return g;
    });
    const sig = frames.map((f) => robustSigma(f));
    const measure = (img: Float32Array) => pos.map(([cx, cy]) => {
      let f = 0, m2 = 0;
      for (let y = Math.round(cy) - 6; y <= Math.round(cy) + 6; y++) for (let x = Math.round(cx) - 6; x <= Math.round(cx) + 6; x++) {
        const r2 = (x - cx) ** 2 + (y - cy) ** 2;
        if (r2 > 36) continue;
        const v = img[y * S + x]!;
        f += v;
        if (r2 <= 9) m2 += v * r2;
      }
      return { flux: f, m2 };
    });
    const co = measure(subtractBackground(await pathImage(frames, S, S, 'coadd', '', 256, sig), S, S));
    const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!;
    const out: Record<string, { dmag: number; fwhm: number; vsTruth: number }> = {};
    out['co-add'] = { dmag: 0, fwhm: 1, vsTruth: med(co.map((q, i) => -2.5 * Math.log10(q.flux / pos[i]![2]))) };
    for (const name of ['lite-null', 'lite']) {
      const d = measure(subtractBackground(await pathImage(frames, S, S, 'den', resolveModel(name).path, 256, sig), S, S));
      const dm = d.map((q, i) => -2.5 * Math.log10(q.flux / co[i]!.flux)).sort((a, b) => a - b);
      // second moment inside r ≤ 3 px per unit flux: ∝ FWHM² for a fixed profile shape
      const fr = d.map((q, i) => Math.sqrt((q.m2 / q.flux) / (co[i]!.m2 / co[i]!.flux))).sort((a, b) => a - b);
      out[name] = { dmag: dm[dm.length >> 1]!, fwhm: fr[fr.length >> 1]!, vsTruth: med(d.map((q, i) => -2.5 * Math.log10(q.flux / pos[i]![2]))) };
    }
    console.log(`bright points (median of ${pos.length}; aperture r 6 px): ${Object.entries(out).map(([k, v]) => `${k} Δmag vs truth ${v.vsTruth.toFixed(4)}, vs co-add ${v.dmag.toFixed(4)}, FWHM ratio to the co-add ${v.fwhm.toFixed(4)}`).join('; ')}`);
    expect(Math.abs(out['lite-null']!.vsTruth)).toBeLessThan(0.03);
    expect(Math.abs(out['lite-null']!.dmag)).toBeLessThan(0.015);
    expect(Math.abs(out['lite-null']!.fwhm - 1)).toBeLessThan(0.02);
  }, 120_000);
});
