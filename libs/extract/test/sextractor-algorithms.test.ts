// Unit tests of the SExtractor procedures that decide which faint objects survive (docs/extract.md §4–5):
// the deblending branch area (MAXDEBAREA), Lutz's pixel-list order, the CLEAN mthresh selection, CLEAN in
// scan order, and the band-parallel labelling and FLUX_RADIUS that must not change results.
import { describe, expect, it } from 'vitest';
import { FitsError, readImage } from '@asteris/fits';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  deblendObject, fluxRadius, mockField, mulberry32Uniform, readImageShared, scanComponents,
} from '../src/index.ts';
import { cleanSequential, type CleanObject } from '../src/detect/clean.ts';
import { labelBand, mergeBands } from '../src/detect/label.ts';
import { lutzChainOrder, mthreshSelect } from '../src/detect/lutz.ts';

const W = 16;
const pixOf = (pts: [number, number][]) => Int32Array.from(pts.map(([x, y]) => y * W + x)).sort();
const xyOf = (pix: Int32Array, order: Int32Array) => Array.from(order, (i) => `${pix[i]! % W},${Math.floor(pix[i]! / W)}`);

describe("Lutz's pixel-list order (SExtractor lutz.c / scan.c)", () => {
  it('a line that starts left of the object above puts its first pixels before the earlier lines', () => {
    // row 0: x = 2..5; row 1: x = 1..6. Hand-traced: pixel (1,1) opens a segment, the object of row 0 is
    // appended when the scan reaches its start marker at x = 2, then the rest of row 1.
    const pix = pixOf([[2, 0], [3, 0], [4, 0], [5, 0], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    expect(xyOf(pix, lutzChainOrder(pix, W))).toEqual(['1,1', '2,0', '3,0', '4,0', '5,0', '2,1', '3,1', '4,1', '5,1', '6,1']);
  });
  it('a U shape: the left arm, the base up to the right arm, then the right arm appended when they meet', () => {
    const pix = pixOf([[0, 0], [4, 0], [0, 1], [4, 1], [0, 2], [1, 2], [2, 2], [3, 2], [4, 2]]);
    expect(xyOf(pix, lutzChainOrder(pix, W))).toEqual(['0,0', '0,1', '0,2', '1,2', '2,2', '3,2', '4,0', '4,1', '4,2']);
  });
  it('is a permutation of the pixels for 300 seeded random 8-connected blobs', () => {
    const rnd = mulberry32Uniform(3);
    for (let t = 0; t < 300; t++) {
      const set = new Set<number>([8 * W + 8]);
      const n = 2 + Math.floor(rnd() * 40);
      while (set.size < n) {
        const arr = [...set];
        const k = arr[Math.floor(rnd() * arr.length)]!;
        const x = (k % W) + Math.floor(rnd() * 3) - 1, y = Math.floor(k / W) + Math.floor(rnd() * 3) - 1;
        if (x >= 0 && x < W && y >= 0 && y < W) set.add(y * W + x);
      }
      const pix = Int32Array.from(set).sort();
      const o = Array.from(lutzChainOrder(pix, W)).sort((a, b) => a - b);
      expect(o).toEqual(Array.from({ length: pix.length }, (_, i) => i));
    }
  });
});

describe('CLEAN mthresh as examineiso selects it', () => {
  it('hand-computed cases: the (minarea+1)-th value is skipped, the heap walk is SExtractor\'s', () => {
    // [5,4,3,2,1] fill the buffer; 9 (6th) only sorts it; 9 → [2,9,3,4,5]; 9 → [3,9,9,4,5]: 3, not the true
    // 5th-brightest (4).
    expect(mthreshSelect([5, 4, 3, 2, 1, 9, 9, 9], null, 0, 5)).toBe(3);
    expect(mthreshSelect([1, 2, 3, 4, 5], null, 0, 5)).toBe(1); // exactly minarea values: the first one
    expect(mthreshSelect([7, 1, 2, 3, 4, 5], null, 0, 5)).toBe(1); // minarea + 1: min of the first five
    expect(mthreshSelect([1, 2, 3, 4], null, 0, 5)).toBe(0); // fewer than minarea pixels
    expect(mthreshSelect([10, 11, 12, 13, 14], [4, 3, 2, 1, 0], 10, 5)).toBe(4); // order and threshold applied
  });
});

describe('deblending branches need min(DETECT_MINAREA, 3) pixels (SExtractor MAXDEBAREA)', () => {
  // A 7×3 plateau at 1 (threshold 0.5) with two peaks of `size` pixels at 10.
  const object = (size: number) => {
    const val = new Float32Array(21).fill(1);
    const peaks = size === 3 ? [[1, 1], [2, 1], [1, 0], [5, 1], [4, 1], [5, 0]] : [[1, 1], [2, 1], [5, 1], [4, 1]];
    for (const [x, y] of peaks) val[y! * 7 + x!] = 10;
    return { pix: Int32Array.from({ length: 21 }, (_, i) => Math.floor(i / 7) * 100 + (i % 7)), val };
  };
  it('two 3-pixel peaks split with DETECT_MINAREA 5; two 2-pixel peaks do not', () => {
    const o3 = object(3), o2 = object(2);
    expect(deblendObject(o3.pix, o3.val, 100, 0.5, { nthresh: 32, mincont: 0.005, minarea: 5 }).groups.length).toBe(2);
    expect(deblendObject(o2.pix, o2.val, 100, 0.5, { nthresh: 32, mincont: 0.005, minarea: 5 }).groups.length).toBe(1);
    // DETECT_MINAREA 2 lowers the branch area to 2
    expect(deblendObject(o2.pix, o2.val, 100, 0.5, { nthresh: 32, mincont: 0.005, minarea: 2 }).groups.length).toBe(2);
  });
});

describe('CLEAN in SExtractor\'s scan order (clean.c)', () => {
  const obj = (x: number, y: number, a: number, fdflux: number, npix: number, mthresh: number): CleanObject =>
    ({ x, y, a, b: a, cxx: 1 / (a * a), cyy: 1 / (a * a), cxy: 0, fdflux, npix, abcor: 1, mthresh });
  // B bright at the origin; N medium at 8 px; F faint at 10 px: B's profile there is 0.039, below F's
  // mthresh (0.05), N's is 0.15; B's at N is 0.06, above N's mthresh (0.01).
  const B = obj(0, 0, 2, 400, 120, 5), N = obj(8, 0, 1, 6, 20, 0.01), F = obj(10, 0, 0.8, 2, 8, 0.05);
  const t = 0.1;
  it('the model reaches as intended', () => {
    // alone with B, F survives; alone with N, F is eaten; N is eaten by B
    expect(Array.from(cleanSequential([B, F], [0, 1], t))).toEqual([-1, -1]);
    expect(Array.from(cleanSequential([N, F], [0, 1], t))).toEqual([-1, 0]);
    expect(Array.from(cleanSequential([B, N], [0, 1], t))).toEqual([-1, 0]);
  });
  it('depends on the order of completion: a newcomer eaten by a kept object forgets its menu', () => {
    // F, N, B: N eats F, then B eats N (and with it F)
    expect(Array.from(cleanSequential([B, N, F], [2, 1, 0], t))).toEqual([-1, 0, 0]);
    // F, B, N: N would eat F but is eaten first by B: F survives
    expect(Array.from(cleanSequential([B, N, F], [2, 0, 1], t))).toEqual([-1, 0, -1]);
  });
});

describe('band-parallel labelling', () => {
  it('any cut of the rows into bands gives the same components as one pass', () => {
    const f = mockField({ width: 97, height: 83, nSources: 40, seed: 9, noise: 1, background: 0, fluxRange: [20, 800] });
    const rowFn = (y: number, out: Float32Array) => out.set(f.data.subarray(y * 97, (y + 1) * 97));
    const one = scanComponents(97, 83, rowFn, 1.2, 3);
    expect(one.n).toBeGreaterThan(10);
    for (const cuts of [[0, 1, 2, 83], [0, 40, 41, 83], [0, 7, 19, 20, 55, 83], [0, 83]]) {
      const bands = cuts.slice(1).map((y1, i) => labelBand(97, cuts[i]!, y1, rowFn, 1.2));
      const c = mergeBands(97, bands, 3);
      expect(c.n).toBe(one.n);
      expect(Array.from(c.start)).toEqual(Array.from(one.start));
      expect(Array.from(c.pix)).toEqual(Array.from(one.pix));
      expect(Array.from(c.val)).toEqual(Array.from(one.val));
    }
  });
});

describe('FLUX_RADIUS with a normalising flux stops at the annulus it needs', () => {
  it('equals the full 64-annulus 5×5-sampled profile (brute force in the test) to 1e-9 px', () => {
    const rnd = mulberry32Uniform(21);
    const w = 64;
    const data = new Float32Array(w * w);
    for (let i = 0; i < data.length; i++) data[i] = rnd() - 0.5;
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data[y * w + x]! += 40 * Math.exp(-((x - 31.3) ** 2 + (y - 30.8) ** 2) / 8);
    const brute = (x0: number, y0: number, rmax: number, frac: number, norm: number) => {
      const prof = new Float64Array(64);
      for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) {
        for (let j = 0; j < 5; j++) for (let i = 0; i < 5; i++) {
          const dx = x - x0 - 0.4 + 0.2 * i, dy = y - y0 - 0.4 + 0.2 * j;
          const d2 = dx * dx + dy * dy;
          if (d2 >= rmax * rmax) continue;
          prof[Math.min(63, Math.floor(Math.sqrt(d2) / (rmax / 64)))]! += data[y * w + x]! / 25;
        }
      }
      let cum = 0, prev = 0;
      for (let b = 0; b < 64; b++) { prev = cum; cum += prof[b]!; if (cum >= frac * norm) return (rmax / 64) * (b + (cum > prev ? (frac * norm - prev) / (cum - prev) : 0)); }
      return rmax;
    };
    for (const [x0, y0, rmax, norm] of [[31.3, 30.8, 12, 400], [30.1, 32.7, 9, 300], [20.5, 40.2, 6, 5]] as const) {
      const r = fluxRadius(data, w, w, x0, y0, rmax, [0.2, 0.5, 0.9], { normFlux: norm }).radii;
      [0.2, 0.5, 0.9].forEach((f, i) => expect(Math.abs(r[i]! - brute(x0, y0, rmax, f, norm))).toBeLessThan(1e-9));
    }
  });
});

describe('readImageShared', () => {
  it('reads the same pixels as readImage, into a SharedArrayBuffer', () => {
    const file = fileURLToPath(new URL('../../../data/external/mophongo_primer_uds_cutouts/uds-test-f444w_sci.fits', import.meta.url));
    const a = readImage(file), b = readImageShared(file);
    expect(b.data.buffer instanceof SharedArrayBuffer).toBe(true);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
  });
  it('names the file and the problem for a directory, a missing file and a non-FITS file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asteris-shared-'));
    try {
      const txt = join(dir, 'notes.txt');
      writeFileSync(txt, 'not a FITS file\n');
      for (const [p, msg] of [[dir, /is a directory/], [join(dir, 'none.fits'), /no such file/], [txt, /not a FITS file/]] as const) {
        expect(() => readImageShared(p)).toThrow(FitsError);
        expect(() => readImageShared(p)).toThrow(msg);
        try { readImageShared(p); } catch (e) { expect(String((e as Error).message)).toContain(p); }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
