// Catalogue product: exact columns, CSV ↔ FITS agreement, astropy read-back, non-detections, bad input.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  catalogueColumns, forcedPhotometry, magAB, magErrAB, parseCatalogueCsv, catalogueToCsv, PhotometryError, readCatalogueCsv,
  readCatalogueFits, writeCatalogueCsv, writeCatalogueFits, photometryRng,
} from '../src/index.ts';
import { makeImage } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'phot-cat-'));
const W = 200, H = 150;

function field(seed: number) {
  const r = photometryRng(seed);
  const sci = Float32Array.from({ length: W * H }, () => r.normal());
  const seg = new Int32Array(W * H);
  const sources = [
    { id: 1, x: 50, y: 50, a: 2, b: 1.5, theta: 30, kronRadius: 3.5, flags: 2, snr: 40 },
    { id: 2, x: 120.3, y: 80.7, a: 1.2, b: 1.1, theta: -10, kronRadius: 4.1, flags: 0, snr: 3 },
    { id: 3, x: 0.5, y: 149, a: 1, b: 1, theta: 0, kronRadius: 3.5, flags: 8, snr: 5 },   // at the edge
  ];
  for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) {
    sci[(50 + y) * W + 50 + x] += 20 * Math.exp(-(x * x + y * y) / 4);
    seg[(50 + y) * W + 50 + x] = 1;
    seg[(81 + y) * W + 120 + x] = 2;
  }
  // band 'F150W': source 2 has a strongly negative flux (a non-detection)
  const neg = sci.slice();
  for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) neg[(81 + y) * W + 120 + x] -= 5;
  return { sci, neg, seg, sources };
}

describe('catalogue columns and magnitudes', () => {
  it('has exactly the contract columns, in order', () => {
    expect(catalogueColumns(['F115W', 'F444W']).map((c) => c.name)).toEqual([
      'id', 'x', 'y', 'ra', 'dec', 'a', 'b', 'theta', 'kron_radius', 'flags', 'snr_det',
      'flux_F115W', 'fluxerr_F115W', 'mag_F115W', 'magerr_F115W',
      'flux_F444W', 'fluxerr_F444W', 'mag_F444W', 'magerr_F444W',
    ]);
  });
  it('AB magnitudes: 3631 Jy ↔ 0, 1 nJy ↔ 31.4; flux ≤ 0 → 99', () => {
    expect(magAB(3631e9)).toBeCloseTo(31.4 - 2.5 * Math.log10(3631e9), 12);
    expect(magAB(1)).toBe(31.4);
    expect(magAB(100)).toBeCloseTo(26.4, 12);
    expect(magAB(0)).toBe(99);
    expect(magAB(-3)).toBe(99);
    expect(magErrAB(10, 1)).toBeCloseTo(0.10857362, 8);
    expect(magErrAB(-10, 1)).toBe(99);
  });
  it('rejects bad and duplicate band names', () => {
    expect(() => catalogueColumns(['F115W', 'f115w'])).toThrow(PhotometryError);
    expect(() => catalogueColumns(['F1 15W'])).toThrow(/band name/);
  });
});

