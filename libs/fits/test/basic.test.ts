import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FitsError, Header, Wcs, abZeroPointMJySr, encodeFits, nJyPerPixelScale, parseFits, readFits, readImage, tanWcs,
  writeFits, writeImage, writeTable,
} from '../src/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fits-basic-'));

function card(s: string): string {
  return s.padEnd(80);
}
function headerBytes(cards: string[]): Uint8Array {
  return new TextEncoder().encode([...cards, 'END'].map(card).join(''));
}

describe('Header', () => {
  it('parses values, quotes, comments, CONTINUE and HIERARCH', () => {
    const h = Header.parse(headerBytes([
      "SIMPLE  =                    T / conforms",
      "BITPIX  =                  -32",
      "NAXIS   =                    0",
      "OBJECT  = 'O''Brien field'     / quoted ' escaped",
      "EXPTIME =            1.5D+03 / D exponent",
      "NCOMB   =                  -12",
      "EMPTY   =",
      "LONGSTR = 'This is a long string that will be continued over several&'",
      "CONTINUE  ' cards of the header&'",
      "CONTINUE  ' to the end' / long comment",
      "HIERARCH ESO DET CHIP ID = 'CCD-44' / chip",
      "COMMENT  hello world",
      "HISTORY  step 1",
      "lowkey  =                    3",
      "NOSPACE ='tight'",
    ]));
    expect(h.get('NOSPACE')).toBe('tight');
    expect(h.get('SIMPLE')).toBe(true);
    expect(h.get('BITPIX')).toBe(-32);
    expect(h.getString('OBJECT')).toBe("O'Brien field");
    expect(h.getComment('OBJECT')).toBe("quoted ' escaped");
    expect(h.getNumber('EXPTIME')).toBe(1500);
    expect(h.get('NCOMB')).toBe(-12);
    expect(h.get('EMPTY')).toBeNull();
    expect(h.getString('LONGSTR')).toBe('This is a long string that will be continued over several cards of the header to the end');
    expect(h.getString('ESO DET CHIP ID')).toBe('CCD-44');
    expect(h.comments()).toEqual([' hello world']);
    expect(h.history()).toEqual([' step 1']);
    expect(h.get('LOWKEY')).toBe(3);
    expect(h.warnings.some((w) => w.includes('lowkey'))).toBe(true);
  });

  it('lookups stay correct on large headers through set/delete/insertAfter/push', () => {
    const h = new Header();
    for (let i = 0; i < 200; i++) h.set(`K${i}`, i);
    expect(h.get('K150')).toBe(150);
    h.delete('K150');
    expect(h.get('K150')).toBeUndefined();
    h.set('K150', 'again');
    expect(h.get('K150')).toBe('again');
    h.insertAfter('K3', 'NEWKEY', 1.5);
    expect(h.keys()[4]).toBe('NEWKEY');
    expect(h.get('NEWKEY')).toBe(1.5);
    h.cards.push({ key: 'PUSHED', value: true });
    expect(h.get('PUSHED')).toBe(true);
    h.set('K0', -1);
    expect(h.get('k0')).toBe(-1);
    expect(h.clone().get('K199')).toBe(199);
  });

  it('serializes and re-parses to the same values (long strings, quotes, hierarch, numbers)', () => {
    const h = new Header();
    const long = "x'".repeat(70) + ' end';
    h.set('LONG', long, 'a comment');
    h.set('Q', "it's");
    h.set('F', 1e-8);
    h.set('G', 0.1 + 0.2);
    h.set('I', 123456789);
    h.set('B', false);
    h.set('ESO VERY LONG KEYWORD', 4.5);
    h.addHistory('made by test');
    const bytes = h.toBytes();
    expect(bytes.length % 2880).toBe(0);
    const r = Header.parse(bytes);
    expect(r.get('LONG')).toBe(long);
    expect(r.get('Q')).toBe("it's");
    expect(r.get('F')).toBe(1e-8);
    expect(r.get('G')).toBe(0.1 + 0.2);
    expect(r.get('I')).toBe(123456789);
    expect(r.get('B')).toBe(false);
    expect(r.get('ESO VERY LONG KEYWORD')).toBe(4.5);
    expect(r.history()).toEqual(['made by test']);
    for (const c of h.toCards()) expect(c.length).toBe(80);
  });
});

