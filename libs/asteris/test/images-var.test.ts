// The images stage weighs exposures by JWST VAR_RNOISE where they carry it (docs/field-format.md, docs/stack.md):
// ERR holds the Poisson term of the measured counts, the resample step weighs by read noise. Noise-free exposures
// make the weights exact: with equal ERR and VAR_RNOISE 0.25 / 1 / 1 / 1 the clipped-ivw co-add is (4x₀ + x₁ + x₂ + x₃)/7.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header, readImage, writeFits } from '@asteris/fits';
import { imagesStage } from '../src/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'images-var-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const S = 16, VALUES = [1.0, 1.2, 1.1, 1.3], VARS = [0.25, 1, 1, 1], ERR = 1.1;

function field(dir: string, withVar: boolean): string {
  mkdirSync(join(dir, 'F200W'), { recursive: true });
  VALUES.forEach((v, t) => {
    const h = new Header();
    for (const [key, val] of Object.entries({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: S / 2, CRPIX2: S / 2, CRVAL1: 150.1, CRVAL2: 2.2, CD1_1: -1.1111e-5, CD1_2: 0, CD2_1: 0, CD2_2: 1.1111e-5 })) h.set(key, val);
    h.set('BUNIT', 'nJy'); h.set('FILTER', 'F200W');
    const hdus = [
      { header: h, data: new Float32Array(S * S).fill(v), shape: [S, S] },
      { name: 'ERR', data: new Float32Array(S * S).fill(ERR), shape: [S, S] },
      ...(withVar ? [{ name: 'VAR_RNOISE', data: new Float32Array(S * S).fill(VARS[t]!), shape: [S, S] }] : []),
    ];
    writeFits(join(dir, 'F200W', `f200w_exp${t + 1}.fits`), hdus);
  });
  writeFileSync(join(dir, 'field.json'), JSON.stringify({ name: 'var', pixelScale: 0.04, bands: ['F200W'] }));
  return dir;
}

describe('images stage: VAR_RNOISE weights', () => {
  it('weighs by VAR_RNOISE where present, by ERR² otherwise', async () => {
    const cfg = imagesStage.schema.parse({ denoiser: 'none', nulls: { count: 0 } });
    expect(cfg.coadd).toBe('clipped-ivw');
    const res: number[][] = [];
    for (const withVar of [false, true]) {
      const out = join(tmp, `out-${withVar}`);
      mkdirSync(out);
      await imagesStage.run({ field: field(join(tmp, `f-${withVar}`), withVar), band: 'F200W', workers: 0 }, cfg, out);
      const co = readImage(imagesStage.read(out).coadd), err = readImage(imagesStage.read(out).coadd, { hdu: 'ERR' });
      res.push([co.data[40]!, err.data[40]!]);
    }
    const w = VARS.map((v) => 1 / v), sw = w.reduce((a, b) => a + b, 0);
    // without VAR_RNOISE: equal ERR, equal weights
    expect(res[0]![0]).toBeCloseTo(VALUES.reduce((a, b) => a + b, 0) / 4, 5);
    expect(res[0]![1]).toBeCloseTo(ERR / 2, 5);
    // with it: weights 4, 1, 1, 1, and ERR √(Σ w² e²)/Σ w
    expect(res[1]![0]).toBeCloseTo(VALUES.reduce((a, v, t) => a + w[t]! * v, 0) / sw, 5);
    expect(res[1]![1]).toBeCloseTo(Math.sqrt(w.reduce((a, wt) => a + wt * wt * ERR * ERR, 0)) / sw, 5);
  });
});
