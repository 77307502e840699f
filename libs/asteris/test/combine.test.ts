// A null-space model's image combined with the images stage's co-add (issue 14; src/combine.ts). Generator
// written here, unlike libs/sim: point sources on white noise through 8 exposures of very unequal depth
// (σ 1 for four, 3 for the other four) over a sky gradient, no ERR maps (the co-add weighs by each exposure's
// robust σ).
//   - the stage writes R + α(D − R) + β(C − R) with the α, β it fitted on the nulls, and says so in the header;
//   - with clipped-ivw as the co-add, the combination's PSF-filtered noise about the true sky is at most the
//     better of the network's image and the co-add (within 3 %), and well below the network's, which learns
//     only part of the inverse-variance weighting; the naive C + D − R counts that part twice and is worse
//     than the co-add (the failing control);
//   - fluxes of bright sources are the co-add's.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@asteris/core';
import { Header, readFits, readImage, writeFits } from '@asteris/fits';
import { combineImages, imagesStage, isNullSpaceModel, nullCombineWeights, resolveModel } from '../src/index.ts';
import { psfFilteredNoise } from '../../../tests/helpers/noise.ts';

const tmp = mkdtempSync(join(tmpdir(), 'rebase-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const S = 160, N = 8, PSF = 1.0;
const SIG = [1, 1, 1, 1, 3, 3, 3, 3];
const sources = Array.from({ length: 9 }, (_, k) => ({ x: 30 + (k % 3) * 50 + 0.4, y: 30 + Math.floor(k / 3) * 50 + 0.7, flux: 300 + 100 * k }));

function makeField(dir: string, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const gauss = () => { let u = 0; while (u === 0) u = rng.uniform(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform()); };
  const sky = Float32Array.from({ length: S * S }, (_, p) => 0.5 + 0.04 * (p % S) + 0.036 * Math.floor(p / S));
  for (const s of sources) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const r2 = (x - s.x) ** 2 + (y - s.y) ** 2;
    if (r2 < 100) sky[y * S + x] += (s.flux / (2 * Math.PI * PSF * PSF)) * Math.exp(-r2 / (2 * PSF * PSF));
  }
  mkdirSync(join(dir, 'F200W'), { recursive: true });
  for (let t = 0; t < N; t++) {
    // a sky gradient under the sources (0.5 … 12.7 nJy): the nulls carry it as their pedestal
    const data = Float32Array.from(sky, (v) => v + SIG[t]! * gauss());
    const h = new Header();
    for (const [key, v] of Object.entries({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: S / 2, CRPIX2: S / 2, CRVAL1: 150.1, CRVAL2: 2.2, CD1_1: -1.1111e-5, CD1_2: 0, CD2_1: 0, CD2_2: 1.1111e-5 })) h.set(key, v);
    h.set('BUNIT', 'nJy'); h.set('FILTER', 'F200W');
    writeFits(join(dir, 'F200W', `f200w_exp${t + 1}.fits`), [{ header: h, data, shape: [S, S] }]);
  }
  writeFileSync(join(dir, 'field.json'), JSON.stringify({ name: 'rebase', pixelScale: 0.04, bands: ['F200W'] }));
  return sky;
}

/** Robust σ of the PSF-filtered residual (image − sky), inner region: the detection statistic's noise. */
const filteredNoise = (img: Float32Array, sky: Float32Array): number => psfFilteredNoise(img, sky, S, PSF, 12);

const apFlux = (img: Float32Array, x: number, y: number) => {
  let s = 0, ring = 0, nr = 0;
  for (let j = -9; j <= 9; j++) for (let i = -9; i <= 9; i++) {
    const r2 = i * i + j * j, v = img[(Math.round(y) + j) * S + Math.round(x) + i]!;
    if (r2 <= 25) s += v; else if (r2 > 49 && r2 <= 81) { ring += v; nr++; }
  }
  let na = 0;
  for (let j = -5; j <= 5; j++) for (let i = -5; i <= 5; i++) if (i * i + j * j <= 25) na++;
  return s - (ring / nr) * na;
};

describe('combineImages', () => {
  it('is R + α(D − R) + β(C − R), NaN where any input is NaN; refuses unequal sizes', () => {
    const out = combineImages({ raw: Float32Array.of(1, 2, 2), den: Float32Array.of(3, NaN, 5), base: Float32Array.of(10, 10, NaN) }, { alpha: 0.5, beta: 0.25 });
    expect(out[0]).toBeCloseTo(1 + 0.5 * 2 + 0.25 * 9, 6);
    expect(Number.isNaN(out[1]!) && Number.isNaN(out[2]!)).toBe(true);
    expect(() => combineImages({ raw: new Float32Array(3), den: new Float32Array(2), base: new Float32Array(3) }, { alpha: 1, beta: 0 })).toThrow(/sizes differ/);
  });
  it('fits the minimum-variance weight when the network changes nothing (D ≡ R): β = Var R / (Var R + Var C)', () => {
    // independent white noise, σ_R = 2, σ_C = 1: Var(R + β(C − R)) is least at β = 4/5, whatever the filter
    const rng = mulberry32(8), n = 96 * 96, g = () => { let u = 0; while (u === 0) u = rng.uniform(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform()); };
    const nulls = [0, 1].map(() => { const raw = Float32Array.from({ length: n }, () => 2 * g()); return { raw, den: raw, base: Float32Array.from({ length: n }, () => g()) }; });
    const w = nullCombineWeights(nulls, 96, 96)!;
    expect(w.alpha).toBe(1);
    expect(Math.abs(w.beta - 0.8)).toBeLessThan(0.03);
    expect(w.sigma.combined).toBeLessThan(w.sigma.coadd);
  });
  it('has nothing to fit on a stack smaller than the filter\'s footprint', () => {
    const z = new Float32Array(8 * 8);
    expect(nullCombineWeights([{ raw: z, den: z, base: z }], 8, 8)).toBeNull();
  });
  it('knows the null-space models by their sidecar', () => {
    expect(isNullSpaceModel(resolveModel('lite-null').path)).toBe(true);
    expect(isNullSpaceModel(resolveModel('lite').path)).toBe(false);
    expect(isNullSpaceModel(join(tmp, 'nothing.onnx'))).toBe(false);
  });
});

describe('images stage: lite-null combined with the co-add', () => {
  it('fits α, β on the nulls: the co-add\'s weights and fluxes, never worse than either image', async () => {
    const dir = join(tmp, 'field'), sky = makeField(dir, 21);
    const run = async (base: 'combine' | 'network') => {
      const out = join(tmp, `img-${base}`);
      mkdirSync(out);
      const info = await imagesStage.run({ field: dir, band: 'F200W', workers: 0 }, imagesStage.schema.parse({ denoiser: 'lite-null', coadd: 'clipped-ivw', base, nulls: { count: 2 } }), out) as { base: { alpha: number; beta: number } | string };
      const p = imagesStage.read(out);
      return { info, den: readImage(p.denoised!), co: readImage(p.coadd).data, raw: readImage(join(out, 'raw.fits')).data, nullHdr: readFits(p.nullDenoised!)[0]!.header };
    };
    const comb = await run('combine'), net = await run('network');
    if (typeof comb.info.base === 'string') throw new Error('no combination weights reported');
    const { alpha, beta } = comb.info.base;
    // exactly the combination of the network's image, its base and the co-add (float32 rounding)
    const want = combineImages({ raw: net.raw, den: net.den.data, base: net.co }, { alpha, beta });
    let maxErr = 0;
    for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i]!)) maxErr = Math.max(maxErr, Math.abs(comb.den.data[i]! - want[i]!));
    expect(maxErr).toBeLessThan(1e-4);
    expect(comb.den.header.get('ASTBASE')).toBe('combine');
    expect(comb.nullHdr.get('ASTBASE')).toBe('combine');
    expect(net.den.header.get('ASTBASE')).toBeUndefined();
    expect(net.info.base).toBe('network');
    // noise: equal weights give σ_mean² = Σσ²/N² = 0.625, inverse-variance 1/Σσ⁻² = 0.225 (ratio 0.60 in σ)
    const naive = combineImages({ raw: net.raw, den: net.den.data, base: net.co }, { alpha: 1, beta: 1 });
    const nNet = filteredNoise(net.den.data, sky), nComb = filteredNoise(comb.den.data, sky), nCo = filteredNoise(comb.co, sky), nNaive = filteredNoise(naive, sky);
    console.log(`PSF-filtered noise about the sky: network ${nNet.toFixed(3)}, clipped-ivw co-add ${nCo.toFixed(3)}, combined ${nComb.toFixed(3)} (α ${alpha.toFixed(3)}, β ${beta.toFixed(3)}), naive C + D − R ${nNaive.toFixed(3)}`);
    expect(nComb).toBeLessThan(0.9 * nNet);
    expect(nComb).toBeLessThan(1.03 * Math.min(nNet, nCo));
    expect(nNaive).toBeGreaterThan(1.03 * nCo);
    // bright sources: the co-add's flux (aperture r = 5 px, local annulus background)
    const ratios = sources.map((s) => apFlux(comb.den.data, s.x, s.y) / apFlux(comb.co, s.x, s.y));
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.01);
  }, 120_000);
});