describe('forced photometry product', () => {
  const f = field(3);
  const cat = forcedPhotometry({ sources: f.sources, segmentation: f.seg }, [
    { name: 'F115W', image: makeImage(f.sci, W, H), nJyPerUnit: 10 },
    { name: 'F150W', image: makeImage(f.neg, W, H), nJyPerUnit: 10 },
  ], { noise: { nApertures: 200 }, pixelToSky: (x, y) => [34 + x * 1e-5, -5 + y * 1e-5] });

  it('non-detections keep their measured (negative) flux; mag/magerr = 99; flags carry edge truncation', () => {
    const r2 = cat.rows[1];
    expect(r2.flux_F150W).toBeLessThan(0);
    expect(Number.isFinite(r2.flux_F150W) && r2.fluxerr_F150W > 0).toBe(true);
    expect(r2.mag_F150W).toBe(99);
    expect(r2.magerr_F150W).toBe(99);
    expect(cat.rows[0].flux_F115W / cat.rows[0].fluxerr_F115W).toBeGreaterThan(5);
    expect(cat.rows[2].flags & 256).toBe(256);      // truncated aperture
    expect(cat.rows[2].flags & 8).toBe(8);          // detection flag kept
    expect(cat.rows[0].ra).toBeCloseTo(34 + 50e-5, 10);
  });

  it('CSV round trip is exact (including NaN and 99)', () => {
    const p = join(dir, 'cat.csv');
    writeCatalogueCsv(p, cat);
    const back = readCatalogueCsv(p);
    expect(back.bands).toEqual(['F115W', 'F150W']);
    expect(back.columns.map((c) => c.name)).toEqual(cat.columns.map((c) => c.name));
    back.rows.forEach((r, i) => { for (const c of cat.columns) expect(Object.is(r[c.name], cat.rows[i][c.name]) || r[c.name] === cat.rows[i][c.name], c.name).toBe(true); });
  });

  it('CSV and FITS table agree value for value; astropy reads the FITS table', () => {
    const pc = join(dir, 'cat2.csv'), pf = join(dir, 'cat2.fits');
    const withNaN = { ...cat, rows: cat.rows.map((r, i) => (i === 2 ? { ...r, ra: NaN } : r)) };
    writeCatalogueCsv(pc, withNaN);
    writeCatalogueFits(pf, withNaN);
    const a = readCatalogueCsv(pc), b = readCatalogueFits(pf);
    expect(b.columns.map((c) => c.name)).toEqual(a.columns.map((c) => c.name));
    a.rows.forEach((r, i) => { for (const c of a.columns) expect(b.rows[i][c.name], c.name).toEqual(r[c.name]); });
    const py = `
import sys, json
import numpy as np
from astropy.table import Table
t = Table.read(sys.argv[1])
print(json.dumps({'names': t.colnames, 'flux': [float(v) for v in t['flux_F150W']], 'id': [int(v) for v in t['id']],
                  'unit': str(t['flux_F115W'].unit), 'ra_nan': bool(np.isnan(np.ma.filled(t['ra'], np.nan)[2]))}))`;
    const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, pf], { encoding: 'utf8' }));
    expect(out.names).toEqual(a.columns.map((c) => c.name));
    expect(out.flux).toEqual(a.rows.map((r) => r.flux_F150W));
    expect(out.id).toEqual([1, 2, 3]);
    expect(out.unit).toBe('nJy');
    expect(out.ra_nan).toBe(true);
  });

  it('an empty detection list gives a valid empty catalogue in both formats', () => {
    const empty = forcedPhotometry({ sources: [], segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(f.sci, W, H), nJyPerUnit: 1 },
    ], { noise: { nApertures: 100 } });
    const pc = join(dir, 'empty-ok.csv'), pf = join(dir, 'empty-ok.fits');
    writeCatalogueCsv(pc, empty);
    writeCatalogueFits(pf, empty);
    expect(readCatalogueCsv(pc).rows).toEqual([]);
    const back = readCatalogueFits(pf);
    expect(back.rows).toEqual([]);
    expect(back.columns.map((c) => c.name)).toEqual(catalogueColumns(['F115W']).map((c) => c.name));
  });

  it('is deterministic: same inputs + seed → same bytes', () => {
    const again = forcedPhotometry({ sources: f.sources, segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(f.sci, W, H), nJyPerUnit: 10 },
      { name: 'F150W', image: makeImage(f.neg, W, H), nJyPerUnit: 10 },
    ], { noise: { nApertures: 200 }, pixelToSky: (x, y) => [34 + x * 1e-5, -5 + y * 1e-5] });
    const p1 = join(dir, 'd1.csv'), p2 = join(dir, 'd2.csv');
    writeCatalogueCsv(p1, cat); writeCatalogueCsv(p2, again);
    expect(readFileSync(p1, 'utf8')).toBe(readFileSync(p2, 'utf8'));
  });
});

