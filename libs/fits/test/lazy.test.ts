// `{ lazy: true }` reads keep integer pixels undecoded (#16 item 3): the decoded values must equal an
// eager read bit for bit, for every integer layout (unsigned convention, BSCALE/BZERO, BLANK → NaN).
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header, parseFits, readFits, readImage, writeFits, encodeFits, type ImageHdu, type WriteImageHdu } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fits-lazy-'));
const W = 7, H = 5;
const ramp = (f: (i: number) => number) => Float32Array.from({ length: W * H }, (_, i) => f(i));

const cases: { label: string; hdu: WriteImageHdu; stored: string }[] = [
  { label: 'uint16 + BZERO 32768', hdu: { data: Uint16Array.from({ length: W * H }, (_, i) => (i * 2029) % 65536), shape: [W, H] }, stored: 'Uint16Array' },
  { label: 'int16 with BSCALE/BZERO and BLANK', hdu: { data: ramp((i) => (i % 6 === 0 ? NaN : i * 0.25 - 3)), shape: [W, H], bitpix: 16, bscale: 0.25, bzero: -3 }, stored: 'Int16Array' },
  { label: 'int32', hdu: { data: Int32Array.from({ length: W * H }, (_, i) => i * 100003 - 2e6), shape: [W, H] }, stored: 'Int32Array' },
  { label: 'uint8 scaled', hdu: { data: ramp((i) => i * 2 + 10), shape: [W, H], bitpix: 8, bscale: 2, bzero: 10 }, stored: 'Uint8Array' },
];

describe('lazy integer reads', () => {
  for (const c of cases) {
    it(`${c.label}: stored pixels kept, data decoded on first use and equal to an eager read`, () => {
      const path = join(dir, `${c.label.replace(/\W+/g, '_')}.fits`);
      writeFits(path, [c.hdu]);
      const eager = readFits(path)[0] as ImageHdu;
      const lazy = readFits(path, { lazy: true })[0] as ImageHdu;
      expect(lazy.stored?.values.constructor.name).toBe(c.stored);
      expect(Array.from(lazy.data!)).toEqual(Array.from(eager.data!));
      expect(lazy.data).toBe(lazy.data); // decoded once
      const img = readImage(path, { lazy: true });
      expect(img.stored).toBeDefined();
      expect(Array.from(img.data)).toEqual(Array.from(readImage(path).data));
    });
  }

  it('float images and non-owned buffers are unaffected', () => {
    const bytes = encodeFits([{ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2], header: new Header() }]);
    const h = parseFits(bytes, undefined, false, { lazy: true })[0] as ImageHdu;
    expect(h.stored).toBeUndefined();
    expect(Array.from(h.data!)).toEqual([1, 2, 3, 4]);
    const u = encodeFits([{ data: Uint16Array.of(0, 65535), shape: [2] }]);
    const copy = Uint8Array.from(u);
    expect(Array.from((parseFits(u, undefined, false, { lazy: true })[0] as ImageHdu).data!)).toEqual([0, 65535]);
    expect(Buffer.compare(Buffer.from(u), Buffer.from(copy))).toBe(0); // a buffer we do not own is not swapped in place
  });

  it('nothing is decoded at read time: the owned bytes change only when `stored` is first used', () => {
    const u = encodeFits([{ data: Uint16Array.of(1, 2, 40000, 65535), shape: [4] }]);
    const before = Uint8Array.from(u);
    const h = parseFits(u, undefined, true, { lazy: true })[0] as ImageHdu;
    expect(Buffer.compare(Buffer.from(u), Buffer.from(before))).toBe(0);
    expect(Array.from(h.stored!.values)).toEqual([1, 2, 40000, 65535]);
    expect(Buffer.compare(Buffer.from(u), Buffer.from(before))).not.toBe(0); // swapped in place (owned), once
    expect(Array.from(h.data!)).toEqual([1, 2, 40000, 65535]);
  });
});
