// Reading FITS files: HDU structure (FITS Standard 4.0 §3, §7), image decoding (§5.2–5.3,
// BSCALE/BZERO/BLANK), tables (table.ts) and tile-compressed images (compress.ts).
// Images are decoded in one pass: big-endian bytes are swapped in place with Node's native
// Buffer.swap16/32/64 and viewed as typed arrays, so a float32 image costs one memory pass.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FitsError } from './errors.ts';
import { Header } from './header.ts';
import { decodeTable, type TableColumn, type ColumnInfo } from './table.ts';
import { decompressImage } from './compress.ts';

export interface ImageHdu {
  kind: 'image';
  index: number;
  name: string;
  header: Header;
  /** [NAXIS1, NAXIS2, ...] (FITS order: width first). */
  shape: number[];
  /** Scaled physical values (BSCALE/BZERO applied), BLANK → NaN; null when NAXIS = 0. */
  data: Float32Array | Float64Array | null;
  /** BITPIX as stored (ZBITPIX for tile-compressed images). */
  bitpix: number;
  /** ZCMPTYPE of a tile-compressed image (e.g. 'RICE_1'), else undefined. */
  compression?: string;
  /**
   * Integer pixels as stored, when read with `{ lazy: true }` (BITPIX 8/16/32): byte-swapped to native
   * order on first access, and `data` decoded to floats only when first accessed.
   */
  stored?: StoredPixels;
}

export interface TableHdu {
  kind: 'table';
  index: number;
  name: string;
  header: Header;
  nrows: number;
  columns: Record<string, TableColumn>;
  /** Per-column format details (TFORM, repeat, unit), in column order. */
  columnInfo: ColumnInfo[];
  tableType: 'BINTABLE' | 'TABLE';
  bitpix: number;
}

export type Hdu = ImageHdu | TableHdu;

/** THE image product passed between stages. */
export interface Image {
  width: number;
  height: number;
  /** Row-major, data[y * width + x], physical units given by header BUNIT. */
  data: Float32Array;
  header: Header;
  /** Integer pixels as stored (only from a `{ lazy: true }` read of an integer image; `data` is then decoded on first access). */
  stored?: StoredPixels;
}

/**
 * Integer pixels kept undecoded (native byte order): physical = values[i] × bscale + bzero, and
 * values[i] === blank → NaN (FITS §5.3). The unsigned conventions (BITPIX 16/32 with BZERO 2^15/2^31)
 * come as Uint16Array/Uint32Array with bzero 0, i.e. the values are already physical.
 */
export interface StoredPixels {
  values: Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
  bscale: number;
  bzero: number;
  blank?: number;
}

export interface ReadOptions {
  /** Keep integer images undecoded until `data` is used (see StoredPixels). Default false. */
  lazy?: boolean;
}

/** Whether an image HDU has pixels, without decoding lazily read ones. */
function hasData(h: ImageHdu): boolean {
  return 'stored' in h || h.data !== null; // `in`: does not trigger a lazy decode
}

const BLOCK = 2880;
/** Largest decoded array we accept (elements); guards against absurd NAXISn before allocating. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Reads every HDU of a FITS file (.fits, .fits.gz, tile-compressed extensions). */
export function readFits(path: string, opts: ReadOptions = {}): Hdu[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new FitsError('is a directory, not a FITS file', { file: path });
    if (code === 'ENOENT') throw new FitsError('no such file', { file: path });
    throw err;
  }
  try {
    return parseFits(buf, path, true, opts);
  } catch (e) {
    if (e instanceof FitsError) throw e;
    // Safety net: any other decoding failure still becomes a typed, one-line error.
    throw new FitsError(`cannot decode file (${(e as Error).message})`, { file: path });
  }
}

/** Reads a single image HDU: by index or EXTNAME, default 'SCI' if present, else the first image with data. */
export function readImage(path: string, opts: { hdu?: number | string } & ReadOptions = {}): Image {
  const hdus = readFits(path, { lazy: opts.lazy });
  const hdu = selectImageHdu(hdus, opts.hdu, path);
  return imageFromHdu(hdu, path);
}