describe('bad input gives clear typed errors', () => {
  const f = field(4);
  it('shape mismatch between detection and band', () => {
    expect(() => forcedPhotometry({ sources: f.sources, segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(new Float32Array(100 * 100), 100, 100), nJyPerUnit: 1 },
    ])).toThrow(/segmentation has 30000 pixels but band images are 100×100/);
    expect(() => forcedPhotometry({ sources: f.sources, segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(f.sci, W, H), nJyPerUnit: 1 },
      { name: 'F444W', image: makeImage(new Float32Array(W * (H - 1)), W, H - 1), nJyPerUnit: 1 },
    ])).toThrow(/band F444W: image is 200×149/);
  });
  it('a source with a NaN position is kept, unmeasured (NaN flux, flag 1024), not a crash', () => {
    const cat = forcedPhotometry({ sources: [...f.sources, { id: 9, x: NaN, y: 3, a: 1, b: 1, theta: 0, kronRadius: 3.5, flags: 0, snr: 1 }], segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(f.sci, W, H), nJyPerUnit: 1 },
    ], { noise: { nApertures: 100 } });
    const r = cat.rows[3];
    expect(Number.isNaN(r.flux_F115W) && Number.isNaN(r.mag_F115W)).toBe(true);
    expect(r.flags & 1024).toBe(1024);
    expect(Number.isFinite(cat.rows[0].flux_F115W)).toBe(true);
  });
  it('all-NaN band', () => {
    expect(() => forcedPhotometry({ sources: f.sources, segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(new Float32Array(W * H).fill(NaN), W, H), nJyPerUnit: 1 },
    ])).toThrow(PhotometryError);
  });
  it('image without flux units and no nJyPerUnit', () => {
    expect(() => forcedPhotometry({ sources: f.sources, segmentation: f.seg }, [
      { name: 'F115W', image: makeImage(f.sci, W, H) },
    ])).toThrow(/band F115W: cannot convert the image units to nJy/);
  });
  it('malformed CSV: missing columns, wrong field count, non-numbers', () => {
    expect(() => parseCatalogueCsv('id,x\n1,2\n', 'c.csv')).toThrow(/c.csv: missing catalogue column/);
    const head = catalogueColumns(['F115W']).map((c) => c.name).join(',');
    expect(() => parseCatalogueCsv(`${head}\n1,2,3\n`, 'c.csv')).toThrow(/line 2: 3 fields/);
    const bad = Array(15).fill('1'); bad[11] = 'abc';
    expect(() => parseCatalogueCsv(`${head}\n${bad.join(',')}\n`, 'c.csv')).toThrow(/not a number/);
    writeFileSync(join(dir, 'empty.csv'), '');
    expect(() => readCatalogueCsv(join(dir, 'empty.csv'))).toThrow(/empty catalogue/);
    expect(() => readCatalogueCsv(join(dir, 'nope.csv'))).toThrow(/nope.csv: cannot read catalogue/);
  });
  it('RFC 4180 input (quoted names, CRLF, comments, blank lines) reads like the plain form; errors name the physical line', () => {
    const cols = catalogueColumns(['F115W']).map((c) => c.name);
    const vals = cols.map((_, i) => String(i + 0.5));
    const plain = parseCatalogueCsv(`${cols.join(',')}\n${vals.join(',')}\n`, 'p.csv');
    const rfc = parseCatalogueCsv(`# written elsewhere\r\n${cols.map((c) => `"${c}"`).join(',')}\r\n\r\n${vals.join(',')}\r\n`, 'q.csv');
    expect(rfc).toEqual(plain);
    expect(catalogueToCsv(rfc)).toBe(catalogueToCsv(plain));
    expect(() => parseCatalogueCsv(`${cols.join(',')}\n\n${vals.join(',')},9\n`, 'r.csv')).toThrow(/^r\.csv: line 3: \d+ fields/);
  });
});
