// Bad input must give a FitsError naming the file, the HDU and the problem — never a crash or hang.
// Includes a bounded, seeded fuzz test: mutations of valid files either parse or throw FitsError.
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FitsError, encodeFits, parseFits, readFits } from '../src/index.ts';

const FIX = join(import.meta.dirname, 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fits-bad-'));
const enc = new TextEncoder();

/** Replaces the first card whose keyword is `key` (within the first headers) by `card`. */
function withCard(bytes: Uint8Array, key: string, card: string): Uint8Array {
  const out = Uint8Array.from(bytes);
  const text = new TextDecoder('latin1').decode(out.subarray(0, 2880 * 4));
  const at = Math.floor(text.indexOf(key.padEnd(8) + '=') / 80) * 80;
  expect(at).toBeGreaterThanOrEqual(0);
  out.set(enc.encode(card.padEnd(80)), at);
  return out;
}

function fitsErr(fn: () => unknown, re: RegExp): FitsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FitsError);
    expect((e as Error).message).toMatch(re);
    return e as FitsError;
  }
  throw new Error('expected a FitsError');
}

const good = encodeFits([{ data: new Float32Array(100 * 50).fill(1), shape: [100, 50] },
  { name: 'ERR', data: new Float32Array(100 * 50).fill(2), shape: [100, 50] }]);

describe('bad input', () => {
  it('truncated data names file, HDU and sizes', () => {
    const p = join(tmp, 'trunc.fits');
    writeFileSync(p, good.subarray(0, good.length - 5000));
    const e = fitsErr(() => readFits(p), /trunc\.fits, HDU 1: truncated: data needs 20000 bytes/);
    expect(e.file).toBe(p);
    expect(e.hdu).toBe(1);
  });
  it('truncated inside a header: missing END', () => {
    fitsErr(() => parseFits(good.subarray(0, 400), 'h.fits'), /h\.fits, HDU 0: missing END card/);
    const noEnd = enc.encode(['SIMPLE  =                    T', 'BITPIX  =                    8', 'NAXIS   =                    0']
      .map((c) => c.padEnd(80)).join('').padEnd(2880));
    fitsErr(() => parseFits(noEnd, 'noend.fits'), /missing END/);
  });
  it('NAXISn larger than the data', () => {
    const one = encodeFits([{ data: new Float32Array(100 * 50).fill(1), shape: [100, 50] }]);
    fitsErr(() => parseFits(withCard(one, 'NAXIS1', 'NAXIS1  =                  200'), 'n.fits'), /n\.fits, HDU 0: truncated/);
  });
  it('absurd sizes are rejected before allocating', () => {
    const b = withCard(withCard(good, 'NAXIS1', 'NAXIS1  =           2000000000'), 'NAXIS2', 'NAXIS2  =           2000000000');
    fitsErr(() => parseFits(b, 'huge.fits'), /huge\.fits, HDU 0: absurd data size/);
    const rice = readFileSync(join(FIX, 'rice_i16.fits'));
    const t = new TextDecoder('latin1').decode(rice);
    const at = t.indexOf('ZNAXIS1 =');
    const big = Uint8Array.from(rice);
    big.set(enc.encode('ZNAXIS1 =             90000000'.padEnd(80)), at);
    big.set(enc.encode('ZTILE1  =             90000000'.padEnd(80)), t.indexOf('ZTILE1  ='));
    big.set(enc.encode('ZTILE2  =                    3'.padEnd(80)), t.indexOf('ZTILE2  ='));
    fitsErr(() => parseFits(big, 'bigz.fits'), /bigz\.fits, HDU 1: compressed image claims 90000000×23 pixels from only \d+ stored bytes/);
  });
  it('a table of zero-width rows claiming a billion rows', () => {
    const h = ['SIMPLE  =                    T', 'BITPIX  =                    8', 'NAXIS   =                    0', 'END'];
    const t = ["XTENSION= 'BINTABLE'", 'BITPIX  =                    8', 'NAXIS   =                    2',
      'NAXIS1  =                    0', 'NAXIS2  =           1000000000', 'PCOUNT  =                    0',
      'GCOUNT  =                    1', 'TFIELDS =                    1', "TFORM1  = '0A      '", 'END'];
    const block = (cards: string[]) => cards.map((c) => c.padEnd(80)).join('').padEnd(2880);
    fitsErr(() => parseFits(enc.encode(block(h) + block(t)), 'z.fits'), /z\.fits, HDU 1: BINTABLE claims 1000000000 rows of zero width/);
  });

  it('non-FITS bytes, empty file, unknown BITPIX, bad NAXIS', () => {
    fitsErr(() => parseFits(enc.encode('<html>'.repeat(500)), 'x.html'), /x\.html: not a FITS file/);
    fitsErr(() => parseFits(new Uint8Array(0), 'empty.fits'), /not a FITS file/);
    fitsErr(() => parseFits(withCard(good, 'BITPIX', 'BITPIX  =                   24'), 'b.fits'), /HDU 0: unknown BITPIX 24/);
    fitsErr(() => parseFits(withCard(good, 'NAXIS', "NAXIS   = 'two'"), 'n.fits'), /NAXIS must be an integer/);
  });
  it('corrupt compressed tiles', () => {
    const latin = new TextDecoder('latin1');
    for (const name of ['rice_i16.fits', 'rice_f32_dither1.fits', 'gzip_i16.fits']) {
      const b = Uint8Array.from(readFileSync(join(FIX, name)));
      const text = latin.decode(b);
      // table data start: the block after the END card of HDU 1
      const endCard = text.indexOf('END' + ' '.repeat(77), 2880);
      const dataStart = Math.ceil((endCard + 80) / 2880) * 2880;
      const dv = new DataView(b.buffer);
      if (name.startsWith('rice')) {
        dv.setInt32(dataStart, 3); // first tile: 3 bytes instead of its real length
      } else {
        const off = dv.getInt32(dataStart + 4);
        // overwrite the first tile's gzip header (magic 1f 8b) with junk
        const gz = b.indexOf(0x1f, dataStart + off);
        b[gz] = 0x00; b[gz + 1] = 0x00;
      }
      fitsErr(() => parseFits(b, name), new RegExp(`${name.replace('.', '\\.')}, HDU 1: corrupt compressed tile 1`));
    }
  });
  it('corrupt gzip stream', () => {
    const gz = gzipSync(good);
    const bad = Uint8Array.from(gz.subarray(0, gz.length / 2));
    const p = join(tmp, 'bad.fits.gz');
    writeFileSync(p, bad);
    fitsErr(() => readFits(p), /bad\.fits\.gz: corrupt or oversized gzip stream/);
  });
});

