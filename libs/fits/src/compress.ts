// Tile-compressed images (FITS Standard 4.0 §10; Pence, White & Seaman 2010 "Tiled image convention").
// The image is cut into tiles (ZTILEn, axis 1 fastest); each tile is one row of a BINTABLE holding the
// compressed bytes in a variable-length column COMPRESSED_DATA. Supported: RICE_1 (Rice 1979 coding of
// first differences, as in fpack/cfitsio), GZIP_1, GZIP_2 (byte-shuffled), NOCOMPRESS / UNCOMPRESSED_DATA;
// floating-point tiles quantized with ZSCALE/ZZERO and NO_DITHER, SUBTRACTIVE_DITHER_1 or _2 (§10.2).
// PLIO_1 and HCOMPRESS_1 are rejected with a FitsError.

import { gunzipSync } from 'node:zlib';
import { FitsError } from './errors.ts';
import { Header } from './header.ts';
import type { ColumnInfo, TableColumn, TypedColumn } from './table.ts';
import { checkBitpix, MAX_ELEMENTS } from './read.ts';

const N_RANDOM = 10000;
let RANDOMS: Float64Array | undefined;

/** The 10 000 uniform deviates of §10.2.3 (Park & Miller minimal standard generator, seed 1). */
export function ditherRandoms(): Float64Array {
  if (RANDOMS) return RANDOMS;
  const r = new Float64Array(N_RANDOM);
  const a = 16807, m = 2147483647;
  let seed = 1;
  for (let i = 0; i < N_RANDOM; i++) {
    const temp = a * seed;
    seed = temp - m * Math.trunc(temp / m);
    r[i] = seed / m;
  }
  RANDOMS = r;
  return r;
}

const NULL_VALUE = -2147483647; // quantized "undefined" value (cfitsio convention, also ZBLANK)
const ZERO_VALUE = -2147483646; // SUBTRACTIVE_DITHER_2 exact zero

export interface DecompressedImage {
  header: Header; shape: number[]; data: Float32Array | Float64Array | null; bitpix: number; compression: string;
}

