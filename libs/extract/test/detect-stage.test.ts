// The detect stage's products on a small two-band field written for this test: segmentation.fits is a
// label image (no BUNIT or other flux keys inherited from the science or detection image, WCS kept; #17),
// its labels are the source ids; the weight-type option reaches the extraction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Header, readFits, readImage, tanWcs, writeFits } from '@asteris/fits';
import { detectStage, mulberry32Uniform, gaussianRng, readSources } from '../src/index.ts';

const W = 96, H = 80;
const root = mkdtempSync(join(tmpdir(), 'detect-stage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function band(name: string, seed: number, errScale: (x: number) => number): string {
  const g = gaussianRng(mulberry32Uniform(seed));
  const sci = new Float32Array(W * H), err = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const s = errScale(x);
    let v = s * g();
    for (const [cx, cy, a] of [[20, 20, 40], [60, 50, 25], [75, 15, 60]] as const) v += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 3);
    sci[y * W + x] = v; err[y * W + x] = s;
  }
  const h = new Header();
  tanWcs({ crval: [53.1, -27.8], crpix0: [W / 2, H / 2], scaleArcsec: 0.04 }).toHeader(h);
  h.set('BUNIT', '10.0*nanoJansky'); h.set('FILTER', name); h.set('ABMAG', 28.9);
  const f = join(root, `${name}.fits`);
  writeFits(f, [{ header: h, data: sci, shape: [W, H] }, { name: 'ERR', data: err, shape: [W, H] }]);
  return f;
}
// noise rising fourfold across the field: an RMS map matters
const images = [{ coadd: band('F277W', 1, (x) => 1 + 3 * x / W) }, { coadd: band('F444W', 2, (x) => 1 + 3 * x / W) }];

describe('detect stage products', () => {
  it('segmentation.fits is a label image: no BUNIT or flux keys, WCS kept, labels = source ids', async () => {
    const dir = join(root, 'a');
    await detectStage.run({ images }, detectStage.schema.parse({ bands: ['F277W', 'F444W'] }), dir);
    const seg = readFits(join(dir, 'segmentation.fits'))[0]!;
    for (const k of ['BUNIT', 'PIXAR_SR', 'ABMAG', 'BSCALE', 'BZERO']) expect(seg.header.has(k), k).toBe(false);
    expect(seg.header.get('CTYPE1')).toBe('RA---TAN');
    expect(seg.header.getNumber('CRVAL1')).toBeCloseTo(53.1, 10);
    expect(readImage(join(dir, 'detection.fits')).header.getString('BUNIT')).toBe('nJy'); // the detection image keeps its unit
    const src = readSources(join(dir, 'sources.json'));
    expect(src.length).toBeGreaterThanOrEqual(3);
    const labels = new Set(Array.from(readImage(join(dir, 'segmentation.fits')).data).filter((v) => v > 0));
    expect([...labels].sort((a, b) => a - b)).toEqual(src.map((s) => s.id).sort((a, b) => a - b));
  });

  it('weightType rms uses the ERR map: a different (but valid) extraction from the background RMS', async () => {
    const run = async (extract: object, name: string) => {
      const dir = join(root, name);
      // the SExtractor detector: every option reaches its extraction unchanged (the bank's seeded
      // measurement turns the noise kernel on by default)
      await detectStage.run({ images }, detectStage.schema.parse({ bands: ['F277W', 'F444W'], extract: { detector: 'sextractor', threshold: 1.2, ...extract } }), dir);
      return readSources(join(dir, 'sources.json'));
    };
    const bg = await run({}, 'bg');
    const rms = await run({ weightType: 'rms' }, 'rms');
    const kern = await run({ noiseKernel: 'auto' }, 'kern');
    expect(rms.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(rms)).not.toBe(JSON.stringify(bg));
    expect(kern.length).toBeGreaterThanOrEqual(3);
    expect(kern.some((s, i) => s.fluxAutoErr !== bg[i]?.fluxAutoErr)).toBe(true); // the kernel enters the errors
    expect(() => detectStage.schema.parse({ bands: ['F277W'], extract: { noiseKernel: 'yes' } })).toThrow();
  });

  it('detector: bank by default (negated image as the null without null stacks, SExtractor-default co-add beside it); sextractor selectable', async () => {
    const dir = join(root, 'bank');
    await detectStage.run({ images, bank: { pixelScale: 0.04, psfFwhmArcsec: 0.12 } }, detectStage.schema.parse({ bands: ['F277W', 'F444W'] }), dir);
    const p = detectStage.read(dir);
    expect(p.thresholds.detector).toBe('bank');
    expect(p.paths.map((q) => q.id)).toEqual(['coadd', 'coadd-se']);
    expect(p.paths[0]!.main && p.paths[0]!.falseKind === 'negated').toBe(true);
    const t = JSON.parse((await import('node:fs')).readFileSync(p.calibrationFile, 'utf8'));
    expect(t.nullRate.coadd.nullKind).toBe('negated');
    expect(t.nullRate.coadd.rate).toBeGreaterThanOrEqual(0);
    expect(readSources(p.sources).length).toBeGreaterThanOrEqual(3); // the three sources, measured by the seeded extraction
    const dir2 = join(root, 'se');
    await detectStage.run({ images }, detectStage.schema.parse({ bands: ['F277W', 'F444W'], extract: { detector: 'sextractor' } }), dir2);
    const q = detectStage.read(dir2);
    expect(q.thresholds.detector).toBe('sextractor');
    expect(q.paths.map((x) => `${x.id}:${x.detector}`)).toEqual(['coadd:sextractor']);
    expect(() => detectStage.schema.parse({ bands: ['F277W'], extract: { detector: 'sep' } })).toThrow();
  });
});
