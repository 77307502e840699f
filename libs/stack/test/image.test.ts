import { describe, expect, it } from 'vitest';
import { Header, type Image } from '@asteris/fits';
import { coadd, mulberry32, StackError } from '../src/index.ts';

function img(w: number, h: number, seed: number, xposure?: number): Image {
  const rng = mulberry32(seed);
  const header = new Header();
  header.set('BUNIT', 'MJy/sr');
  header.set('PIXAR_SR', 3.76e-14);
  header.set('CRVAL1', 53.1);
  if (xposure !== undefined) header.set('XPOSURE', xposure);
  return { width: w, height: h, data: Float32Array.from({ length: w * h }, () => 1 + rng.normal()), header };
}

describe('coadd on Images', () => {
  it('keeps units and WCS cards, records the method and summed exposure time', () => {
    const ims = [img(20, 10, 1, 100), img(20, 10, 2, 150), img(20, 10, 3, 120)];
    const errs = ims.map((i) => ({ ...i, data: new Float32Array(200).fill(1) }));
    const r = coadd(ims, errs, 'ivw');
    expect(r.image.header.getString('BUNIT')).toBe('MJy/sr');
    expect(r.image.header.getNumber('PIXAR_SR')).toBe(3.76e-14);
    expect(r.image.header.getNumber('CRVAL1')).toBe(53.1);
    expect(r.image.header.getString('COADDMTH')).toBe('ivw');
    expect(r.image.header.getNumber('NCOMBINE')).toBe(3);
    expect(r.image.header.getNumber('XPOSURE')).toBe(370);
    expect(r.err.data[0]).toBeCloseTo(1 / Math.sqrt(3), 6);
    const want = (ims[0]!.data[7]! + ims[1]!.data[7]! + ims[2]!.data[7]!) / 3;
    expect(r.image.data[7]).toBeCloseTo(want, 5);
    // the inputs are untouched
    expect(ims[0]!.header.has('NCOMBINE')).toBe(false);
  });
  it('rejects mismatched grids and unknown methods with a clear error', () => {
    expect(() => coadd([img(20, 10, 1), img(21, 10, 2)], [null, null], 'mean')).toThrow(StackError);
    expect(() => coadd([img(20, 10, 1), img(21, 10, 2)], [null, null], 'mean')).toThrow(/exposure 1 is 21×10/);
    expect(() => coadd([img(4, 4, 1)], [null], 'sum' as never)).toThrow(/unknown co-add method 'sum'/);
    expect(() => coadd([], [], 'mean')).toThrow(/empty/);
  });
  it('time keys span the stack (MJD-BEG/END/AVG, TELAPSE), not the first exposure', () => {
    const ims = [img(4, 4, 1, 100), img(4, 4, 2, 100), img(4, 4, 3, 200)];
    const starts = [60000.0, 60000.01, 60000.02];
    ims.forEach((im, t) => { im.header.set('MJD-OBS', starts[t]!); im.header.set('TELAPSE', t === 2 ? 200 : 100); });
    const h = coadd(ims, [null, null, null], 'mean').image.header;
    expect(h.getNumber('MJD-BEG')).toBe(60000.0);
    expect(h.getNumber('MJD-OBS')).toBe(60000.0);
    expect(h.getNumber('MJD-END')).toBeCloseTo(60000.02 + 200 / 86400, 10);
    expect(h.getNumber('TELAPSE')).toBeCloseTo(0.02 * 86400 + 200, 3);
    const mids = [60000 + 50 / 86400, 60000.01 + 50 / 86400, 60000.02 + 100 / 86400];
    expect(h.getNumber('MJD-AVG')).toBeCloseTo((100 * mids[0]! + 100 * mids[1]! + 200 * mids[2]!) / 400, 10);
    expect(h.getNumber('XPOSURE')).toBe(400);
    // one exposure without a time: the stale single-exposure keys are dropped, not kept
    ims[1]!.header.delete('MJD-OBS');
    const h2 = coadd(ims, [null, null, null], 'mean').image.header;
    expect(h2.has('MJD-OBS')).toBe(false);
    expect(h2.has('TELAPSE')).toBe(false);
  });
});
