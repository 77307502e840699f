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
});