export function selectImageHdu(hdus: Hdu[], which: number | string | undefined, file?: string): ImageHdu {
  let hdu: Hdu | undefined;
  if (which === undefined) {
    hdu = hdus.find((h) => h.kind === 'image' && h.name.toUpperCase() === 'SCI' && hasData(h));
    hdu ??= hdus.find((h) => h.kind === 'image' && hasData(h));
    if (!hdu) throw new FitsError('no image HDU with data', { file });
  } else {
    hdu = findHdu(hdus, which, file);
  }
  if (hdu.kind !== 'image') throw new FitsError('is a table, not an image', { file, hdu: which ?? hdu.index });
  if (!hasData(hdu)) throw new FitsError('image HDU has no data (NAXIS = 0)', { file, hdu: which ?? hdu.index });
  return hdu;
}

/** Finds an HDU by 0-based index, numeric string, or EXTNAME (case-insensitive). */
export function findHdu(hdus: Hdu[], which: number | string, file?: string): Hdu {
  if (typeof which === 'number' || /^\d+$/.test(which)) {
    const i = Number(which);
    if (i < 0 || i >= hdus.length) {
      throw new FitsError(`HDU index ${i} out of range (file has ${hdus.length} HDUs)`, { file });
    }
    return hdus[i];
  }
  const h = hdus.find((x) => x.name.toUpperCase() === which.toUpperCase());
  if (!h) throw new FitsError(`no HDU named '${which}' (have: ${hdus.map((x) => x.name || x.index).join(', ')})`, { file });
  return h;
}

/** Converts an image HDU to the 2-D Image product (extra axes must have length 1). */
export function imageFromHdu(hdu: ImageHdu, file?: string): Image {
  const shape = hdu.shape;
  const width = shape[0] ?? 0;
  const height = shape.length > 1 ? shape[1] : 1;
  if (shape.slice(2).some((n) => n !== 1)) {
    throw new FitsError(`image is ${shape.length}-D (${shape.join('×')}); read it with readFits`, { file, hdu: hdu.index });
  }
  if ('stored' in hdu) {
    const img = { width, height, header: hdu.header } as Image;
    lazyProperty(img, 'stored', () => hdu.stored);
    lazyProperty(img, 'data', () => { const d = hdu.data!; return d instanceof Float32Array ? d : Float32Array.from(d); });
    return img;
  }
  const d = hdu.data!;
  const data = d instanceof Float32Array ? d : Float32Array.from(d);
  return { width, height, data, header: hdu.header };
}

/** Defines `obj[key]` as computed once on first read (then a plain writable value). */
function lazyProperty<T extends object>(obj: T, key: string, compute: () => unknown): void {
  Object.defineProperty(obj, key, {
    configurable: true, enumerable: true,
    get() { const v = compute(); Object.defineProperty(obj, key, { value: v, writable: true, configurable: true, enumerable: true }); return v; },
    set(v: unknown) { Object.defineProperty(obj, key, { value: v, writable: true, configurable: true, enumerable: true }); },
  });
}

function maybeGunzip(buf: Uint8Array, file: string | undefined): Uint8Array {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return gunzipSync(buf, { maxOutputLength: 2 ** 32 - 1 }); // bounded: a gzip bomb becomes a FitsError
    } catch (e) {
      throw new FitsError(`corrupt or oversized gzip stream (${(e as Error).message})`, { file });
    }
  }
  return buf;
}

/** Parses FITS bytes. With `owned`, the buffer may be byte-swapped in place and viewed (zero copy). */
export function parseFits(bytes: Uint8Array, file?: string, owned = false, opts: ReadOptions = {}): Hdu[] {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = maybeGunzip(bytes, file);
    owned = true;
  }
  if (bytes.length < 80 || latin1(bytes, 0, 9) !== 'SIMPLE  =') {
    throw new FitsError('not a FITS file (does not start with SIMPLE =)', { file });
  }
  const hdus: Hdu[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const index = hdus.length;
    if (index > 0) {
      if (bytes.length - pos < 80) break;
      const head = latin1(bytes, pos, 9);
      if (head !== 'XTENSION=') {
        // Trailing bytes after the last HDU (zeros or junk): tolerated, as astropy does.
        if (hdus.length) hdus[0].header.warnings.push(`ignored ${bytes.length - pos} trailing bytes after HDU ${index - 1}`);
        break;
      }
    }
    const { header, end } = readHeader(bytes, pos, file, index);
    const hdu = parseHdu(bytes, header, end, index, file, owned, opts.lazy === true);
    hdus.push(hdu.hdu);
    pos = hdu.next;
  }
  return hdus;
}

function latin1(bytes: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = 0; i < len && start + i < bytes.length; i++) s += String.fromCharCode(bytes[start + i]);
  return s;
}