export function decompressImage(
  t: { columns: Record<string, TableColumn>; info: ColumnInfo[] }, h: Header, file: string | undefined, hdu: number,
): DecompressedImage {
  const err = (msg: string): FitsError => new FitsError(msg, { file, hdu });
  const zbitpix = h.getNumber('ZBITPIX');
  if (zbitpix === undefined) throw err('compressed image without ZBITPIX');
  checkBitpix(zbitpix, file, hdu);
  const znaxis = h.getNumber('ZNAXIS', 0)!;
  if (!Number.isInteger(znaxis) || znaxis < 0 || znaxis > 999) throw err(`invalid ZNAXIS ${znaxis}`);
  const shape: number[] = [];
  const tile: number[] = [];
  for (let i = 1; i <= znaxis; i++) {
    const n = h.getNumber(`ZNAXIS${i}`);
    if (n === undefined || !Number.isInteger(n) || n < 0) throw err(`missing or invalid ZNAXIS${i}`);
    shape.push(n);
    const tl = h.getNumber(`ZTILE${i}`, i === 1 ? n : 1)!;
    if (!Number.isInteger(tl) || tl < 1) throw err(`invalid ZTILE${i} ${tl}`);
    tile.push(Math.min(tl, Math.max(n, 1)));
  }
  const cmp = (h.getString('ZCMPTYPE') ?? '').trim().toUpperCase();
  const header = imageHeader(h);
  const nelem = znaxis === 0 ? 0 : shape.reduce((a, b) => a * b, 1);
  if (nelem > MAX_ELEMENTS) throw err(`compressed image too large (${nelem} pixels)`);
  if (nelem === 0) return { header, shape, data: null, bitpix: zbitpix, compression: cmp };
  if (!['RICE_1', 'RICE_ONE', 'GZIP_1', 'GZIP_2', 'NOCOMPRESS'].includes(cmp)) {
    throw err(`unsupported tile compression '${cmp}' (supported: RICE_1, GZIP_1, GZIP_2)`);
  }
  // compression parameters
  const params: Record<string, number> = {};
  for (let i = 1; i < 100; i++) {
    const name = h.getString(`ZNAME${i}`);
    if (name === undefined) break;
    const v = h.getNumber(`ZVAL${i}`);
    if (v !== undefined) params[name.trim().toUpperCase()] = v;
  }
  const blocksize = params.BLOCKSIZE ?? 32;
  const quantiz = (h.getString('ZQUANTIZ') ?? 'NO_DITHER').trim().toUpperCase();
  const dither0 = h.getNumber('ZDITHER0', 0)!;

  const col = (name: string): TableColumn | undefined => t.columns[name];
  const cdata = col('COMPRESSED_DATA') as TypedColumn[] | undefined;
  const gdata = col('GZIP_COMPRESSED_DATA') as TypedColumn[] | undefined;
  const udata = col('UNCOMPRESSED_DATA') as TypedColumn[] | undefined;
  const zscaleCol = col('ZSCALE') as Float64Array | undefined;
  const zzeroCol = col('ZZERO') as Float64Array | undefined;
  const zblankCol = col('ZBLANK') as Int32Array | undefined;
  if (!cdata && !udata) throw err('compressed image has no COMPRESSED_DATA column');
  const zscaleKey = h.getNumber('ZSCALE');
  const zzeroKey = h.getNumber('ZZERO');
  const zblankKey = h.getNumber('ZBLANK');
  const isFloat = zbitpix < 0;
  const bscale = isFloat ? 1 : h.getNumber('BSCALE', 1)!;
  const bzero = isFloat ? 0 : h.getNumber('BZERO', 0)!;
  const blank = isFloat ? undefined : h.getNumber('BLANK');

  // tiles, axis 1 fastest
  const ntiles = shape.map((n, i) => Math.ceil(n / tile[i]));
  const totalTiles = ntiles.reduce((a, b) => a * b, 1);
  const nrows = (cdata ?? udata)!.length;
  if (nrows < totalTiles) throw err(`compressed image has ${nrows} tiles, expected ${totalTiles}`);
  // Sizes are checked before allocating: no codec here expands one stored byte into more than
  // ~260 pixels (gzip's limit is ~1032:1 bytes), so a larger claimed image is corrupt.
  let stored = 0;
  for (const c of [cdata, gdata, udata]) if (c) for (let r = 0; r < c.length; r++) stored += c[r].byteLength;
  if (nelem > 1_000_000 && nelem > 2048 * (stored + 1)) {
    throw err(`compressed image claims ${shape.join('×')} pixels from only ${stored} stored bytes`);
  }
  const out: Float32Array | Float64Array = zbitpix === -64 || zbitpix === 32 || zbitpix === 64 ? new Float64Array(nelem) : new Float32Array(nelem);
  const strides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const tIdx = new Array(znaxis).fill(0);
  const rnd = ditherRandoms();
  for (let row = 0; row < totalTiles; row++) {
    // tile extent
    const t0 = tIdx.map((k, i) => k * tile[i]);
    const tdim = t0.map((s, i) => Math.min(tile[i], shape[i] - s));
    const tn = tdim.reduce((a, b) => a * b, 1);
    const zscale = zscaleCol ? zscaleCol[row] : zscaleKey;
    const zzero = zzeroCol ? zzeroCol[row] : (zzeroKey ?? 0);
    const zblank = zblankCol ? zblankCol[row] : zblankKey;
    let vals: ArrayLike<number>;
    let quantized = isFloat && zscale !== undefined;
    const cbytes = cdata?.[row] as Uint8Array | undefined;
    try {
      if (cbytes && cbytes.length > 0) {
        if (cmp === 'RICE_1' || cmp === 'RICE_ONE') {
          const bytepix = isFloat ? 4 : (params.BYTEPIX ?? Math.abs(zbitpix) / 8);
          if (![1, 2, 4].includes(bytepix)) throw new Error(`RICE_1 with BYTEPIX ${bytepix} is not supported`);
          vals = riceDecode(cbytes, tn, blocksize, bytepix);
        } else if (cmp === 'GZIP_1' || cmp === 'GZIP_2') {
          const raw = gunzipSync(cbytes, { maxOutputLength: tn * 8 + 16 });
          vals = decodeGzipTile(raw, tn, cmp === 'GZIP_2', isFloat && !quantized ? zbitpix : 0);
        } else {
          throw new Error(`${cmp} tile has compressed data`);
        }
      } else if (gdata?.[row] && gdata[row].length > 0) {
        // tile stored losslessly (gzip of the raw values) because it could not be quantized
        const raw = gunzipSync(gdata[row] as Uint8Array, { maxOutputLength: tn * 8 + 16 });
        vals = decodeGzipTile(raw, tn, false, zbitpix);
        quantized = false;
      } else if (udata?.[row] && udata[row].length > 0) {
        vals = udata[row] as TypedColumn;
        quantized = false;
      } else {
        throw new Error('empty tile');
      }
    } catch (e) {
      if (e instanceof FitsError) throw e;
      throw err(`corrupt compressed tile ${row + 1} (${(e as Error).message})`);
    }
    if (vals.length < tn) throw err(`corrupt compressed tile ${row + 1} (decoded ${vals.length} of ${tn} pixels)`);
    // dequantize / scale into the tile's place in the image
    const dither = quantiz === 'SUBTRACTIVE_DITHER_1' || quantiz === 'SUBTRACTIVE_DITHER_2';
    let iseed = 0, nextrand = 0;
    if (quantized && dither) {
      iseed = (((row + dither0 - 1) % N_RANDOM) + N_RANDOM) % N_RANDOM;
      nextrand = Math.trunc(rnd[iseed] * 500);
    }
    const nullv = zblank ?? (quantized ? NULL_VALUE : undefined);
    const d2 = quantiz === 'SUBTRACTIVE_DITHER_2';
    const intBlank = zblank ?? blank;
    // The tile is a run of tdim[0] contiguous pixels per (axis 2.., …) position: scatter run by run.
    const run = tdim[0];
    const nruns = tn / run;
    const local = new Array(znaxis).fill(0);
    let k = 0;
    for (let r = 0; r < nruns; r++) {
      let base = t0[0];
      for (let i = 1; i < znaxis; i++) base += (t0[i] + local[i]) * strides[i];
      if (quantized && dither) {
        const zs = zscale!;
        for (let x = 0; x < run; x++, k++) {
          const v = vals[k];
          out[base + x] = v === nullv ? NaN : d2 && v === ZERO_VALUE ? 0 : (v - rnd[nextrand] + 0.5) * zs + zzero;
          if (++nextrand === N_RANDOM) {
            if (++iseed === N_RANDOM) iseed = 0;
            nextrand = Math.trunc(rnd[iseed] * 500);
          }
        }
      } else if (quantized) {
        const zs = zscale!;
        for (let x = 0; x < run; x++, k++) {
          const v = vals[k];
          out[base + x] = v === nullv ? NaN : v * zs + zzero;
        }
      } else if (isFloat) {
        for (let x = 0; x < run; x++, k++) out[base + x] = vals[k];
      } else {
        for (let x = 0; x < run; x++, k++) {
          const v = vals[k];
          out[base + x] = v === intBlank ? NaN : v * bscale + bzero;
        }
      }
      for (let i = 1; i < znaxis; i++) {
        if (++local[i] < tdim[i]) break;
        local[i] = 0;
      }
    }
    for (let i = 0; i < znaxis; i++) {
      if (++tIdx[i] < ntiles[i]) break;
      tIdx[i] = 0;
    }
  }
  return { header, shape, data: out, bitpix: zbitpix, compression: cmp };
}