describe('images', () => {
  const w = 7, hgt = 5;
  const f32 = Float32Array.from({ length: w * hgt }, (_, i) => (i - 10) * 0.25);
  f32[3] = NaN;

  it('round-trips float32, float64, int16 (with BZERO), int32, uint8 through our writer and reader', () => {
    const path = join(tmp, 'types.fits');
    const f64 = Float64Array.from(f32, (v) => v * 1e-7);
    const i16 = Int16Array.from({ length: w * hgt }, (_, i) => i * 1000 - 17000);
    const u16 = Uint16Array.from({ length: w * hgt }, (_, i) => i * 1800);
    const i32 = Int32Array.from({ length: w * hgt }, (_, i) => i * 60_000_000 - 1_000_000_000);
    const u8 = Uint8Array.from({ length: w * hgt }, (_, i) => i * 7);
    writeFits(path, [
      { data: f32, shape: [w, hgt] },
      { data: f64, shape: [w, hgt], name: 'D' },
      { data: i16, shape: [w, hgt], name: 'I16' },
      { data: u16, shape: [w, hgt], name: 'U16' },
      { data: i32, shape: [w, hgt], name: 'I32' },
      { data: u8, shape: [w, hgt], name: 'U8' },
      { data: f32, shape: [w, hgt], name: 'Q16', bitpix: 16, bscale: 0.25, bzero: 0 },
    ]);
    const hdus = readFits(path);
    expect(hdus.map((h) => h.name)).toEqual(['PRIMARY', 'D', 'I16', 'U16', 'I32', 'U8', 'Q16']);
    const data = (i: number) => (hdus[i] as { data: Float32Array | Float64Array }).data;
    expect(Array.from(data(0))).toEqual(Array.from(f32));
    expect(Array.from(data(1))).toEqual(Array.from(f64));
    expect(Array.from(data(2))).toEqual(Array.from(i16));
    expect(Array.from(data(3))).toEqual(Array.from(u16));
    expect(hdus[3].header.get('BZERO')).toBe(32768);
    expect(Array.from(data(4))).toEqual(Array.from(i32));
    expect(Array.from(data(5))).toEqual(Array.from(u8));
    expect(Array.from(data(6))).toEqual(Array.from(f32)); // multiples of 0.25, NaN → BLANK → NaN
    expect(hdus[6].header.get('BLANK')).toBe(-32768);
    expect(readImage(path, { hdu: 'i16' }).data[0]).toBe(-17000);
    // no temp file left behind
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('readImage picks SCI, carries header cards and writes SCI ext with extras', () => {
    const h = new Header();
    h.set('BUNIT', 'MJy/sr');
    h.set('FILTER', 'F200W');
    const path = join(tmp, 'sci.fits');
    writeImage(path, { width: w, height: hgt, data: f32, header: h }, [{ name: 'ERR', data: f32, shape: [w, hgt] }]);
    const im = readImage(path);
    expect(im.width).toBe(w);
    expect(im.height).toBe(hgt);
    expect(im.header.getString('FILTER')).toBe('F200W');
    expect(im.header.getString('EXTNAME')).toBe('SCI');
    expect(readFits(path).map((x) => x.name)).toEqual(['PRIMARY', 'SCI', 'ERR']);
  });

  it('writes tables that read back', () => {
    const path = join(tmp, 'tab.fits');
    writeTable(path, {
      id: Int32Array.from([1, 2, 3]),
      flux: Float64Array.from([1.5, NaN, -2]),
      f32: Float32Array.from([0.5, 1, 2]),
      name: ['a', 'bcd', ''],
    }, { name: 'CAT', units: { flux: 'nJy' } });
    const t = readFits(path)[1];
    expect(t.kind).toBe('table');
    if (t.kind !== 'table') return;
    expect(t.name).toBe('CAT');
    expect(t.nrows).toBe(3);
    expect(Array.from(t.columns.id as Int32Array)).toEqual([1, 2, 3]);
    expect(Array.from(t.columns.flux as Float64Array)).toEqual([1.5, NaN, -2]);
    expect(Array.from(t.columns.f32 as Float32Array)).toEqual([0.5, 1, 2]);
    expect(t.columns.name).toEqual(['a', 'bcd', '']);
    expect(t.columnInfo[1].unit).toBe('nJy');
  });

  it('a failed write leaves the old file intact and no temp file', () => {
    const path = join(tmp, 'atomic.fits');
    writeFits(path, [{ data: f32, shape: [w, hgt] }]);
    const before = readFits(path);
    // 1e6 does not fit BITPIX 16: the error is raised while streaming the data
    const big = Float32Array.from({ length: w * hgt }, (_, i) => (i === w * hgt - 1 ? 1e6 : 1));
    expect(() => writeFits(path, [{ data: big, shape: [w, hgt], bitpix: 16 }])).toThrow(/does not fit BITPIX 16/);
    const after = readFits(path);
    expect(Array.from((after[0] as { data: Float32Array }).data)).toEqual(Array.from((before[0] as { data: Float32Array }).data));
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects non-FITS bytes, truncated data and unknown BITPIX with FitsError', () => {
    expect(() => parseFits(new TextEncoder().encode('hello world'.repeat(100)), 'x.fits')).toThrow(FitsError);
    const good = encodeFits([{ data: f32, shape: [w, hgt] }]);
    expect(() => parseFits(good.subarray(0, 2880 + 10), 't.fits')).toThrow(/truncated/);
    const bad = Uint8Array.from(good);
    bad.set(new TextEncoder().encode(card('BITPIX  =                   12')), 80);
    expect(() => parseFits(bad, 'b.fits')).toThrow(/unknown BITPIX 12/);
    try {
      parseFits(bad, 'b.fits');
    } catch (e) {
      expect((e as FitsError).file).toBe('b.fits');
      expect((e as FitsError).message).toContain('b.fits, HDU 0');
    }
  });
});

describe('WCS and units', () => {
  it('tanWcs round-trips pixel ↔ sky and has the requested scale', () => {
    const wcs = tanWcs({ crval: [150.1, 2.2], crpix0: [100, 50], scaleArcsec: 0.04, rotationDeg: 20 });
    expect(wcs.pixelScaleArcsec()).toBeCloseTo(0.04, 12);
    const c = wcs.pixelToSky(100, 50);
    expect(c[0]).toBeCloseTo(150.1, 12);
    expect(c[1]).toBeCloseTo(2.2, 12);
    for (const [x, y] of [[0, 0], [1000, -300], [-50, 2000]]) {
      const [ra, dec] = wcs.pixelToSky(x, y);
      const [x2, y2] = wcs.skyToPixel(ra, dec);
      expect(Math.abs(x2 - x)).toBeLessThan(1e-8);
      expect(Math.abs(y2 - y)).toBeLessThan(1e-8);
    }
    // east is left: increasing x decreases RA at rotation 0
    const w0 = tanWcs({ crval: [10, 0], crpix0: [0, 0], scaleArcsec: 1 });
    expect(w0.pixelToSky(1, 0)[0]).toBeLessThan(10);
    expect(w0.pixelToSky(0, 1)[1]).toBeGreaterThan(0);
    const h = new Header();
    wcs.toHeader(h);
    const back = Wcs.fromHeader(h);
    expect(back.pixelToSky(3, 4)).toEqual(wcs.pixelToSky(3, 4));
  });

  it('rejects unsupported projections clearly', () => {
    const h = new Header();
    h.set('CTYPE1', 'RA---SIN');
    h.set('CTYPE2', 'DEC--SIN');
    expect(() => Wcs.fromHeader(h, 'p.fits')).toThrow(/unsupported projection 'SIN'/);
  });

  it('AB zero point for MJy/sr at 0.04" is 27.4618 (astro-reference B.3)', () => {
    const omega = (0.04 / 206264.80624709636) ** 2;
    expect(abZeroPointMJySr(omega)).toBeCloseTo(27.4618, 4);
    expect(abZeroPointMJySr((0.03 / 206264.80624709636) ** 2)).toBeCloseTo(28.0865, 4);
  });

  it('nJyPerPixelScale handles MJy/sr, scaled nJy BUNIT and zero-point keywords', () => {
    const omega = (0.04 / 206264.80624709636) ** 2;
    const h = new Header();
    h.set('BUNIT', 'MJy/sr');
    h.set('PIXAR_SR', omega);
    // a source of AB mag m has f = 10^(-0.4 (m - ZP)) data units; in nJy it is 10^(-0.4 (m - 31.4))
    const zp = abZeroPointMJySr(omega);
    expect(nJyPerPixelScale(h) * 10 ** (-0.4 * (25 - zp))).toBeCloseTo(10 ** (-0.4 * (25 - 31.4)), 6);
    const h2 = new Header();
    h2.set('BUNIT', '10.0*nanoJansky');
    expect(nJyPerPixelScale(h2)).toBe(10);
    const h3 = new Header();
    h3.set('BUNIT', 'ELECTRONS/S');
    h3.set('PHOTZP', 28.9);
    expect(nJyPerPixelScale(h3)).toBeCloseTo(10 ** (-0.4 * (28.9 - 31.4)), 10);
    const h4 = new Header();
    h4.set('BUNIT', 'MJy/sr');
    tanWcs({ crval: [0, 0], crpix0: [0, 0], scaleArcsec: 0.04 }).toHeader(h4);
    expect(nJyPerPixelScale(h4)).toBeCloseTo(omega * 1e15, 8);
    expect(() => nJyPerPixelScale(new Header(), 'z.fits')).toThrow(FitsError);
  });
});