function readHeader(bytes: Uint8Array, start: number, file: string | undefined, hdu: number): { header: Header; end: number } {
  const h = new Header();
  let p = start;
  for (;;) {
    if (p + 80 > bytes.length) {
      throw new FitsError(
        p + 80 > bytes.length && p === start ? 'truncated header' : 'missing END card (file ends inside the header)',
        { file, hdu },
      );
    }
    const text = latin1(bytes, p, 80);
    p += 80;
    if (text.startsWith('END') && text.slice(3).trim() === '') break;
    h.pushParsed(text, file);
  }
  // the header occupies whole 2880-byte blocks
  const used = p - start;
  const end = start + Math.ceil(used / BLOCK) * BLOCK;
  return { header: h, end: Math.min(end, bytes.length) };
}

function intKey(h: Header, key: string, file: string | undefined, hdu: number, fallback?: number): number {
  const v = h.get(key);
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new FitsError(`missing required keyword ${key}`, { file, hdu });
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new FitsError(`keyword ${key} must be an integer (got ${JSON.stringify(v)})`, { file, hdu });
  }
  return v;
}

export function checkBitpix(bitpix: number, file: string | undefined, hdu: number | string): void {
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) {
    throw new FitsError(`unknown BITPIX ${bitpix} (allowed: 8, 16, 32, 64, -32, -64)`, { file, hdu });
  }
}

function parseHdu(
  bytes: Uint8Array, header: Header, dataStart: number, index: number, file: string | undefined, owned: boolean, lazy = false,
): { hdu: Hdu; next: number } {
  const bitpix = intKey(header, 'BITPIX', file, index);
  checkBitpix(bitpix, file, index);
  const naxis = intKey(header, 'NAXIS', file, index);
  if (naxis < 0 || naxis > 999) throw new FitsError(`invalid NAXIS ${naxis}`, { file, hdu: index });
  const shape: number[] = [];
  for (let i = 1; i <= naxis; i++) {
    const n = intKey(header, `NAXIS${i}`, file, index);
    if (n < 0) throw new FitsError(`negative NAXIS${i} = ${n}`, { file, hdu: index });
    shape.push(n);
  }
  const xt = index === 0 ? 'PRIMARY' : (header.getString('XTENSION') ?? '').trim().toUpperCase();
  const pcount = index === 0 ? 0 : intKey(header, 'PCOUNT', file, index, 0);
  const gcount = index === 0 ? 1 : intKey(header, 'GCOUNT', file, index, 1);
  if (pcount < 0 || gcount < 0) throw new FitsError('negative PCOUNT/GCOUNT', { file, hdu: index });
  if (index === 0 && naxis > 0 && shape[0] === 0 && header.get('GROUPS') === true) {
    throw new FitsError('random-groups primary HDUs are not supported', { file, hdu: index });
  }
  let nelem = naxis === 0 ? 0 : shape.reduce((a, b) => a * b, 1);
  const bytesPer = Math.abs(bitpix) / 8;
  const dataBytes = bytesPer * gcount * (pcount + nelem);
  if (!Number.isSafeInteger(dataBytes)) throw new FitsError(`absurd data size (NAXISn product ${nelem})`, { file, hdu: index });
  if (dataStart + dataBytes > bytes.length) {
    throw new FitsError(
      `truncated: data needs ${dataBytes} bytes (NAXIS ${shape.join('×') || 0}, BITPIX ${bitpix}) but only ${Math.max(0, bytes.length - dataStart)} remain`,
      { file, hdu: index },
    );
  }
  const next = dataStart + Math.ceil(dataBytes / BLOCK) * BLOCK;
  const extname = header.getString('EXTNAME')?.trim();
  const name = extname ?? (index === 0 ? 'PRIMARY' : '');

  if (xt === 'BINTABLE' || xt === 'TABLE' || xt === 'A3DTABLE') {
    if (naxis !== 2) throw new FitsError(`${xt} must have NAXIS = 2 (got ${naxis})`, { file, hdu: index });
    if (bitpix !== 8) throw new FitsError(`${xt} must have BITPIX = 8 (got ${bitpix})`, { file, hdu: index });
    const t = decodeTable(bytes, dataStart, header, xt === 'TABLE' ? 'TABLE' : 'BINTABLE', pcount, file, index);
    if (xt !== 'TABLE' && header.get('ZIMAGE') === true) {
      const img = decompressImage(t, header, file, index);
      return {
        hdu: { kind: 'image', index, name: img.header.getString('EXTNAME')?.trim() ?? (index === 0 ? 'PRIMARY' : ''),
          header: img.header, shape: img.shape, data: img.data, bitpix: img.bitpix, compression: img.compression },
        next,
      };
    }
    return {
      hdu: { kind: 'table', index, name, header, nrows: shape[1], columns: t.columns, columnInfo: t.info,
        tableType: xt === 'TABLE' ? 'TABLE' : 'BINTABLE', bitpix },
      next,
    };
  }
  if (xt !== 'PRIMARY' && xt !== 'IMAGE' && xt !== 'IUEIMAGE') {
    header.warnings.push(`unknown extension type '${xt}': data skipped`);
    nelem = 0;
  }
  if (nelem > MAX_ELEMENTS) throw new FitsError(`image too large (${nelem} pixels)`, { file, hdu: index });
  let data: Float32Array | Float64Array | null = null;
  if (nelem > 0 && lazy && bitpix > 0 && bitpix < 64) {
    // Nothing is decoded at read time: the big-endian bytes become native integers (`stored`) on first
    // use, and floats (`data`) only when asked for.
    const sc = scaling(header, bitpix, file, index);
    const hdu = { kind: 'image', index, name, header, shape, bitpix } as ImageHdu;
    lazyProperty(hdu, 'stored', () => storedPixels(bytes, dataStart, nelem, bitpix, sc, owned));
    lazyProperty(hdu, 'data', () => decodeStored(hdu.stored!, bitpix));
    return { hdu, next };
  }
  if (nelem > 0) {
    data = decodeImageData(bytes, dataStart, nelem, bitpix, scaling(header, bitpix, file, index), owned);
  }
  return { hdu: { kind: 'image', index, name, header, shape, data, bitpix }, next };
}

