// The run config's `workers` reaches the photometry stage's band threads (issue #16), and the products are
// the same bytes for any count: a small simulated field through images → detect → photometry with
// workers 0 (in-process) and 2 (worker threads even for a small image).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateField } from '@asteris/sim';
import { imagesStage } from '@asteris/asteris';
import { detectStage } from '@asteris/extract';
import { photometryStage, photometryThreads, PHOTOMETRY_FILES } from '@asteris/photometry';

const tmp = mkdtempSync(join(tmpdir(), 'stage-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sub = (n: string) => { const d = join(tmp, n); mkdirSync(d, { recursive: true }); return d; };

describe('photometry stage threads from the run config (issue #16)', () => {
  it('maps workers to threads: undefined → library default, 0/1 → calling thread, N → N obeyed', () => {
    expect(photometryThreads(undefined)).toEqual({});
    expect(photometryThreads(0)).toEqual({ threads: 1 });
    expect(photometryThreads(1)).toEqual({ threads: 1 });
    expect(photometryThreads(3)).toEqual({ threads: 3, minPixels: 0 });
  });

  it('catalogue.csv and catalogue.fits are byte-identical for workers 0 and 2', async () => {
    const bands = ['F150W', 'F277W', 'F444W'];
    const field = join(tmp, 'field');
    await simulateField({ kind: 'asteris-field-spec', name: 'w', seed: 11, width: 160, height: 160, nexp: 4, bands }, field, { workers: 0 });
    const images = Object.fromEntries(await Promise.all(bands.map(async (b) => {
      const dir = sub(`img-${b}`);
      await imagesStage.run({ field, band: b, workers: 0 }, { denoiser: 'none', coadd: 'clipped-mean', selfcal: false, base: 'combine', nulls: { count: 0, mode: 'signflip', seed: 1 } }, dir);
      return [b, imagesStage.read(dir)] as const;
    })));
    const detDir = sub('detect');
    await detectStage.run({ images: [images.F444W!] }, { bands: ['F444W'], mode: 'ivw', extract: { detector: 'sextractor' } }, detDir);
    const detect = detectStage.read(detDir);
    const out = async (workers: number) => {
      const dir = sub(`phot-${workers}`);
      const r = await photometryStage.run({ field, detect, images, refBand: 'F444W', workers }, {}, dir);
      expect((r as { rows: number }).rows).toBeGreaterThan(3);
      return [readFileSync(join(dir, PHOTOMETRY_FILES.csv)), readFileSync(join(dir, PHOTOMETRY_FILES.fits))];
    };
    const [csv0, fits0] = await out(0);
    // 2 threads for 3 bands: one worker takes a second band from the queue
    const [csv2, fits2] = await out(2);
    expect(csv2!.equals(csv0!)).toBe(true);
    expect(fits2!.equals(fits0!)).toBe(true);
  }, 120_000);
});
