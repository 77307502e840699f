// `asteris extract` end to end (apps/cli/src/commands/extract.ts).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '@asteris/fits';
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
      const lib = extractSources(readImage(img), { apertures: [5, 10] });
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
});

function readdirTmp(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.tmp'));
}
