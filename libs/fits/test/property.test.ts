// Seeded property tests: random images/tables round-trip through writer and reader; random TAN/SIP
// WCS headers agree with astropy.wcs (run at test time) to < 1e-6 px.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Header, Wcs, encodeFits, parseFits, type ImageHdu, type TableHdu, type WriteImageData } from '../src/index.ts';

// mulberry32: small seeded PRNG
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('writer ↔ reader symmetry', () => {
  it('300 random images of every type and shape read back identically', () => {
    const r = rng(7);
    const int = (n: number) => Math.floor(r() * n);
    for (let k = 0; k < 300; k++) {
      const shape = Array.from({ length: 1 + int(3) }, () => 1 + int(9));
      const n = shape.reduce((a, b) => a * b, 1);
      const kind = int(6);
      let data: WriteImageData;
      if (kind === 0) data = Float32Array.from({ length: n }, () => (r() < 0.05 ? NaN : (r() - 0.5) * 10 ** (int(20) - 10)));
      else if (kind === 1) data = Float64Array.from({ length: n }, () => (r() - 0.5) * 10 ** (int(40) - 20));
      else if (kind === 2) data = Int16Array.from({ length: n }, () => int(65536) - 32768);
      else if (kind === 3) data = Uint16Array.from({ length: n }, () => int(65536));
      else if (kind === 4) data = Int32Array.from({ length: n }, () => int(2 ** 32) - 2 ** 31);
      else data = Uint8Array.from({ length: n }, () => int(256));
      const h = new Header();
      h.set('SEQ', k);
      const bytes = encodeFits([{}, { data, shape, header: h, name: `E${k}` }]);
      expect(bytes.length % 2880).toBe(0);
      const hdu = parseFits(bytes)[1] as ImageHdu;
      expect(hdu.shape).toEqual(shape);
      expect(hdu.name).toBe(`E${k}`);
      expect(hdu.header.get('SEQ')).toBe(k);
      for (let i = 0; i < n; i++) {
        const want = kind === 0 ? Math.fround(data[i]) : data[i];
        if (!Object.is(hdu.data![i], want)) throw new Error(`case ${k} (${data.constructor.name}) index ${i}: ${hdu.data![i]} ≠ ${want}`);
      }
    }
  });

  it('100 random tables read back identically', () => {
    const r = rng(11);
    const int = (n: number) => Math.floor(r() * n);
    for (let k = 0; k < 100; k++) {
      const nrows = int(20);
      const cols = {
        d: Float64Array.from({ length: nrows }, () => (r() - 0.5) * 1e10),
        e: Float32Array.from({ length: nrows }, () => Math.fround(r())),
        j: Int32Array.from({ length: nrows }, () => int(2 ** 32) - 2 ** 31),
        s: Array.from({ length: nrows }, () => Array.from({ length: int(12) }, () => String.fromCharCode(33 + int(90))).join('')),
      };
      const t = parseFits(encodeFits([{ table: cols, name: 'T' }]))[1] as TableHdu;
      expect(t.nrows).toBe(nrows);
      expect(Array.from(t.columns.d as Float64Array)).toEqual(Array.from(cols.d));
      expect(Array.from(t.columns.e as Float32Array)).toEqual(Array.from(cols.e));
      expect(Array.from(t.columns.j as Int32Array)).toEqual(Array.from(cols.j));
      expect(t.columns.s).toEqual(cols.s);
    }
  });
});

describe('random WCS against astropy', () => {
  it('40 random TAN and TAN-SIP headers agree with astropy.wcs to < 1e-6 px', () => {
    const r = rng(2026);
    const headers: Record<string, number | string>[] = [];
    for (let k = 0; k < 40; k++) {
      const s = (0.01 + r() * 1) / 3600;
      const rot = r() * 2 * Math.PI;
      const flip = r() < 0.8 ? -1 : 1;
      const c: Record<string, number | string> = {
        CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: (r() - 0.3) * 4000, CRPIX2: (r() - 0.3) * 4000,
        CRVAL1: r() * 360, CRVAL2: Math.asin(2 * r() - 1) * 180 / Math.PI,
        CD1_1: flip * s * Math.cos(rot), CD1_2: s * Math.sin(rot) * (1 + 0.05 * (r() - 0.5)),
        CD2_1: flip * -s * Math.sin(rot), CD2_2: s * Math.cos(rot),
      };
      if (k % 3 === 0) {
        c.CTYPE1 = 'RA---TAN-SIP'; c.CTYPE2 = 'DEC--TAN-SIP';
        c.A_ORDER = 3; c.B_ORDER = 3;
        for (const [p, q] of [[2, 0], [1, 1], [0, 2], [3, 0], [2, 1], [1, 2], [0, 3]]) {
          const scale = p + q === 2 ? 1e-6 : 1e-10;
          c[`A_${p}_${q}`] = (r() - 0.5) * scale;
          c[`B_${p}_${q}`] = (r() - 0.5) * scale;
        }
      }
      headers.push(c);
    }
    const pix: number[][] = [];
    for (let i = 0; i < 12; i++) pix.push([(r() - 0.2) * 3000, (r() - 0.2) * 3000]);
    const py = `
import json, sys, numpy as np, warnings
from astropy.io import fits
from astropy.wcs import WCS
warnings.simplefilter('ignore')
hs, pix = json.loads(sys.stdin.read())
out = []
for c in hs:
    h = fits.Header()
    for k, v in c.items(): h[k] = v
    w = WCS(h)
    sky = w.all_pix2world(np.array(pix), 0)
    back = w.all_world2pix(sky, 0, tolerance=1e-12, maxiter=100)
    out.append({'sky': sky.tolist(), 'back': back.tolist()})
print(json.dumps(out))
`;
    const res = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify([headers, pix]), encoding: 'utf8' }));
    let worst = 0;
    headers.forEach((c, k) => {
      const h = new Header();
      for (const [key, v] of Object.entries(c)) h.set(key, v);
      const w = Wcs.fromHeader(h);
      const scaleDeg = w.pixelScaleArcsec() / 3600;
      pix.forEach(([x, y], i) => {
        const [ra, dec] = w.pixelToSky(x, y);
        const [era, edec] = res[k].sky[i];
        let dra = Math.abs(ra - era);
        if (dra > 180) dra = 360 - dra;
        worst = Math.max(worst, Math.hypot(dra * Math.cos((edec * Math.PI) / 180), dec - edec) / scaleDeg);
        const [x2, y2] = w.skyToPixel(era, edec);
        worst = Math.max(worst, Math.hypot(x2 - x, y2 - y));
      });
    });
    expect(worst).toBeLessThan(1e-6);
  });
});