/** Big-endian values of a gunzipped tile; element size from the byte count (or the float BITPIX). */
function decodeGzipTile(raw: Uint8Array, n: number, shuffled: boolean, floatBitpix: number): ArrayLike<number> {
  const es = raw.length / n;
  if (![1, 2, 4, 8].includes(es)) throw new Error(`gzip tile has ${raw.length} bytes for ${n} pixels`);
  let b = raw;
  if (shuffled && es > 1) {
    // GZIP_2: bytes grouped by significance (all first bytes, then all second bytes, ...)
    b = new Uint8Array(raw.length);
    for (let i = 0; i < n; i++) for (let k = 0; k < es; k++) b[i * es + k] = raw[k * n + i];
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float64Array(n);
  if (floatBitpix === -32 && es === 4) for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4);
  else if (floatBitpix === -64 && es === 8) for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8);
  else if (es === 1) for (let i = 0; i < n; i++) out[i] = b[i];
  else if (es === 2) for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2);
  else if (es === 4) for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4);
  else for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8));
  return out;
}

/**
 * Rice decoding (Rice 1979; the fpack/cfitsio "RICE_1" layout, Pence et al. 2009 PASP 121, 414):
 * first pixel raw in `bytepix` bytes, then blocks of `blocksize` mapped first differences, each block
 * prefixed by its split parameter fs (fsbits bits, stored +1). fs = −1: all differences 0; fs = fsmax:
 * differences stored raw in bbits bits; else each difference is a unary high part + fs low bits.
 */
