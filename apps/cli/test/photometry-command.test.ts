// `asteris photometry` end to end on small synthetic FITS files (WCS, BUNIT nJy, a PSF file per band).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header, tanWcs, writeFits, writeImage } from '@asteris/fits';
import { parseBandSpec, runPhotometry } from '../src/commands/photometry.ts';
import { photometryRng, readCatalogueCsv, readCatalogueFits } from '@asteris/photometry';

const dir = mkdtempSync(join(tmpdir(), 'phot-cli-'));
const W = 160, H = 140;

function gauss(s: number, size: number): Float32Array {
  const c = (size - 1) / 2, d = new Float32Array(size * size);
  let t = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) { d[y * size + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (2 * s * s)); t += d[y * size + x]; }
  return d.map((v) => v / t);
}

function write(name: string, sigmaPsf: number, seed: number): { sci: string; psf: string; rms: string } {
  const r = photometryRng(seed);
  const data = Float32Array.from({ length: W * H }, () => r.normal());
  const p = gauss(sigmaPsf, 25);
  for (const [x0, y0, f] of [[40, 40, 400], [110, 60, 250], [70, 105, 150]]) {
    for (let y = 0; y < 25; y++) for (let x = 0; x < 25; x++) data[(y0 - 12 + y) * W + x0 - 12 + x] += f * p[y * 25 + x];
  }
  const h = new Header();
  h.set('BUNIT', 'nJy');
  tanWcs({ crval: [34.3, -5.1], crpix0: [80, 70], scaleArcsec: 0.04 }).toHeader(h);
  const sci = join(dir, `${name}_sci.fits`), psf = join(dir, `${name}_psf.fits`), rms = join(dir, `${name}_rms.fits`);
  writeImage(sci, { width: W, height: H, data, header: h });
  writeImage(rms, { width: W, height: H, data: new Float32Array(W * H).fill(1), header: h });
  writeFits(psf, [{ data: p, shape: [25, 25] }]);
  return { sci, psf, rms };
}

const a = write('F150W', 1.0, 1);
const b = write('F444W', 2.0, 2);

describe('asteris photometry (CLI)', () => {
  it('parses band specs and rejects bad ones with usage errors', () => {
    expect(parseBandSpec('F115W=a.fits,wht=w.fits,psf=p.fits,psfscale=0.0078,psfplane=3')).toEqual(
      { name: 'F115W', sci: 'a.fits', wht: 'w.fits', psf: 'p.fits', psfscale: 0.0078, psfplane: 3 });
    expect(() => parseBandSpec('F115W')).toThrow(/expected NAME=image.fits/);
    expect(() => parseBandSpec('F115W=a.fits,foo=1')).toThrow(/unknown or empty option 'foo=1'/);
    expect(() => parseBandSpec('F115W=a.fits,err=e.fits,wht=w.fits')).toThrow(/not both/);
    expect(() => parseBandSpec('F115W=a.fits,psfplane=-1')).toThrow(/invalid psfplane/);
  });

  it('writes CSV + FITS + meta with the contract columns, RA/Dec from the WCS, PSF-matched to F444W', async () => {
    const out = join(dir, 'cat.csv');
    const logs: string[] = [];
    const written = await runPhotometry({
      detect: `${b.sci},err=${b.rms}`,
      band: [`F150W=${a.sci},err=${a.rms},psf=${a.psf}`, `F444W=${b.sci},err=${b.rms},psf=${b.psf}`],
      out, fits: join(dir, 'cat.fits'), nEmpty: '200', eeTable: 'none',
    }, (s) => logs.push(s));
    expect(written.every((p) => existsSync(p))).toBe(true);
    const cat = readCatalogueCsv(out);
    expect(cat.bands).toEqual(['F150W', 'F444W']);
    expect(cat.rows.length).toBeGreaterThanOrEqual(3);
    const fitsCat = readCatalogueFits(join(dir, 'cat.fits'));
    expect(fitsCat.rows.map((r) => r.flux_F444W)).toEqual(cat.rows.map((r) => r.flux_F444W));
    const bright = cat.rows.reduce((p, r) => (r.flux_F444W > p.flux_F444W ? r : p));
    expect(bright.ra).toBeCloseTo(34.3 + ((80 - 40) * 0.04) / 3600 / Math.cos((5.1 * Math.PI) / 180), 4);
    expect(bright.dec).toBeCloseTo(-5.1 + ((40 - 70) * 0.04) / 3600, 4);
    // Gaussian PSFs, no EE table: total fluxes of the 400 nJy source agree between the two bands
    expect(Math.abs(bright.flux_F150W / 400 - 1)).toBeLessThan(0.1);
    expect(Math.abs(bright.flux_F444W / 400 - 1)).toBeLessThan(0.1);
    const meta = JSON.parse(readFileSync(join(dir, 'cat.meta.json'), 'utf8'));
    expect(meta.targetBand).toBe('F444W');
    expect(logs.join('')).toMatch(/PSF-matched to F444W/);
    // default sky subtraction is the photometry stage's: the masked mesh background (issue 13)
    expect(meta.bands.map((m: { background: string }) => m.background)).toEqual(['mesh', 'mesh']);
    expect(logs.join('')).toMatch(/mesh background/);
  });

  it('--background local|empty-median|none reach the photometry (mode in the meta); anything else is a usage error', async () => {
    for (const mode of ['local', 'empty-median', 'none']) {
      const out = join(dir, `bg-${mode}.csv`);
      await runPhotometry({ detect: `${b.sci},err=${b.rms}`, band: [`F444W=${b.sci},err=${b.rms},psf=${b.psf}`], out, nEmpty: '100', eeTable: 'none', background: mode }, () => {});
      const meta = JSON.parse(readFileSync(join(dir, `bg-${mode}.meta.json`), 'utf8'));
      expect(meta.bands[0].background, mode).toBe(mode);
    }
    await expect(runPhotometry({ detect: b.sci, band: [`F444W=${b.sci}`], out: join(dir, 'x.csv'), background: 'median' }))
      .rejects.toThrow(/--background must be one of mesh, local, empty-median, none \(got 'median'\)/);
  });

  it('bad inputs fail with clear messages', async () => {
    await expect(runPhotometry({ detect: b.sci, band: [], out: join(dir, 'x.csv') })).rejects.toThrow(/at least one --band/);
    await expect(runPhotometry({ detect: b.sci, band: [`F444W=${b.sci}`], out: join(dir, 'x.txt') })).rejects.toThrow(/--out must end in .csv or .fits/);
    await expect(runPhotometry({ detect: b.sci, band: [`F444W=${b.sci}`], out: join(dir, 'x.csv'), total: 'auto' })).rejects.toThrow(/--total/);
    await expect(runPhotometry({ detect: join(dir, 'missing.fits'), band: [`F444W=${b.sci}`], out: join(dir, 'x.csv') })).rejects.toThrow(/missing.fits/);
  });
});
