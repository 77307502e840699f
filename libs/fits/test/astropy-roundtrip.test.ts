// Files written by OUR writer, opened by astropy at test time: verify('exception') must pass and
// the pixel values, header values, table columns and WCS that astropy reads must equal ours.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Header, readFits, readImage, tanWcs, Wcs, writeFits, writeTable, type ImageHdu } from '../src/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fits-astropy-'));
const CHECK = join(import.meta.dirname, 'astropy_check.py');
const SEP = join(import.meta.dirname, '..', '..', '..', 'data', 'external', 'sep_sextractor_reference', 'image.fits');

interface AstropyHdu { name: string; header: Record<string, unknown>; history: string[]; comment: string[];
  shape?: number[]; data?: (number | null)[]; columns?: Record<string, unknown[]>; sky?: number[][] }

function astropy(path: string, pix: number[][] = []): { hdus: AstropyHdu[]; warnings: string[] } {
  const out = execFileSync('/usr/bin/python3', [CHECK, path, JSON.stringify(pix)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out);
}

function same(ours: ArrayLike<number>, theirs: (number | null)[]): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    const t = theirs[i];
    if (t === null) expect(Number.isNaN(ours[i]), `index ${i}`).toBe(true);
    else if (ours[i] !== t) throw new Error(`index ${i}: ours ${ours[i]} astropy ${t}`);
  }
}