export function riceDecode(c: Uint8Array, n: number, blocksize: number, bytepix: number): Int32Array | Int16Array | Uint8Array {
  const fsbits = bytepix === 1 ? 3 : bytepix === 2 ? 4 : 5;
  const fsmax = bytepix === 1 ? 6 : bytepix === 2 ? 14 : 25;
  const bbits = 8 * bytepix;
  const len = c.length;
  if (len < bytepix) throw new Error('Rice tile shorter than its first pixel');
  if (!(blocksize > 0)) throw new Error(`bad BLOCKSIZE ${blocksize}`);
  // Work in int32; the output type narrows (Int16Array / Uint8Array stores wrap modulo 2^16 / 2^8).
  const out = bytepix === 1 ? new Uint8Array(n) : bytepix === 2 ? new Int16Array(n) : new Int32Array(n);
  let last = 0;
  for (let k = 0; k < bytepix; k++) last = (last << 8) | c[k];
  const wrapShift = 32 - bbits; // sign-extend / wrap to the pixel width
  let p = bytepix;
  let b = 0; // pending bits, the low `nbits` bits are valid (nbits < 32)
  let nbits = 0;
  const early = (): never => { throw new Error('Rice tile ends early'); };
  for (let i = 0; i < n; ) {
    while (nbits < fsbits) { if (p >= len) early(); b = (b << 8) | c[p++]; nbits += 8; }
    nbits -= fsbits;
    const fs = (b >>> nbits) - 1;
    b &= (1 << nbits) - 1;
    const imax = i + blocksize < n ? i + blocksize : n;
    if (fs < 0) {
      // low-entropy block: all differences zero
      for (; i < imax; i++) out[i] = last;
    } else if (fs === fsmax) {
      // high-entropy block: differences stored raw in bbits bits (read 16 at a time)
      for (; i < imax; i++) {
        let diff = 0;
        for (let got = 0; got < bbits; got += 16) {
          const k = bbits - got >= 16 ? 16 : bbits - got;
          while (nbits < k) { if (p >= len) early(); b = (b << 8) | c[p++]; nbits += 8; }
          nbits -= k;
          diff = diff * (1 << k) + (b >>> nbits);
          b &= (1 << nbits) - 1;
        }
        const d = diff % 2 === 0 ? diff / 2 : -(diff + 1) / 2;
        last = ((last + d) << wrapShift) >> wrapShift;
        out[i] = last;
      }
    } else if (fs > fsmax) {
      throw new Error(`bad Rice split parameter ${fs}`);
    } else {
      const scale = 2 ** fs;
      for (; i < imax; i++) {
        // unary part: count zero bits up to the next 1
        let nzero = 0;
        while (b === 0) { nzero += nbits; if (p >= len) early(); b = c[p++]; nbits = 8; }
        const msb = 31 - Math.clz32(b);
        nzero += nbits - 1 - msb;
        nbits = msb;
        b &= (1 << nbits) - 1;
        // fs low bits
        while (nbits < fs) { if (p >= len) early(); b = (b << 8) | c[p++]; nbits += 8; }
        nbits -= fs;
        const low = b >>> nbits;
        b &= (1 << nbits) - 1;
        const diff = nzero * scale + low;
        const d = diff % 2 === 0 ? diff / 2 : -(diff + 1) / 2;
        last = ((last + d) << wrapShift) >> wrapShift;
        out[i] = last;
      }
    }
  }
  return out;
}

/** The image header of a compressed HDU (§10.1: Z keywords mapped back, table keywords removed). */
function imageHeader(h: Header): Header {
  const out = new Header();
  const zsimple = h.get('ZSIMPLE');
  if (zsimple !== undefined) out.set('SIMPLE', zsimple === true);
  else out.set('XTENSION', (h.getString('ZTENSION') ?? 'IMAGE').trim() || 'IMAGE', 'Image extension');
  out.set('BITPIX', h.getNumber('ZBITPIX')!, 'array data type');
  const znaxis = h.getNumber('ZNAXIS', 0)!;
  out.set('NAXIS', znaxis, 'number of array dimensions');
  for (let i = 1; i <= znaxis; i++) out.set(`NAXIS${i}`, h.getNumber(`ZNAXIS${i}`)!);
  if (zsimple !== undefined) {
    if (h.has('ZEXTEND')) out.set('EXTEND', h.get('ZEXTEND')!);
  } else {
    out.set('PCOUNT', h.getNumber('ZPCOUNT', 0)!);
    out.set('GCOUNT', h.getNumber('ZGCOUNT', 1)!);
  }
  const drop = /^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|THEAP|T(TYPE|FORM|UNIT|SCAL|ZERO|NULL|DISP|DIM)\d+|ZIMAGE|ZSIMPLE|ZTENSION|ZEXTEND|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZMASKCMP|ZQUANTIZ|ZDITHER0|ZPCOUNT|ZGCOUNT|ZCHECKSUM|ZDATASUM|ZHECKSUM|ZBLOCKED|ZSCALE|ZZERO|ZBLANK|CHECKSUM|DATASUM)$/;
  for (const c of h.cards) {
    if (c.value !== undefined && drop.test(c.key)) continue;
    out.cards.push(c);
  }
  out.warnings = [...h.warnings];
  return out;
}
