import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { nJyPerPixelScale, readFits, writeFits } from '@asteris/fits';
import { loadField, readExposureStack, resolvePsf, sameGrid, naturalCompare, FieldError } from '../src/index.ts';
import { tinyField } from './fixture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'field-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('@asteris/field', () => {
  it('lists exposures in natural order (exp2 before exp10, issue #14)', () => {
    const files = ['e_exp1.fits', 'e_exp10.fits', 'e_exp2.fits', 'e_exp11.fits', 'e_exp3.fits'];
    const d = tinyField(join(tmp, 'nat'), [{ name: 'F150W', n: 5, files }, { name: 'F444W', n: 1 }]);
    expect(loadField(d).bands[0]!.exposures.map((p) => basename(p))).toEqual(['e_exp1.fits', 'e_exp2.fits', 'e_exp3.fits', 'e_exp10.fits', 'e_exp11.fits']);
    expect(['b10', 'a', 'b2'].sort(naturalCompare)).toEqual(['a', 'b2', 'b10']);
  });

  it('reads width/height from the FITS when field.json omits them, and checks them when given', () => {
    const d = tinyField(join(tmp, 'wh'), [{ name: 'F150W', n: 2 }, { name: 'F444W', n: 2 }], {}, 24);
    const f = loadField(d);
    expect([f.width, f.height]).toEqual([24, 24]);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ pixelScale: 0.04, bands: ['F150W', 'F444W'], width: 'wide' }));
    expect(() => loadField(d)).toThrow(/field\.json: width must be a positive integer/);
  });

  it('types unit and zeropoint: a non-number zero point names the file and the key', () => {
    const d = tinyField(join(tmp, 'zp'), [{ name: 'F150W', n: 1, noUnit: true }, { name: 'F444W', n: 1 }]);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ pixelScale: 0.04, bands: [{ name: 'F150W', zeropoint: 'abc' }, 'F444W'] }));
    expect(() => loadField(d)).toThrow(FieldError);
    expect(() => loadField(d)).toThrow(/zp\/field\.json: bands\[0\]\.zeropoint must be a number/);
  });

  it('uses field.json zeropoint / unit when the headers lack BUNIT', () => {
    const d = tinyField(join(tmp, 'zp2'), [{ name: 'F150W', n: 1, noUnit: true }, { name: 'F444W', n: 1, noUnit: true }]);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ pixelScale: 0.04, bands: [{ name: 'F150W', zeropoint: 25 }, { name: 'F444W', unit: 'nJy' }] }));
    const f = loadField(d);
    const a = readExposureStack(f.bands[0]!).images[0]!;
    const b = readExposureStack(f.bands[1]!).images[0]!;
    expect(nJyPerPixelScale(a.header)).toBeCloseTo(10 ** ((31.4 - 25) / 2.5), 6);
    expect(nJyPerPixelScale(b.header)).toBe(1);
  });

  it('an all-NaN exposure names the file and the band', () => {
    const d = tinyField(join(tmp, 'nan'), [{ name: 'F150W', n: 3, nan: [1] }, { name: 'F444W', n: 1 }]);
    expect(() => readExposureStack(loadField(d).bands[0]!)).toThrow(/f150w_exp2\.fits: every pixel of band F150W's exposure is NaN/);
  });

  it('reads VAR_RNOISE (the co-add weights) when exposures carry it; a wrong shape or an empty one names the file', () => {
    const d = tinyField(join(tmp, 'var'), [{ name: 'F150W', n: 2 }]);
    const band = loadField(d).bands[0]!;
    expect(readExposureStack(band).varRnoise).toBeUndefined();
    const addVar = (file: string, data: Float32Array, shape: [number, number]) => {
      const hdus = readFits(file);
      const sci = hdus[0]!;
      if (sci.kind !== 'image') throw new Error('expected an image HDU');
      writeFits(file, [{ header: sci.header, data: sci.data as Float32Array, shape: [16, 16] }, { name: 'VAR_RNOISE', data, shape }]);
    };
    addVar(band.exposures[0]!, new Float32Array(256).fill(0.25), [16, 16]);
    const st = readExposureStack(band);
    expect(st.varRnoise?.length).toBe(2);
    expect(st.varRnoise?.[0]?.data[7]).toBe(0.25);
    expect(st.varRnoise?.[1]).toBeNull();
    addVar(band.exposures[1]!, new Float32Array(128).fill(0.25), [16, 8]);
    expect(() => readExposureStack(band)).toThrow(/f150w_exp2\.fits: VAR_RNOISE shape 16×8 differs from SCI 16×16/);
    addVar(band.exposures[1]!, new Float32Array(256), [16, 16]);
    expect(() => readExposureStack(band)).toThrow(/f150w_exp2\.fits: VAR_RNOISE has no finite positive value/);
  });

  it('resolves PSFs in the documented order: psf/<BAND>.fits, else the built-in model with a warning naming the band', () => {
    const d = tinyField(join(tmp, 'psf'), [{ name: 'F150W', n: 1 }, { name: 'F444W', n: 1 }]);
    mkdirSync(join(d, 'psf'));
    writeFileSync(join(d, 'psf', 'F444W.fits'), '');
    const f = loadField(d);
    expect(resolvePsf(f, 'F444W')).toEqual({ kind: 'file', file: join(d, 'psf', 'F444W.fits') });
    const b = resolvePsf(f, 'F150W');
    expect(b.kind).toBe('builtin');
    expect(b.kind === 'builtin' && b.warning).toMatch(/band F150W.*built-in model/);
    // another generator's model name is described by the band's PSF file, the built-in model's name is not
    const withSource = (src: string) => ({ ...f, bands: f.bands.map((x) => (x.name === 'F444W' ? { ...x, psfSource: src } : x)) });
    expect(resolvePsf(withSource('model:independent-sim'), 'F444W')).toEqual({ kind: 'file', file: join(d, 'psf', 'F444W.fits') });
    expect(resolvePsf(withSource('model:gauss+moffat'), 'F444W')).toEqual({ kind: 'source', source: 'model:gauss+moffat' });
  });

  it('sameGrid is the one definition of a pixel grid: shape, then WCS', () => {
    const w = [1, 2, 3];
    expect(sameGrid({ width: 4, height: 4, wcs: w }, { width: 4, height: 4, wcs: [...w] })).toBeUndefined();
    expect(sameGrid({ width: 4, height: 4, wcs: w }, { width: 5, height: 4, wcs: w })).toMatch(/shape 5×4 differs from 4×4/);
  });
});
