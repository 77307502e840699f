// Every FITS file under data/external read by us and by astropy (at test time): shapes, sampled
// pixels, sums, and the whole Whitler+25 table must agree.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFits, readImage, nJyPerPixelScale, Wcs, type ImageHdu, type TableHdu } from '../src/index.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXT = join(ROOT, 'data', 'external');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.fits(\.gz)?$/.test(f) ? [p] : [];
  });
}
const FILES = walk(EXT).sort();

const PY = `
import json, sys, math, numpy as np
from astropy.io import fits
out = {}
for path in sys.argv[1:]:
    recs = []
    with fits.open(path) as hl:
        for h in hl:
            if h.is_image and h.data is not None:
                d = np.asarray(h.data, dtype=np.float64)
                flat = d.ravel()
                idx = np.linspace(0, flat.size - 1, 17).astype(int)
                fin = np.isfinite(flat)
                recs.append({'kind': 'image', 'shape': list(d.shape[::-1]), 'idx': idx.tolist(),
                             'vals': [None if not math.isfinite(v) else v for v in flat[idx].tolist()],
                             'sum': float(flat[fin].sum()), 'nfinite': int(fin.sum())})
            elif h.is_image:
                recs.append({'kind': 'image', 'shape': []})
            else:
                recs.append({'kind': 'table', 'nrows': len(h.data), 'names': list(h.columns.names)})
    out[path] = recs
print(json.dumps(out))
`;

describe('real files in data/external', () => {
  it('finds the expected files', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(16);
  });

  it('every file reads like astropy reads it', () => {
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY, ...FILES], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    for (const f of FILES) {
      const ours = readFits(f);
      const theirs = ref[f] as { kind: string; shape?: number[]; idx?: number[]; vals?: (number | null)[]; sum?: number; nfinite?: number; nrows?: number; names?: string[] }[];
      expect(ours.length, relative(ROOT, f)).toBe(theirs.length);
      ours.forEach((h, k) => {
        const t = theirs[k];
        expect(h.kind, `${f} HDU ${k}`).toBe(t.kind);
        if (h.kind === 'table') {
          expect(h.nrows).toBe(t.nrows);
          expect(Object.keys(h.columns)).toEqual(t.names);
          return;
        }
        const im = h as ImageHdu;
        if (!t.shape!.length) { expect(im.data).toBeNull(); return; }
        expect(im.shape).toEqual(t.shape);
        t.idx!.forEach((i, j) => {
          const want = t.vals![j];
          if (want === null) expect(Number.isFinite(im.data![i])).toBe(false);
          else expect(Math.abs(im.data![i] - want), `${f} pixel ${i}`).toBeLessThanOrEqual(Math.abs(want) * 1e-6);
        });
        let sum = 0, nfin = 0;
        for (const v of im.data!) if (Number.isFinite(v)) { sum += v; nfin++; }
        expect(nfin).toBe(t.nfinite);
        expect(Math.abs(sum - t.sum!)).toBeLessThanOrEqual(Math.abs(t.sum!) * 1e-6 + 1e-6);
      });
    }
  });

  it('SEP reference image: int16 with BSCALE/BZERO scaled to the documented range (6566–98215 ADU)', () => {
    const im = readImage(join(EXT, 'sep_sextractor_reference', 'image.fits'));
    let lo = Infinity, hi = -Infinity;
    for (const v of im.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(Math.round(lo)).toBe(6566);
    expect(Math.round(hi)).toBe(98215);
    expect(im.header.getString('ESO GEN PROJ ID')).toBe('000.00.000');
  });

  it('PRIMER-UDS cutout: WCS centre, 0.04"/px and 10 nJy pixel units (README)', () => {
    const im = readImage(join(EXT, 'mophongo_primer_uds_cutouts', 'uds-test-f115w_sci.fits'));
    const w = Wcs.fromHeader(im.header);
    const [ra, dec] = w.pixelToSky((im.width - 1) / 2, (im.height - 1) / 2);
    expect(ra).toBeCloseTo(34.3032, 3);
    expect(dec).toBeCloseTo(-5.1113, 3);
    expect(w.pixelScaleArcsec()).toBeCloseTo(0.04, 8);
    expect(nJyPerPixelScale(im.header)).toBe(10);
  });

  it('Whitler+25 table: 372 rows with typed columns', () => {
    const t = readFits(join(EXT, 'whitler2025_jades_z9_uvlf', 'whitler2025_highz_uvlf_catalog.fits'))[1] as TableHdu;
    expect(t.nrows).toBe(372);
    expect(t.columns.RA).toBeInstanceOf(Float64Array);
    expect((t.columns.ID as string[])[0]).toBe('JADES-GS+53.07171-27.91422');
    const z = Array.from(t.columns.zphot as Float64Array).filter(Number.isFinite);
    expect(z.length).toBeGreaterThan(300);
    expect(Math.min(...z)).toBeGreaterThan(7);
  });
});
