// The photometry stage's strict config (issue 13): `background` takes every mode forcedPhotometry has, the
// default is its 'mesh', and measurePhotometry (the stage's and `asteris photometry`'s one entry) applies it.
import { describe, expect, it } from 'vitest';
import { BACKGROUND_MODES, MEASURE_ON, PhotometryConfigSchema, measurePhotometry, photometryImage } from '../src/index.ts';

describe('photometry stage config', () => {
  it('accepts mesh, local, empty-median, none and an object with mesh settings; refuses other values', () => {
    for (const m of BACKGROUND_MODES) expect(PhotometryConfigSchema.safeParse({ background: m }).success, m).toBe(true);
    expect(BACKGROUND_MODES).toEqual(['mesh', 'local', 'empty-median', 'none']);
    expect(PhotometryConfigSchema.safeParse({ background: { mode: 'local', meshSize: 64, localWidth: 20 } }).success).toBe(true);
    expect(PhotometryConfigSchema.safeParse({ background: 'median' }).success).toBe(false);
    expect(PhotometryConfigSchema.safeParse({ background: { mode: 'mesh', meshsize: 64 } }).success).toBe(false);
  });

  it('measurePhotometry defaults to the mesh background and names a bad key', async () => {
    const W = 96, H = 96;
    const data = new Float32Array(W * H);
    for (let i = 0; i < data.length; i++) data[i] = 5 + 0.01 * (i % W) + Math.sin(i * 12.9898) * 0.5; // sky gradient + noise-like
    for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) data[(48 + y) * W + 48 + x] += 50 * Math.exp(-(x * x + y * y) / 3);
    const seg = new Int32Array(W * H);
    for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) seg[(48 + y) * W + 48 + x] = 1;
    const { Header } = await import('@asteris/fits');
    const h = new Header();
    h.set('BUNIT', 'nJy');
    const image = { width: W, height: H, data, header: h };
    const err = { width: W, height: H, data: new Float32Array(W * H).fill(0.5), header: h };
    const det = { sources: [{ id: 1, x: 48, y: 48, a: 1.5, b: 1.5, theta: 0, npix: 49, flux: 500 } as never], segmentation: seg };
    const cat = await measurePhotometry(det, [{ name: 'F444W', image, err }], { apertureRadii: [3], homogenise: false, noise: { nApertures: 60 } }, { pixelScale: 0.04 });
    expect((cat.meta as { bands: { background: string }[] }).bands[0]!.background).toBe('mesh');
    await expect(measurePhotometry(det, [{ name: 'F444W', image, err }], { background: 'median' } as never)).rejects.toThrow(/photometry\.background/);
  });

  it("measureOn: 'coadd' (default) or 'denoised' picks the band file; other values are refused (issue 14)", async () => {
    expect(MEASURE_ON).toEqual(['coadd', 'denoised']);
    for (const m of MEASURE_ON) expect(PhotometryConfigSchema.safeParse({ measureOn: m }).success, m).toBe(true);
    expect(PhotometryConfigSchema.safeParse({ measureOn: 'raw' }).success).toBe(false);
    const both = { coadd: 'co.fits', denoised: 'den.fits' };
    expect(photometryImage(both, undefined)).toBe('co.fits');
    expect(photometryImage(both, 'coadd')).toBe('co.fits');
    expect(photometryImage(both, 'denoised')).toBe('den.fits');
    expect(photometryImage({ coadd: 'co.fits' }, 'denoised')).toBe('co.fits'); // no denoised image: the co-add
    const h = new (await import('@asteris/fits')).Header();
    const img = { width: 8, height: 8, data: new Float32Array(64), header: h };
    await expect(measurePhotometry({ sources: [], segmentation: new Int32Array(64) }, [{ name: 'F444W', image: img, err: img }], { measureOn: 'raw' } as never)).rejects.toThrow(/photometry\.measureOn/);
  });
});
