import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import {
  raToHms, decToDms, readCatalogueCsv, loadPreset, selectCandidates, writeFollowUpPackage, candidatesTable, tableToEcsv,
  renderStamp, parseImagesSpec, cutout, asinhStretch, type StampPanel, type SelectionResult,
} from '../src/index.ts';

const CEERS2 = new URL('../../../data/external/ceers_v0.2_highz_catalogs/CEERS_NIRCam2_v0.2-high-z.v0.1.csv', import.meta.url).pathname;
let cached: SelectionResult | undefined;
/** F115W-dropout selection of CEERS NIRCam2, computed once for the tests in this file. */
function ceers2(): SelectionResult {
  cached ??= selectCandidates(readCatalogueCsv(CEERS2), loadPreset('f115w-dropout'));
  return cached;
}

describe('follow-up package', () => {
  it('sexagesimal conversion agrees with astropy', () => {
    const vals: [number, number][] = [[150.1191667, 2.2058333], [53.1625, -27.7913889], [0.0001, -0.5], [359.99999, 89.999]];
    const py = `import json,sys
from astropy.coordinates import SkyCoord
import astropy.units as u
out=[]
for ra,dec in json.load(sys.stdin):
    c=SkyCoord(ra*u.deg,dec*u.deg)
    out.append([c.ra.to_string(u.hour,sep=':',precision=3,pad=True),c.dec.to_string(sep=':',precision=2,alwayssign=True,pad=True)])
print(json.dumps(out))`;
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(vals) }).toString()) as string[][];
    vals.forEach(([ra, dec], i) => {
      if (ref[i][0] !== '24:00:00.000') expect(raToHms(ra)).toBe(ref[i][0]);
      expect(decToDms(dec)).toBe(ref[i][1]);
    });
  });

  it('writes csv, ecsv (astropy-readable with units), DS9 regions and the MSA list for CEERS NIRCam2', async () => {
    const res = ceers2();
    const dir = mkdtempSync(join(tmpdir(), 'sel-'));
    await writeFollowUpPackage(res, dir);
    expect(readdirSync(dir).sort()).toEqual(['candidates.csv', 'candidates.ecsv', 'candidates.reg', 'msa_targets.txt', 'selection_log.csv']);
    const py = `import sys
from astropy.table import Table
t=Table.read(sys.argv[1],format='ascii.ecsv')
print(len(t), t['ra'].unit, t['flux_F277W'].unit, t['z_phot'].dtype.kind, t['id'][0], t.meta['preset'])`;
    const out = execFileSync('/usr/bin/python3', ['-c', py, join(dir, 'candidates.ecsv')]).toString().trim().split(' ');
    expect(Number(out[0])).toBe(res.candidates.length);
    expect(out.slice(1, 4)).toEqual(['deg', 'nJy', 'f']);
    expect(out[5]).toBe('f115w-dropout');
    const csv = readFileSync(join(dir, 'candidates.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(res.candidates.length + 1);
    expect(csv[0]).toMatch(/^rank,id,ra,dec,ra_hms,dec_dms,preset,priority_class,ref_band,ref_mag,snr_det,z_phot,z_lo68,z_hi68,p_z_gt7,dchi2/);
    const reg = readFileSync(join(dir, 'candidates.reg'), 'utf8');
    expect(reg).toMatch(/^# Region file format: DS9 version 4.1/);
    expect(reg.match(/^circle\(/gm)!.length).toBe(res.candidates.length);
    const msa = readFileSync(join(dir, 'msa_targets.txt'), 'utf8').trim().split('\n');
    expect(msa[0]).toBe('# ID RA DEC Priority_class Weight Magnitude Redshift Stellarity Label');
    const first = msa[2].split(' ');
    expect(Number.isInteger(Number(first[0]))).toBe(true);
    expect(Number(first[1])).toBeCloseTo(res.candidates[0].ra, 6);
    // priority order: class ascending then reference magnitude ascending
    const t = candidatesTable(res);
    const ci = t.columns.findIndex((c) => c.name === 'priority_class'), mi = t.columns.findIndex((c) => c.name === 'ref_mag');
    for (let i = 1; i < t.rows.length; i++) {
      const a = t.rows[i - 1], b = t.rows[i];
      expect((a[ci] as number) < (b[ci] as number) || ((a[ci] === b[ci]) && (a[mi] as number) <= (b[mi] as number))).toBe(true);
    }
    expect(tableToEcsv(t)).toMatch(/^# %ECSV 1\.0\n# ---\n# delimiter: ','/);
  });

  it('refuses a catalogue without RA/Dec before writing anything', async () => {
    const full = ceers2();
    const res = { ...full, all: full.all.map((c) => ({ ...c, ra: NaN, dec: NaN })), candidates: full.candidates.map((c) => ({ ...c, ra: NaN, dec: NaN })) };
    const dir = join(mkdtempSync(join(tmpdir(), 'sel-')), 'out');
    await expect(writeFollowUpPackage(res, dir)).rejects.toThrow(/no usable RA\/Dec/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a candidate with text or empty RA/Dec is left out of msa_targets.txt with a warning, never written as NaN', async () => {
    const full = ceers2();
    expect(full.candidates.length).toBeGreaterThanOrEqual(2);
    const bad = full.candidates[0].id;
    const fix = <T extends { id: string; ra: number; dec: number }>(c: T): T => (c.id === bad ? { ...c, ra: NaN, dec: NaN } : c);
    const res = { ...full, all: full.all.map(fix), candidates: full.candidates.map(fix) };
    const dir = mkdtempSync(join(tmpdir(), 'sel-'));
    const warnings: string[] = [];
    await writeFollowUpPackage(res, dir, { warn: (m) => warnings.push(m) });
    const msa = readFileSync(join(dir, 'msa_targets.txt'), 'utf8');
    expect(msa).not.toMatch(/NaN/);
    expect(msa.trim().split('\n').length).toBe(2 + full.candidates.length - 1);
    expect(warnings).toEqual([`1 candidate(s) left out of msa_targets.txt: RA/Dec not finite decimal degrees (ids ${bad})`]);
  });

  it('stamps: one PNG, bands × (co-add, denoised), same asinh scale across panels', () => {
    const n = 15;
    const mk = (amp: number, noise: number): Float32Array => {
      const d = new Float32Array(n * n);
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
        d[y * n + x] = amp * Math.exp(-((x - 7) ** 2 + (y - 7) ** 2) / 4) + noise * Math.sin(x * 12.9898 + y * 78.233);
      }
      return d;
    };
    const panels: StampPanel[] = [
      { band: 'F150W', kind: 'coadd', data: mk(5, 1), width: n, height: n },
      { band: 'F277W', kind: 'coadd', data: mk(50, 1), width: n, height: n },
      { band: 'F150W', kind: 'denoised', data: mk(5, 0.2), width: n, height: n },
      { band: 'F277W', kind: 'denoised', data: mk(50, 0.2), width: n, height: n },
    ];
    const png = PNG.sync.read(renderStamp(panels, ['F150W', 'F277W'], 2));
    expect(png.width).toBe(2 * (n * 2 + 4) + 4);
    expect(png.height).toBe(2 * (n * 2 + 4) + 4);
    // centre pixel of the brighter band is darker (same stretch): panel (col, row) centre
    const centre = (col: number, row: number) => png.data[((4 + row * (2 * n + 4) + n) * png.width + (4 + col * (2 * n + 4) + n)) * 4];
    expect(centre(1, 0)).toBeLessThan(centre(0, 0));
    expect(centre(1, 1)).toBeLessThan(centre(0, 1));
    expect(asinhStretch(10, 0, 10, 1)).toBe(1);
    expect(asinhStretch(-5, 0, 10, 1)).toBe(0);
    const c = cutout(Float32Array.from([1, 2, 3, 4]), 2, 2, 0, 0, 3);
    expect(Array.from(c).map((v) => (Number.isNaN(v) ? -1 : v))).toEqual([-1, -1, -1, -1, 1, 2, -1, 3, 4]);
    expect(parseImagesSpec('F200W=a.fits, F200W:denoised=b.fits')).toEqual([
      { band: 'F200W', kind: 'coadd', path: 'a.fits' }, { band: 'F200W', kind: 'denoised', path: 'b.fits' }]);
    expect(() => parseImagesSpec('F200W')).toThrow(/not BAND=path/);
    expect(() => parseImagesSpec('F200W:raw=x.fits')).toThrow(/must be coadd or denoised/);
  });
});

describe('postage stamps from FITS images', () => {
  it('writes stamps/<id>.png per candidate with co-add and denoised rows (via @asteris/fits)', async () => {
    const { Header, tanWcs, writeImage } = await import('@asteris/fits');
    const res = ceers2();
    const c0 = res.candidates[0];
    const dir = mkdtempSync(join(tmpdir(), 'stamps-'));
    const W = 120, H = 100;
    const wcs = tanWcs({ crval: [c0.ra, c0.dec], crpix0: [60, 50], scaleArcsec: 0.04 });
    const spec: string[] = [];
    for (const [band, amp] of [['F150W', 3], ['F277W', 10]] as const) {
      for (const kind of ['coadd', 'denoised'] as const) {
        const h = new Header();
        wcs.toHeader(h);
        h.set('BUNIT', 'nJy');
        const data = new Float32Array(W * H);
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
          data[y * W + x] = amp * Math.exp(-((x - 60) ** 2 + (y - 50) ** 2) / 8) + (kind === 'coadd' ? 0.5 : 0.1) * Math.sin(x * 1.7 + y * 3.1);
        }
        const path = join(dir, `${band}_${kind}.fits`);
        writeImage(path, { width: W, height: H, data, header: h });
        spec.push(`${band}${kind === 'denoised' ? ':denoised' : ''}=${path}`);
      }
    }
    const out = join(dir, 'pkg');
    await writeFollowUpPackage(res, out, { images: spec.join(',') });
    const pngs = readdirSync(join(out, 'stamps')).sort();
    expect(pngs).toEqual(res.candidates.map((c) => `${c.id}.png`).sort());
    const png = PNG.sync.read(readFileSync(join(out, 'stamps', `${c0.id}.png`)));
    const side = Math.round(2 / 0.04) | 1; // 2″ stamp → 51 px, zoom 3
    expect(png.width).toBe(2 * (side * 3 + 4) + 4);
    expect(png.height).toBe(2 * (side * 3 + 4) + 4);
    // the source sits at the stamp centre and is darker (brighter flux) in F277W than in F150W
    const centre = (col: number, row: number) => png.data[((4 + row * (side * 3 + 4) + (side * 3 >> 1)) * png.width + (4 + col * (side * 3 + 4) + (side * 3 >> 1))) * 4];
    expect(centre(1, 0)).toBeLessThan(centre(0, 0));
    expect(centre(0, 0)).toBeLessThan(200);
    await expect(writeFollowUpPackage(res, join(dir, 'bad'), { images: `F150W=${join(dir, 'missing.fits')}` })).rejects.toThrow(/missing\.fits/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });
});