export interface Scaling { bscale: number; bzero: number; blank?: number }

function scaling(h: Header, bitpix: number, file: string | undefined, hdu: number): Scaling {
  const bscale = h.getNumber('BSCALE', 1)!;
  const bzero = h.getNumber('BZERO', 0)!;
  if (!Number.isFinite(bscale) || !Number.isFinite(bzero)) throw new FitsError('invalid BSCALE/BZERO', { file, hdu });
  const b = h.get('BLANK');
  const blank = bitpix > 0 && typeof b === 'number' && Number.isInteger(b) ? b : undefined;
  return { bscale, bzero, blank };
}

/**
 * Decodes big-endian image pixels into physical values (FITS §5.3: physical = BZERO + BSCALE × stored;
 * stored == BLANK → NaN for integer data). Float32Array for BITPIX 8/16/−32, Float64Array for 32/64/−64.
 */
export function decodeImageData(
  bytes: Uint8Array, start: number, n: number, bitpix: number, sc: Scaling, owned = false,
): Float32Array | Float64Array {
  const bp = Math.abs(bitpix) / 8;
  const len = n * bp;
  // Aligned private bytes we can swap in place (copy when the buffer is not ours or misaligned).
  let src: Uint8Array;
  if (owned && (bytes.byteOffset + start) % 8 === 0) {
    src = bytes.subarray(start, start + len);
  } else {
    src = new Uint8Array(len);
    src.set(bytes.subarray(start, start + len));
  }
  const sbuf = Buffer.from(src.buffer, src.byteOffset, len);
  if (bp === 2) sbuf.swap16();
  else if (bp === 4) sbuf.swap32();
  else if (bp === 8) sbuf.swap64();
  const { bscale, bzero, blank } = sc;
  const ident = bscale === 1 && bzero === 0;
  switch (bitpix) {
    case -32: {
      const v = new Float32Array(src.buffer, src.byteOffset, n);
      if (!ident) affine(v, bscale, bzero);
      return v;
    }
    case -64: {
      const v = new Float64Array(src.buffer, src.byteOffset, n);
      if (!ident) affine(v, bscale, bzero);
      return v;
    }
    case 8: {
      const out = new Float32Array(n);
      if (blank !== undefined) {
        for (let i = 0; i < n; i++) {
          const r = src[i];
          out[i] = r === blank ? NaN : r * bscale + bzero;
        }
      } else {
        out.set(src); // native widening
        if (!ident) affine(out, bscale, bzero);
      }
      return out;
    }
    case 16: {
      const raw = new Int16Array(src.buffer, src.byteOffset, n);
      const out = new Float32Array(n);
      if (blank !== undefined) {
        for (let i = 0; i < n; i++) {
          const r = raw[i];
          out[i] = r === blank ? NaN : r * bscale + bzero;
        }
      } else if (bscale === 1 && bzero === 32768) {
        // unsigned 16-bit convention: stored + 32768 is the stored bit pattern with the sign bit flipped
        flipSignBits(src, 2);
        out.set(new Uint16Array(src.buffer, src.byteOffset, n));
      } else {
        out.set(raw);
        if (!ident) affine(out, bscale, bzero);
      }
      return out;
    }
    case 32: {
      const raw = new Int32Array(src.buffer, src.byteOffset, n);
      const out = new Float64Array(n);
      if (blank !== undefined) {
        for (let i = 0; i < n; i++) {
          const r = raw[i];
          out[i] = r === blank ? NaN : r * bscale + bzero;
        }
      } else if (bscale === 1 && bzero === 2147483648) {
        flipSignBits(src, 4);
        out.set(new Uint32Array(src.buffer, src.byteOffset, n));
      } else {
        out.set(raw);
        if (!ident) affine(out, bscale, bzero);
      }
      return out;
    }
    case 64: {
      const raw = new BigInt64Array(src.buffer, src.byteOffset, n);
      const out = new Float64Array(n);
      const bb = blank === undefined ? undefined : BigInt(blank);
      for (let i = 0; i < n; i++) {
        const r = raw[i];
        out[i] = r === bb ? NaN : Number(r) * bscale + bzero;
      }
      return out;
    }
  }
  throw new FitsError(`unknown BITPIX ${bitpix}`);
}