// xoshiro128** (Blackman & Vigna 2018), seeded: the fuzz cases are the same on every run.
function rng(seed: number): () => number {
  let a = seed >>> 0, b = 0x9e3779b9, c = 0x243f6a88, d = 0xb7e15162;
  const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
  const next = () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return next;
}

describe('fuzz', () => {
  it('4000 seeded mutations of valid files parse or throw FitsError', () => {
    const files = readdirSync(FIX).filter((f) => f.endsWith('.fits')).sort();
    files.push('gz.fits.gz');
    const bases = files.map((f) => Uint8Array.from(readFileSync(join(FIX, f))));
    const digits = enc.encode('0123456789-+. TFE\'=');
    const r = rng(12345);
    const int = (n: number) => Math.floor(r() * n);
    let parsed = 0, rejected = 0;
    for (let k = 0; k < 4000; k++) {
      const base = bases[k % bases.length];
      let b = Uint8Array.from(base);
      const nmut = 1 + int(4);
      for (let m = 0; m < nmut; m++) {
        const kind = int(7);
        if (kind === 0) b[int(b.length)] = int(256);                                       // random byte
        else if (kind === 1) { const p = int(Math.min(b.length, 2880 * 3)); b[p] = digits[int(digits.length)]; } // header digit
        else if (kind === 2) b = b.subarray(0, int(b.length));                              // truncation
        else if (kind === 3) { const p = int(b.length); b.fill(int(256), p, p + int(64)); } // smear
        else if (kind === 4) { const c = int(Math.min(36 * 4, b.length / 80)) * 80; b.fill(0x20, c, c + 80); } // blank a card
        else if (kind === 5) { const p = int(b.length); for (let i = p; i < Math.min(b.length, p + 8); i++) b[i] ^= 0xff; } // flip bits
        else {
          // replace an integer value card (NAXISn, BITPIX, PCOUNT, TFORM repeat, ZTILE, ...) with a nasty value
          const ncard = Math.min(36 * 6, Math.floor(b.length / 80));
          const c = int(ncard) * 80;
          const text = new TextDecoder('latin1').decode(b.subarray(c, c + 80));
          if (/^[A-Z0-9_-]{1,8} *= +[-+]?\d+ /.test(text.padEnd(31))) {
            const nasty = [-1, 0, 1, 3, 7, 2 ** 31 - 1, 2 ** 31, 1e9, 2 ** 53, int(100000)][int(10)];
            b.set(enc.encode(`${text.slice(0, 10)}${String(nasty).padStart(20)}`.padEnd(80)), c);
          }
        }
      }
      try {
        parseFits(b, `case${k}.fits`);
        parsed++;
      } catch (e) {
        if (!(e instanceof FitsError)) {
          throw new Error(`case ${k} (${files[k % files.length]}): ${(e as Error).stack}`);
        }
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(4000);
    expect(rejected).toBeGreaterThan(100);
    expect(parsed).toBeGreaterThan(100);
  });
});