describe('astropy reads what we write', () => {
  it('multi-extension images of every writable type, with carried-over and provenance header cards', () => {
    const w = 11, h = 6, n = w * h;
    const f32 = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3);
    f32[7] = NaN;
    const f64 = Float64Array.from({ length: n }, (_, i) => Math.cos(i) * 1e-9);
    const i16 = Int16Array.from({ length: n }, (_, i) => (i * 997) % 65536 - 32768);
    const u16 = Uint16Array.from({ length: n }, (_, i) => (i * 1013) % 65536);
    const i32 = Int32Array.from({ length: n }, (_, i) => i * 32_000_000 - 2_000_000_000);
    const u8 = Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256);
    const q = Float32Array.from({ length: n }, (_, i) => 100 + (i % 13) * 0.5);
    q[3] = NaN;

    // header carried over from a real file with junk cards, HIERARCH, HISTORY; plus provenance
    const hdr = readFits(SEP)[0].header.clone();
    hdr.set('ORIGIN', 'asteris test');
    hdr.set('LONGPROV', 'a provenance string that is much longer than one card can hold, so it needs CONTINUE cards; it\'s quoted too');
    hdr.set('ESO DET LONG KEY', 12.5, 'hierarch');
    hdr.addHistory('asteris: written by the round-trip test');
    tanWcs({ crval: [34.3, -5.1], crpix0: [5, 2.5], scaleArcsec: 0.04, rotationDeg: 12 }).toHeader(hdr);

    const path = join(tmp, 'mef.fits');
    writeFits(path, [
      { header: hdr, data: f32, shape: [w, h] },
      { name: 'F64', data: f64, shape: [w, h] },
      { name: 'I16', data: i16, shape: [w, h] },
      { name: 'U16', data: u16, shape: [w, h] },
      { name: 'I32', data: i32, shape: [w, h] },
      { name: 'U8', data: u8, shape: [w, h] },
      { name: 'Q16', data: q, shape: [w, h], bitpix: 16, bscale: 0.5, bzero: 100 },
      { name: 'F32AS64', data: f32, shape: [w, h], bitpix: -64 },
      // streamed Int32 data (how large segmentation maps are written): read in pieces of 7 elements
      { name: 'I32SRC', data: { kind: 'int32-source', length: n, read: (i0: number, i1: number, out: Int32Array) => { for (let i = i0; i < i1; i++) out[i - i0] = i32[i]!; } }, shape: [w, h] },
      { name: 'CAT', table: { id: Int32Array.from([1, 2, 3]), mag: Float64Array.from([25.5, NaN, 31]),
        f: Float32Array.from([1.5, -2, 0]), s: Int16Array.from([-1, 0, 7]), b: Uint8Array.from([0, 128, 255]),
        ok: [true, false, true], label: ['alpha', "it's", ''] }, units: { mag: 'mag' } },
    ]);
    const pix = [[0, 0], [5, 2.5], [10, 5], [-3.5, 40]];
    const a = astropy(path, pix);
    // no warnings about our cards (astropy.wcs 'datfix' notes the original file's DD/MM/YY DATE-OBS)
    expect(a.warnings.filter((m) => !m.includes('datfix'))).toEqual([]);
    const ours = readFits(path);
    expect(a.hdus.map((x) => x.name)).toEqual(['PRIMARY', 'F64', 'I16', 'U16', 'I32', 'U8', 'Q16', 'F32AS64', 'I32SRC', 'CAT']);
    for (let k = 0; k < 9; k++) {
      const o = ours[k] as ImageHdu;
      expect(a.hdus[k].shape).toEqual([w, h]);
      same(o.data!, a.hdus[k].data!);
    }
    same(Float32Array.from(f32), a.hdus[0].data!);
    same(q, a.hdus[6].data!);
    same(u16, a.hdus[3].data!);
    same(i32, a.hdus[8].data!);
    expect(a.hdus[8].header.BITPIX).toBe(32);
    // header values as astropy sees them
    const p = a.hdus[0].header;
    expect(p.ORIGIN).toBe('asteris test');
    expect(p.LONGPROV).toBe(hdr.get('LONGPROV'));
    expect(p['ESO DET LONG KEY']).toBe(12.5);
    expect(p['ESO GEN ID']).toBe('ARC-0001/1.2');
    expect(p.BSCALE).toBeUndefined(); // the float image is not rescaled
    expect(p.EXPTIME).toBe(1200);
    expect(a.hdus[0].history).toContain('asteris: written by the round-trip test');
    expect(a.hdus[0].history.length).toBe(hdr.history().length);
    // WCS: astropy's pixel→sky of our header equals ours
    const wcs = Wcs.fromHeader(ours[0].header);
    pix.forEach(([x, y], i) => {
      const [ra, dec] = wcs.pixelToSky(x, y);
      expect(Math.abs(ra - a.hdus[0].sky![i][0]) * 3600 / 0.04).toBeLessThan(1e-6);
      expect(Math.abs(dec - a.hdus[0].sky![i][1]) * 3600 / 0.04).toBeLessThan(1e-6);
    });
    // table
    const cols = a.hdus[9].columns!;
    expect(cols.id).toEqual([1, 2, 3]);
    expect(cols.mag).toEqual([25.5, null, 31]);
    expect(cols.f).toEqual([1.5, -2, 0]);
    expect(cols.s).toEqual([-1, 0, 7]);
    expect(cols.b).toEqual([0, 128, 255]);
    expect(cols.ok).toEqual([true, false, true]);
    expect(cols.label).toEqual(['alpha', "it's", '']);
    expect(a.hdus[9].header.TUNIT2).toBe('mag');
  });

  it('writeTable output and a re-written real int16 image pass verify and read back equal', () => {
    const tpath = join(tmp, 'cat.fits');
    writeTable(tpath, { ra: Float64Array.from([150.1, 150.2]), name: ['a', 'b'] }, { name: 'CATALOGUE' });
    const t = astropy(tpath);
    expect(t.hdus[1].name).toBe('CATALOGUE');
    expect(t.hdus[1].columns!.ra).toEqual([150.1, 150.2]);

    const im = readImage(SEP);
    const out = join(tmp, 'sep16.fits');
    // write back as 16-bit with the original scaling: astropy must read our values exactly
    const hdr = im.header.clone();
    writeFits(out, [{ header: hdr, data: im.data, shape: [im.width, im.height], bitpix: 16,
      bscale: hdr.getNumber('BSCALE'), bzero: hdr.getNumber('BZERO') }]);
    // astropy applies the scaling in float32: its reading of our file must equal its reading of the original
    const py = `
import sys, numpy as np
from astropy.io import fits
with fits.open(sys.argv[1]) as a, fits.open(sys.argv[2]) as b:
    a.verify('exception')
    bscale, bzero = a[0].header['BSCALE'], a[0].header['BZERO']  # before .data: astropy then drops them
    x, y = a[0].data, b[0].data
    print(x.dtype, y.dtype, int(np.sum(x != y)), bscale, bzero)
`;
    const res = execFileSync('/usr/bin/python3', ['-c', py, out, SEP], { encoding: 'utf8' }).trim().split(' ');
    expect(res.slice(0, 3)).toEqual(['float32', 'float32', '0']);
    const a = { hdus: [{ header: { BSCALE: Number(res[3]), BZERO: Number(res[4]) } }] };
    expect(a.hdus[0].header.BSCALE).toBe(2.92273835509);
  });
});
