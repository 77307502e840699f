// Files written by astropy (test/fixtures/make_fixtures.py) read by our reader; expected values are
// what astropy itself read back from the same files (expected.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Header, readFits, readImage, Wcs, type ImageHdu, type TableHdu } from '../src/index.ts';

const FIX = join(import.meta.dirname, 'fixtures');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));

type J = number | null | string;
function fromJson(v: J): number {
  if (v === null) return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

/** Max |a−b| relative to max(1,|b|); NaN must match NaN, ±inf must match exactly. */
function compare(actual: ArrayLike<number>, want: J[]): number {
  expect(actual.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = fromJson(want[i]);
    const a = actual[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(a, w) && !(Number.isNaN(a) && Number.isNaN(w))) throw new Error(`index ${i}: got ${a}, want ${w}`);
      continue;
    }
    worst = Math.max(worst, Math.abs(a - w) / Math.max(1, Math.abs(w)));
  }
  return worst;
}

describe('astropy-written images', () => {
  for (const [name, hdus] of Object.entries(expected.images) as [string, { hdu: number; shape: number[]; data: J[]; zcmptype?: string }[]][]) {
    it(`reads ${name}`, () => {
      const got = readFits(join(FIX, name));
      for (const e of hdus) {
        const h = got[e.hdu] as ImageHdu;
        expect(h.kind).toBe('image');
        expect(h.shape).toEqual(e.shape);
        if (e.zcmptype) expect(h.compression).toBe(e.zcmptype.trim());
        // float32 precision for float32 outputs, exact (1e-15) for float64/integers
        const tol = h.data instanceof Float32Array ? 1e-6 : 1e-12;
        expect(compare(h.data!, e.data)).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('readImage defaults to SCI in a multi-extension file and finds ERR/DQ by name', () => {
    const f = join(FIX, 'mef.fits');
    const sci = readImage(f);
    expect(sci.header.getString('EXTNAME')).toBe('SCI');
    expect(readImage(f, { hdu: 'dq' }).data[5]).toBe(5);
    expect(readImage(f, { hdu: 2 }).data[1]).toBeCloseTo(0.1, 6);
    expect(() => readImage(f, { hdu: 'WHT' })).toThrow(/no HDU named 'WHT'/);
  });
});

describe('astropy-written tables', () => {
  for (const [name, e] of Object.entries(expected.tables) as [string, { hdu: number; nrows: number; columns: Record<string, J[] | string[] | boolean[]> }][]) {
    it(`reads ${name}`, () => {
      const t = readFits(join(FIX, name))[e.hdu] as TableHdu;
      expect(t.kind).toBe('table');
      expect(t.nrows).toBe(e.nrows);
      expect(Object.keys(t.columns)).toEqual(Object.keys(e.columns));
      for (const [col, want] of Object.entries(e.columns)) {
        const got = t.columns[col];
        if (typeof want[0] === 'string' && Array.isArray(got)) {
          // trailing blanks are not significant in FITS strings (§7.3.3.1); astropy keeps them in ASCII tables
          expect(got).toEqual((want as string[]).map((s) => s.trimEnd()));
        } else if (typeof want[0] === 'boolean') {
          expect(got).toEqual(want);
        } else {
          expect(compare(got as Float64Array, want as J[]), col).toBeLessThanOrEqual(1e-7);
        }
      }
    });
  }
  it('keeps TUNIT and repeat counts', () => {
    const t = readFits(join(FIX, 'bintable.fits'))[1] as TableHdu;
    expect(t.columnInfo.find((c) => c.name === 'e')?.unit).toBe('nJy');
    expect(t.columnInfo.find((c) => c.name === 'vec')?.repeat).toBe(3);
    expect(t.columns.u16).toBeInstanceOf(Uint16Array);
  });
});

describe('astropy-written headers', () => {
  it('reads quotes, CONTINUE, HIERARCH, COMMENT and HISTORY as astropy does', () => {
    const e = expected.headers['headers.fits'];
    const h = readFits(join(FIX, 'headers.fits'))[0].header;
    for (const [k, v] of Object.entries(e.values)) expect(h.get(k), k).toEqual(v);
    for (const [k, v] of Object.entries(e.hierarch)) expect(h.get(k), k).toEqual(v);
    expect(h.comments().map((s) => s.trim())).toEqual(e.comments.map((s: string) => s.trim()));
    expect(h.history().map((s) => s.trim())).toEqual(e.history.map((s: string) => s.trim()));
    expect(h.getComment('EXPTIME')).toBe(e.comment_of.EXPTIME);
  });
});

describe('WCS agrees with astropy.wcs', () => {
  for (const [name, e] of Object.entries(expected.wcs) as [string, { pix: number[][]; sky: number[][]; sky2: number[][]; pix2: number[][]; scale_arcsec: number; area_sr: number }][]) {
    it(`${name}: pixel→sky and sky→pixel within 1e-6 px`, () => {
      const hdr = readFits(join(FIX, name))[0].header;
      const w = Wcs.fromHeader(hdr, name);
      let worstPix = 0;
      let worstSky = 0;
      e.pix.forEach(([x, y], i) => {
        const [ra, dec] = w.pixelToSky(x, y);
        const [era, edec] = e.sky[i];
        let dra = Math.abs(ra - era);
        if (dra > 180) dra = 360 - dra;
        // sky error in pixels
        const errDeg = Math.hypot(dra * Math.cos((edec * Math.PI) / 180), dec - edec);
        worstSky = Math.max(worstSky, (errDeg * 3600) / e.scale_arcsec);
        // and the inverse on astropy's sky positions
        const [x2, y2] = w.skyToPixel(era, edec);
        worstPix = Math.max(worstPix, Math.hypot(x2 - x, y2 - y));
      });
      e.sky2.forEach(([ra, dec], i) => {
        const [x, y] = w.skyToPixel(ra, dec);
        worstPix = Math.max(worstPix, Math.hypot(x - e.pix2[i][0], y - e.pix2[i][1]));
      });
      expect(worstSky).toBeLessThan(1e-6);
      expect(worstPix).toBeLessThan(1e-6);
      expect(w.pixelScaleArcsec()).toBeCloseTo(e.scale_arcsec, 10);
      expect(w.pixelAreaSr() / e.area_sr).toBeCloseTo(1, 12);
    });
  }

  it('SIP WCS survives toHeader → fromHeader', () => {
    const w = Wcs.fromHeader(readFits(join(FIX, 'wcs_sip.fits'))[0].header);
    const h = new Header();
    w.toHeader(h);
    expect(h.getString('CTYPE1')).toBe('RA---TAN-SIP');
    const w2 = Wcs.fromHeader(h);
    for (const [x, y] of [[0, 0], [2000, 1500], [-40, 900]]) {
      expect(w2.pixelToSky(x, y)).toEqual(w.pixelToSky(x, y));
    }
  });
});
