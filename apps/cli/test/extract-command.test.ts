// `asteris extract` end to end (apps/cli/src/commands/extract.ts).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage, writeFits } from '@asteris/fits';
import { runExtract } from '../src/commands/extract.ts';
import { extractSources } from '@asteris/extract';

const img = fileURLToPath(new URL('../../../data/external/sep_sextractor_reference/image.fits', import.meta.url));

describe('asteris extract', () => {
  it('writes catalogue.csv and segmentation.fits whose labels match the catalogue', async () => {
    const out = mkdtempSync(join(tmpdir(), 'asteris-extract-cli-'));
    try {
      const r = await runExtract([img], { out, apertures: '5,10', threads: '1', checkImages: true });
      expect(r.n).toBeGreaterThan(50);
      const lines = readFileSync(join(out, 'catalogue.csv'), 'utf8').trim().split('\n');
      expect(lines[0]).toContain('flux_aper_10');
      expect(lines.length - 1).toBe(r.n);
      const seg = readImage(join(out, 'segmentation.fits'));
      let max = 0;
      for (const v of seg.data) if (v > max) max = v;
      expect(max).toBe(r.n);
      // the file is streamed from the row runs: it equals the library's full map pixel for pixel
      const lib = extractSources(readImage(img), { apertures: [5, 10], noiseKernel: 'auto', weight: { type: 'background' } }); // the CLI's defaults
      expect(seg.data.length).toBe(lib.segmentation.length);
      let diff = 0;
      for (let i = 0; i < seg.data.length; i++) if (seg.data[i] !== lib.segmentation[i]) diff++;
      expect(diff).toBe(0);
      expect(existsSync(join(out, 'background.fits'))).toBe(true);
      expect(readdirTmp(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  it('with 2 threads writes the same catalogue and segmentation as with 1', async () => {
    const o1 = mkdtempSync(join(tmpdir(), 'asteris-extract-cli-'));
    const o2 = mkdtempSync(join(tmpdir(), 'asteris-extract-cli-'));
    try {
      await runExtract([img], { out: o1, threads: '1' });
      await runExtract([img], { out: o2, threads: '2' });
      for (const f of ['catalogue.csv', 'segmentation.fits']) expect(readFileSync(join(o2, f)).equals(readFileSync(join(o1, f)))).toBe(true);
    } finally {
      rmSync(o1, { recursive: true, force: true });
      rmSync(o2, { recursive: true, force: true });
    }
  });
  it('rejects inconsistent noise maps and bad options with clear messages', async () => {
    await expect(runExtract([img, img], { out: '/tmp/none' })).rejects.toThrow(/need --err, --wht or --var/);
    await expect(runExtract([img], { out: '/tmp/none', filter: 'box' })).rejects.toThrow(/--filter/);
    await expect(runExtract([img], { out: '/tmp/none', err: [img, img] })).rejects.toThrow(/1 image\(s\) but 2 noise map/);
  });
  it('noise options: a weight map of the wrong shape names the weight file; an invalid kernel is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asteris-extract-cli-'));
    try {
      const im = readImage(img);
      const small = join(dir, 'small_wht.fits');
      writeFits(small, [{ data: new Float32Array(20 * 10).fill(1), shape: [20, 10] }]);
      await expect(runExtract([img], { out: join(dir, 'o'), wht: [small] })).rejects.toThrow(/small_wht\.fits: weight map is 20×10 but the image .* is \d+×\d+/);
      await expect(runExtract([img], { out: join(dir, 'o'), weightImage: small, weightType: 'MAP_WEIGHT' })).rejects.toThrow(/small_wht\.fits: weight map is 20×10/);
      await expect(runExtract([img], { out: join(dir, 'o'), weightImage: small, weightType: 'MAP_FOO' })).rejects.toThrow(/--weight-type/);
      const k1 = join(dir, 'asym.json');
      writeFileSync(k1, JSON.stringify([[0, 0.3, 0], [0.1, 1, 0.1], [0, 0.1, 0]]));
      await expect(runExtract([img], { out: join(dir, 'o'), noiseKernel: k1 })).rejects.toThrow(/asym\.json: not a covariance: not symmetric/);
      const k2 = join(dir, 'notpsd.json');
      writeFileSync(k2, JSON.stringify([[0, 0, 0], [0.9, 1, 0.9], [0, 0, 0]]));
      await expect(runExtract([img], { out: join(dir, 'o'), noiseKernel: k2 })).rejects.toThrow(/notpsd\.json: not a covariance: not positive semi-definite/);
      const k3 = join(dir, 'neg.json');
      writeFileSync(k3, JSON.stringify([[-1]]));
      await expect(runExtract([img], { out: join(dir, 'o'), noiseKernel: k3 })).rejects.toThrow(/neg\.json: not a covariance: the zero-lag variance is -1/);
      // a valid user kernel (FITS) is used: the threshold factor is that of the kernel, and white = none
      const k4 = join(dir, 'white.fits');
      writeFits(k4, [{ data: Float32Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0), shape: [3, 3] }]);
      const a = await runExtract([img], { out: join(dir, 'a'), noiseKernel: k4 });
      const b = await runExtract([img], { out: join(dir, 'b'), noiseKernel: 'none' });
      expect(a.n).toBe(b.n);
      // --compat sextractor without a weight map = the library's defaults (SExtractor, WEIGHT_TYPE NONE)
      const sx = await runExtract([img], { out: join(dir, 's'), compat: 'sextractor' });
      expect(sx.n).toBe(extractSources(readImage(img)).sources.length);
      // --compat sextractor with a relative weight map = the library's SExtractor mode
      const wfile = join(dir, 'wht.fits');
      const wht = new Float32Array(im.data.length).map((_, i) => 1 + (i % im.width) / im.width);
      writeFits(wfile, [{ data: wht, shape: [im.width, im.height] }]);
      const c = await runExtract([img], { out: join(dir, 'c'), compat: 'sextractor', weightImage: wfile, weightType: 'MAP_WEIGHT' });
      const lib = extractSources(readImage(img), { weight: { type: 'weight', data: wht, scaleToBackground: true } });
      expect(c.n).toBe(lib.sources.length);
      await expect(runExtract([img], { out: join(dir, 'o'), compat: 'sep' })).rejects.toThrow(/--compat/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function readdirTmp(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.tmp'));
}
