// `asteris psf` end to end: a co-add of the independent generator (Moffat β = 2.5 PSF, 0.04″/px) written
// as FITS with a WCS → psf/F200W.fits in the field format (unit-sum primary at the image scale, header
// keys, oversampled ePSF extension), FWHM equal to the true one; bad input → one clear error naming the file.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Header, readFits, readImage, tanWcs, writeImage, type ImageHdu } from '@asteris/fits';
import { runPsf } from '../../../apps/cli/src/commands/psf.ts';
import { psfFwhmPixels } from '../src/index.ts';
import { coadd, generateIndependentField, psfStamp } from '../../../tests/independent-sim/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'psf-cli-'));
const W = 256, H = 256;
const psfSpec = { kind: 'moffat' as const, fwhmPx: 3.4, beta: 2.5 };
const f = generateIndependentField({ seed: 8, width: W, height: H, pixelScale: 0.04, nPoint: 25, nSersic: 5,
  fluxMin: 3000, fluxMax: 30000, nExposures: 2, bands: [{ name: 'F200W', psf: psfSpec, sky: 10, sigma: 1 }] });
const c = coadd(f, 'F200W');
const h = new Header();
h.set('BUNIT', 'nJy');
h.set('FILTER', 'F200W');
tanWcs({ crval: [34.3, -5.1], crpix0: [128, 128], scaleArcsec: 0.04 }).toHeader(h);
const sci = join(dir, 'f200w_sci.fits'), err = join(dir, 'f200w_err.fits'), bad = join(dir, 'bad_err.fits');
writeImage(sci, { width: W, height: H, data: c.sci, header: h });
writeImage(err, { width: W, height: H, data: c.err, header: h });
writeImage(bad, { width: 50, height: 40, data: new Float32Array(2000).fill(1), header: new Header() });

describe('asteris psf (CLI)', () => {
  it('writes psf/<BAND>.fits: unit sum, PIXELSCL, OVERSAMP extension, true FWHM within 5 %', async () => {
    const out = join(dir, 'field', 'psf', 'F200W.fits');
    const r = await runPsf(sci, { out, err, oversample: '3', size: '31' });
    expect(r.nStars).toBeGreaterThanOrEqual(5);
    const p = readImage(out);
    expect([p.width, p.height]).toEqual([31, 31]);
    expect(p.header.get('PIXELSCL')).toBeCloseTo(0.04, 6);
    expect(p.header.get('OVERSAMP')).toBe(1);
    expect(p.header.get('FILTER')).toBe('F200W');
    let s = 0; for (const v of p.data) s += v;
    expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    const hdus = readFits(out);
    const ext = hdus.find((x) => x.kind === 'image' && x.header.get('EXTNAME') === 'OVERSAMP') as ImageHdu;
    expect(ext.header.get('OVERSAMP')).toBe(3);
    expect(ext.shape[0]).toBe(93);
    const fT = psfFwhmPixels({ data: psfStamp(psfSpec, 31), size: 31 });
    const fO = psfFwhmPixels({ data: Float64Array.from(p.data), size: 31 });
    console.log(`asteris psf: ${r.nStars} stars, FWHM ${fO.toFixed(3)} px vs true ${fT.toFixed(3)}`);
    expect(Math.abs(fO / fT - 1)).toBeLessThan(0.05);
  });

  it('bad input: a wrong-shape error map names the file; no output written', async () => {
    const out = join(dir, 'bad', 'F200W.fits');
    await expect(runPsf(sci, { out, err: bad })).rejects.toThrow(/bad_err\.fits is 50×40/);
    await expect(runPsf(sci, { out, oversample: '5' })).rejects.toThrow(/--oversample/);
    await expect(runPsf(sci, { out, size: '30' })).rejects.toThrow(/--size/);
    expect(existsSync(out)).toBe(false);
  });

  it('the real binary: one line on stdout, exit 0; missing image → one error line naming it', () => {
    const bin = fileURLToPath(new URL('../../../apps/cli/bin/asteris.mjs', import.meta.url));
    const out = join(dir, 'bin', 'F200W.fits');
    const ok = spawnSync(process.execPath, [bin, 'psf', sci, '--err', err, '--out', out, '--quiet'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^psf: \d+ stars, FWHM [\d.]+ px/);
    expect(existsSync(out)).toBe(true);
    const miss = spawnSync(process.execPath, [bin, 'psf', join(dir, 'nope.fits'), '--out', join(dir, 'x.fits')], { encoding: 'utf8' });
    expect(miss.status).not.toBe(0);
    expect(miss.stderr).toMatch(/nope\.fits/);
    expect(miss.stderr).not.toMatch(/at .*\.ts:\d+/);
    rmSync(dir, { recursive: true, force: true });
  });
});
