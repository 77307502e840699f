// The injection–recovery depth measurement against theory. On a white-noise co-add with a known
// Gaussian PSF, the pipeline's own machinery (calibrated threshold, new-detection matching, negative-
// image purity, @asteris/astro's m90) with a PSF-matched filter must land on the Neyman–Pearson limit of
// @asteris/astro; that limit is the ceiling for any image computed from the stack (asteris-method.md
// §5.2, docs/asteris.md "The ceiling"). The extractor's default settings sit below it.
import { describe, expect, it } from 'vitest';
import { abMagFromNJy, nJyFromAbMag, pointSourceDetectionLimit } from '@asteris/astro';
import { extractSources, gaussianKernel, mockField, mulberry32Uniform, type ExtractOptions, type MockSource } from '@asteris/extract';
import { Header, type Image } from '@asteris/fits';
import { completenessCurve, m90, purityCurve, recovered } from '../src/depth.ts';
import { calibrateThreshold, negated } from '../src/threshold.ts';

const SIZE = 512, SIGMA = 1.5, FWHM = 2.0, GRID = 24;
const psfSigma = FWHM / (2 * Math.sqrt(2 * Math.LN2));
const edges = Array.from({ length: 13 }, (_, i) => 26.25 + 0.25 * i);
const img = (data: Float32Array): Image => ({ width: SIZE, height: SIZE, data, header: new Header() });

/** Point sources on a jittered grid (no blending), magnitudes uniform over the bins, white noise σ. */
function field(seed: number, withSources: boolean): { image: Image; sources: MockSource[]; mags: number[] } {
  const u = mulberry32Uniform(seed);
  const sources: MockSource[] = [];
  const mags: number[] = [];
  if (withSources) {
    for (let y = GRID / 2; y < SIZE - GRID / 2; y += GRID) for (let x = GRID / 2; x < SIZE - GRID / 2; x += GRID) {
      const m = edges[0]! + u() * (edges[edges.length - 1]! - edges[0]!);
      mags.push(m);
      sources.push({ x: x + 6 * (u() - 0.5), y: y + 6 * (u() - 0.5), flux: nJyFromAbMag(m), sigma: psfSigma, q: 1, thetaDeg: 0 });
    }
  }
  const f = mockField({ width: SIZE, height: SIZE, nSources: 0, sources, seed: seed + 1, noise: SIGMA });
  return { image: img(f.data), sources, mags };
}

function measuredM90(opts: ExtractOptions, noiseOnly: Image, injected: ReturnType<typeof field>): number {
  const cal = calibrateThreshold(noiseOnly, opts, 1, 0.5, [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.75, 2, 2.5, 3, 4, 5, 8]);
  const run = (im: Image) => extractSources(im, { ...opts, threshold: cal.threshold, maps: false }).sources;
  const pos = run(injected.image), neg = run(negated(injected.image));
  const found = recovered(injected.sources, pos, [], 1.5);
  const mag = (f: number) => (f > 0 ? abMagFromNJy(f) : 99);
  const c = completenessCurve(injected.mags, found, edges);
  const p = purityCurve(pos.map((s) => mag(s.fluxAuto)), neg.map((s) => mag(s.fluxAuto)), edges);
  const m = m90(c, p);
  if (m === null) throw new Error('no m90');
  return m;
}

describe('injection–recovery depth against the Neyman–Pearson limit', () => {
  const noiseOnly = field(101, false).image;
  const injected = field(202, true);
  const limit = abMagFromNJy(pointSourceDetectionLimit({ sigmaPix: SIGMA, psfFwhmPx: FWHM, areaPx: SIZE * SIZE, falseDetections: 1 }).flux);

  it('a PSF-matched peak detector at one false detection per field reaches the theoretical m90 (±0.15 mag)', () => {
    const optimal = measuredM90({ kernel: gaussianKernel(FWHM), minArea: 1 }, noiseOnly, injected);
    expect(Math.abs(optimal - limit)).toBeLessThan(0.15);
  });

  it('the extractor defaults (3×3 kernel, MINAREA 5) at the same false rate stay brighter than the limit, by less than 1 mag', () => {
    const def = measuredM90({}, noiseOnly, injected);
    expect(limit - def).toBeGreaterThan(0.05);
    expect(limit - def).toBeLessThan(1.0);
  });
});
