// Runs the real `asteris` binary (node apps/cli/bin/asteris.mjs) on the real files in data/external.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'asteris.mjs');
const EXT = join(ROOT, 'data', 'external');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('asteris fits', () => {
  it('info summarises the PRIMER-UDS cutout, the SEP image and the Whitler+25 table', () => {
    const r = run('fits', 'info',
      join(EXT, 'mophongo_primer_uds_cutouts', 'uds-test-f115w_sci.fits'),
      join(EXT, 'sep_sextractor_reference', 'image.fits'),
      join(EXT, 'whitler2025_jades_z9_uvlf', 'whitler2025_highz_uvlf_catalog.fits'),
      join(EXT, 'mophongo_primer_uds_cutouts', 'uds-test-LW_seg.fits'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // UDS: 1000×820 float32 at 0.04"/px, centre RA 34.3032 Dec −5.1113 (data/external README)
    expect(r.out).toMatch(/0\s+PRIMARY\s+PrimaryHDU\s+-32\s+1000 x 820\s+10\.0\*nanoJansky\s+F115W\s+TAN centre 34\.3032\d+ -5\.1113\d+ 0\.0400"\/px/);
    // SEP: 256×256 int16 (BSCALE/BZERO)
    expect(r.out).toMatch(/0\s+PRIMARY\s+PrimaryHDU\s+16\s+256 x 256/);
    // Whitler+25: 372 rows × 17 columns binary table
    expect(r.out).toMatch(/1\s+-\s+BinTableHDU\s+8\s+372R x 17C/);
    expect(r.out).toMatch(/0\s+SEGMAP\s+PrimaryHDU\s+32\s+1000 x 820/);
  });

  it('info on every FITS file in data/external succeeds', () => {
    const files = [
      'mophongo_primer_uds_cutouts/psf/STDPSF_NRCAL_F444W.fits', 'mophongo_primer_uds_cutouts/psf/UDS_NRCA1_F115W_DET_GRID25.fits',
      'mophongo_primer_uds_cutouts/uds-test-f444w_psf.fits', 'sep_sextractor_reference/back.fits', 'sep_sextractor_reference/rms.fits',
    ].map((f) => join(EXT, f));
    const r = run('fits', 'info', ...files);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/101 x 101 x 25/);
    expect(r.out).toMatch(/65 x 65 x 25/);
    expect(r.out).toMatch(/non-standard keyword 'NXPSFs'/);
  });

  it('header prints the cards of one HDU selected by index or name', () => {
    const r = run('fits', 'header', join(EXT, 'sep_sextractor_reference', 'image.fits'), '--hdu', '0');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('SIMPLE  =                    T / file does conform to FITS standard');
    expect(r.out).toMatch(/^BSCALE  =        2\.92273835509/m);
    expect(r.out).toMatch(/^HIERARCH ESO GEN ID = 'ARC-0001\/1\.2'/m);
    expect(r.out.trimEnd().endsWith('END')).toBe(true);
  });

  it('bad input gives one clear error line and exit code 1', () => {
    const r = run('fits', 'info', join(ROOT, 'package.json'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/asteris: error: .*package\.json: not a FITS file/);
    const r2 = run('fits', 'header', join(EXT, 'sep_sextractor_reference', 'image.fits'), '--hdu', 'SCI');
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/no HDU named 'SCI'/);
    const r3 = run('fits', 'info', join(ROOT, 'does-not-exist.fits'));
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/does-not-exist.fits: no such file/);
  });
});