/** Integer pixels in native byte order (one in-place swap of private bytes), not yet scaled. */
function storedPixels(bytes: Uint8Array, start: number, n: number, bitpix: number, sc: Scaling, owned: boolean): StoredPixels {
  const bp = bitpix / 8;
  const len = n * bp;
  let src: Uint8Array;
  if (owned && (bytes.byteOffset + start) % 8 === 0) src = bytes.subarray(start, start + len);
  else { src = new Uint8Array(len); src.set(bytes.subarray(start, start + len)); }
  const sbuf = Buffer.from(src.buffer, src.byteOffset, len);
  if (bp === 2) sbuf.swap16();
  else if (bp === 4) sbuf.swap32();
  const { bscale, bzero, blank } = sc;
  if (bitpix === 8) return { values: new Uint8Array(src.buffer, src.byteOffset, len), bscale, bzero, blank };
  if (blank === undefined && bscale === 1 && bzero === (bp === 2 ? 32768 : 2147483648)) {
    flipSignBits(src, bp as 2 | 4); // unsigned convention: values become the physical numbers
    return { values: bp === 2 ? new Uint16Array(src.buffer, src.byteOffset, n) : new Uint32Array(src.buffer, src.byteOffset, n), bscale: 1, bzero: 0 };
  }
  return { values: bp === 2 ? new Int16Array(src.buffer, src.byteOffset, n) : new Int32Array(src.buffer, src.byteOffset, n), bscale, bzero, blank };
}

/** Physical values of stored integer pixels: Float32Array for BITPIX 8/16, Float64Array for 32 (as decodeImageData). */
export function decodeStored(st: StoredPixels, bitpix: number): Float32Array | Float64Array {
  const { values, bscale, bzero, blank } = st;
  const n = values.length;
  const out = bitpix === 32 ? new Float64Array(n) : new Float32Array(n);
  if (blank !== undefined) {
    for (let i = 0; i < n; i++) { const r = values[i]!; out[i] = r === blank ? NaN : r * bscale + bzero; }
    return out;
  }
  out.set(values);
  if (bscale !== 1 || bzero !== 0) affine(out, bscale, bzero);
  return out;
}

function affine(v: Float32Array | Float64Array, bscale: number, bzero: number): void {
  const n = v.length;
  for (let i = 0; i < n; i++) v[i] = v[i] * bscale + bzero;
}

/** XORs the sign bit of every native-endian 16- or 32-bit element (src is 4-byte aligned here). */
export function flipSignBits(src: Uint8Array, bytes: 2 | 4): void {
  const words = src.length >> 2;
  const w = new Int32Array(src.buffer, src.byteOffset, words);
  const m = bytes === 2 ? 0x80008000 | 0 : 0x80000000 | 0;
  for (let i = 0; i < words; i++) w[i] ^= m;
  if (bytes === 2 && src.length % 4 === 2) {
    const last = new Uint16Array(src.buffer, src.byteOffset + src.length - 2, 1);
    last[0] ^= 0x8000;
  }
}
