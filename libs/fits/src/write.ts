// Writing FITS files: images (BITPIX −32, −64, 8, 16, 32; integer output with BSCALE/BZERO/BLANK),
// binary tables, multi-extension files. Header cards passed in are carried over (structural
// keywords are regenerated). Files are written atomically: temp file in the same directory + rename.

import { writeAllSync, writeFileAtomicWith } from '@asteris/core';
import { FitsError } from './errors.ts';
import { Header } from './header.ts';
import { flipSignBits, type Image } from './read.ts';
import { encodeBinTable, isStructuralTableKey, type WriteColumn } from './table.ts';

export type WriteImageData = Float32Array | Float64Array | Int16Array | Int32Array | Uint8Array | Uint16Array;

/**
 * Int32 image data produced on demand, for maps too large to hold in memory (e.g. a segmentation kept as
 * row runs): `read(i0, i1, out)` writes elements [i0, i1) (FITS order, NAXIS1 fastest) into out[0 .. i1 − i0).
 * Written as BITPIX 32 in chunks of about 1 MB.
 */
export interface Int32Source { kind: 'int32-source'; length: number; read(i0: number, i1: number, out: Int32Array): void }

export interface WriteImageHdu {
  header?: Header;
  name?: string;
  data?: WriteImageData | Int32Source | null;
  /** [NAXIS1, NAXIS2, ...]; default [data.length] */
  shape?: number[];
  /** Stored type; default from the array type (Float32→−32, Float64→−64, Int16/Uint16→16, Int32→32, Uint8→8). */
  bitpix?: -32 | -64 | 8 | 16 | 32;
  /** For integer BITPIX with float data: stored = round((value − bzero) / bscale); NaN → BLANK. */
  bscale?: number;
  bzero?: number;
}

export interface WriteTableHdu {
  table: Record<string, WriteColumn>;
  name?: string;
  header?: Header;
  units?: Record<string, string>;
}

export type WriteHdu = WriteImageHdu | WriteTableHdu;

const BLOCK = 2880;

/** Writes HDUs to `path` atomically; the first is the primary HDU (an empty primary is added before a table). */
export function writeFits(path: string, hdus: WriteHdu[]): void {
  const parts = encodeParts(hdus, path);
  // Stream: header, then the data converted to big-endian in cache-sized chunks, then zero padding,
  // into a temporary sibling that is fsynced and renamed over `path` (@asteris/core writeFileAtomicWith).
  writeFileAtomicWith(path, (fd) => {
    const scratch = Buffer.allocUnsafeSlow(CHUNK);
    for (const p of parts) {
      writeAllSync(fd, p.header);
      const per = Math.max(1, Math.floor(CHUNK / p.bytesPer));
      for (let i0 = 0; i0 < p.count; i0 += per) {
        const i1 = Math.min(p.count, i0 + per);
        p.fill(scratch, 0, i0, i1);
        writeAllSync(fd, scratch.subarray(0, (i1 - i0) * p.bytesPer));
      }
      const pad = padTo(p.dataLen) - p.dataLen;
      if (pad) writeAllSync(fd, new Uint8Array(pad));
    }
  });
}

const CHUNK = 1 << 20;

/** Writes an image as the primary HDU, or as an 'SCI' extension when extra HDUs follow. */
export function writeImage(path: string, image: Image, extra: WriteHdu[] = []): void {
  if (image.data.length !== image.width * image.height) {
    throw new FitsError(`image data has ${image.data.length} values, expected ${image.width}×${image.height}`, { file: path });
  }
  const hdu: WriteImageHdu = { header: image.header, data: image.data, shape: [image.width, image.height] };
  writeFits(path, extra.length ? [{}, { ...hdu, name: 'SCI' }, ...extra] : [hdu]);
}

/** Writes columns as a BINTABLE extension after an empty primary HDU. */
export function writeTable(
  path: string, columns: Record<string, WriteColumn>, opts: { name?: string; header?: Header; units?: Record<string, string> } = {},
): void {
  writeFits(path, [{}, { table: columns, ...opts }]);
}

/** Atomic file write (temp sibling + fsync + rename), shared from @asteris/core. */
export { writeFileAtomic as writeAtomic } from '@asteris/core';

function isTable(h: WriteHdu): h is WriteTableHdu {
  return (h as WriteTableHdu).table !== undefined;
}

const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|BSCALE|BZERO|BLANK|END|CHECKSUM|DATASUM|GROUPS|ZIMAGE|ZSIMPLE|ZBITPIX|ZNAXIS\d*|ZTILE\d*|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZDITHER0|ZEXTEND|ZBLOCKED|ZPCOUNT|ZGCOUNT|ZHECKSUM|ZDATASUM|ZTENSION|ZMASKCMP)$/;

function padTo(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

interface Part {
  header: Uint8Array;
  dataLen: number;
  /** number of data elements and bytes per element */
  count: number;
  bytesPer: number;
  /** writes big-endian elements [i0, i1) at out[off...] */
  fill: (out: Buffer, off: number, i0: number, i1: number) => void;
}

function encodeParts(hdus: WriteHdu[], file?: string): Part[] {
  const list = hdus.length === 0 ? [{}] : [...hdus];
  if (isTable(list[0])) list.unshift({});
  return list.map((hdu, index) => {
    if (isTable(hdu)) {
      const t = encodeBinTable(hdu.table, hdu);
      return { header: t.header.toBytes(), dataLen: t.data.length, count: t.data.length, bytesPer: 1,
        fill: (out: Buffer, off: number, i0: number, i1: number) => out.set(t.data.subarray(i0, i1), off) };
    }
    return encodeImageHdu(hdu, index === 0, file, index);
  });
}

/** Encodes HDUs to FITS bytes (in memory). */
export function encodeFits(hdus: WriteHdu[], file?: string): Uint8Array {
  const parts = encodeParts(hdus, file);
  let total = 0;
  for (const p of parts) total += p.header.length + padTo(p.dataLen);
  const out = Buffer.alloc(total);
  let off = 0;
  for (const p of parts) {
    out.set(p.header, off);
    off += p.header.length;
    p.fill(out, off, 0, p.count);
    off += padTo(p.dataLen);
  }
  return out;
}

function defaultBitpix(d: WriteImageData): -32 | -64 | 8 | 16 | 32 {
  if (d instanceof Float32Array) return -32;
  if (d instanceof Float64Array) return -64;
  if (d instanceof Int16Array || d instanceof Uint16Array) return 16;
  if (d instanceof Int32Array) return 32;
  if (d instanceof Uint8Array) return 8;
  throw new FitsError('unsupported image data array type');
}

function isSource(d: unknown): d is Int32Source {
  return !!d && (d as Int32Source).kind === 'int32-source';
}

function encodeImageHdu(
  hdu: WriteImageHdu, primary: boolean, file: string | undefined, index: number,
): Part {
  if (isSource(hdu.data)) {
    // streamed Int32 data: the header of an Int32 image of the same shape, the data from the source
    const src = hdu.data;
    if (hdu.bitpix !== undefined && hdu.bitpix !== 32) throw new FitsError(`an Int32 source is written as BITPIX 32 (got ${hdu.bitpix})`, { file, hdu: index });
    const shape = hdu.shape ?? [src.length];
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== src.length) throw new FitsError(`shape ${shape.join('×')} does not match ${src.length} data values`, { file, hdu: index });
    return {
      header: imageHeader(hdu, primary, 32, shape, 1, 0, undefined).toBytes(), dataLen: n * 4, count: n, bytesPer: 4,
      fill: (out: Buffer, off: number, i0: number, i1: number) => {
        src.read(i0, i1, new Int32Array(out.buffer, out.byteOffset + off, i1 - i0));
        out.subarray(off, off + (i1 - i0) * 4).swap32();
      },
    };
  }
  const data = hdu.data ?? null;
  const shape = data ? (hdu.shape ?? [data.length]) : [];
  const n = shape.reduce((a, b) => a * b, 1);
  if (data && n !== data.length) {
    throw new FitsError(`shape ${shape.join('×')} does not match ${data.length} data values`, { file, hdu: index });
  }
  const bitpix = data ? (hdu.bitpix ?? defaultBitpix(data)) : 8;
  if (![8, 16, 32, -32, -64].includes(bitpix)) throw new FitsError(`cannot write BITPIX ${bitpix}`, { file, hdu: index });
  const isFloatData = data instanceof Float32Array || data instanceof Float64Array;
  // Integer encoding: physical = bzero + bscale × stored (FITS §5.3).
  let bscale = 1;
  let bzero = 0;
  let blank: number | undefined;
  if (data && bitpix > 0) {
    if (data instanceof Uint16Array && bitpix === 16) bzero = 32768;
    else if (data instanceof Uint8Array && bitpix === 8) bzero = 0;
    else if (isFloatData) {
      bscale = hdu.bscale ?? 1;
      bzero = hdu.bzero ?? 0;
      for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) { blank = bitpix === 8 ? 255 : bitpix === 16 ? -32768 : -2147483648; break; }
    }
    if (!(bscale > 0) || !Number.isFinite(bzero)) throw new FitsError('invalid bscale/bzero', { file, hdu: index });
  }

  const bp = Math.abs(bitpix) / 8;
  const dataLen = data ? n * bp : 0;
  const fill = (out: Buffer, off: number, i0: number, i1: number): void => {
    if (!data) return;
    const m = i1 - i0;
    const ab = out.buffer;
    const o = out.byteOffset + off;
    if ((o % bp) !== 0) throw new Error('internal: misaligned output');
    switch (bitpix) {
      case -32: {
        if (data instanceof Float32Array) out.set(new Uint8Array(data.buffer, data.byteOffset + i0 * 4, m * 4), off);
        else new Float32Array(ab, o, m).set((data as Float64Array).subarray(i0, i1));
        break;
      }
      case -64: new Float64Array(ab, o, m).set((data as Float64Array).subarray(i0, i1) as ArrayLike<number>); break;
      case 8: case 16: case 32: {
        const t = bitpix === 8 ? new Uint8Array(ab, o, m) : bitpix === 16 ? new Int16Array(ab, o, m) : new Int32Array(ab, o, m);
        const lo = bitpix === 8 ? 0 : bitpix === 16 ? -32768 : -2147483648;
        const hi = bitpix === 8 ? 255 : bitpix === 16 ? 32767 : 2147483647;
        // integer source whose whole range fits the stored type: no rounding or range checks
        const safe = (data instanceof Uint8Array && (bitpix === 8 || bzero === 0))
          || (data instanceof Int16Array && bitpix >= 16) || (data instanceof Uint16Array && bitpix === 16 && bzero === 32768)
          || (data instanceof Int32Array && bitpix === 32);
        if (safe && bscale === 1) {
          if (bzero === 0) t.set(data.subarray(i0, i1) as ArrayLike<number>);
          else {
            // unsigned → stored: copy the bits, then flip the sign bit (u − 32768 in two's complement)
            new Uint16Array(ab, o, m).set((data as Uint16Array).subarray(i0, i1));
            flipSignBits(new Uint8Array(ab, o, m * 2), 2);
          }
        } else if (!isFloatData && bscale === 1 && bzero === 0 && !(data instanceof Uint16Array)) {
          for (let i = 0; i < m; i++) {
            const v = data[i0 + i];
            if (v < lo || v > hi) throw new FitsError(`value ${v} does not fit BITPIX ${bitpix}`, { file, hdu: index });
            t[i] = v;
          }
        } else {
          for (let i = 0; i < m; i++) {
            const v = data[i0 + i];
            if (Number.isNaN(v)) { t[i] = blank!; continue; }
            const s = Math.round((v - bzero) / bscale);
            if (s < lo || s > hi) throw new FitsError(`value ${v} does not fit BITPIX ${bitpix} with BSCALE ${bscale}, BZERO ${bzero}`, { file, hdu: index });
            t[i] = s;
          }
        }
        break;
      }
    }
    const region = out.subarray(off, off + m * bp);
    if (bp === 2) region.swap16();
    else if (bp === 4) region.swap32();
    else if (bp === 8) region.swap64();
  };
  return { header: imageHeader(hdu, primary, bitpix, shape, bscale, bzero, blank).toBytes(), dataLen, count: data ? n : 0, bytesPer: bp, fill };
}

/** The header of an image HDU: structural keywords, then the caller's cards (structural ones regenerated). */
function imageHeader(
  hdu: WriteImageHdu, primary: boolean, bitpix: number, shape: number[], bscale: number, bzero: number, blank: number | undefined,
): Header {
  const h = new Header();
  if (primary) h.set('SIMPLE', true, 'conforms to FITS standard');
  else h.set('XTENSION', 'IMAGE', 'Image extension');
  h.set('BITPIX', bitpix, 'array data type');
  h.set('NAXIS', shape.length, 'number of array dimensions');
  shape.forEach((s, i) => h.set(`NAXIS${i + 1}`, s));
  if (primary) h.set('EXTEND', true);
  else {
    h.set('PCOUNT', 0, 'number of parameters');
    h.set('GCOUNT', 1, 'number of groups');
  }
  if (bscale !== 1) h.set('BSCALE', bscale);
  if (bzero !== 0) h.set('BZERO', bzero);
  if (blank !== undefined) h.set('BLANK', blank);
  if (hdu.header) {
    for (const c of hdu.header.cards) {
      if (c.value !== undefined && (STRUCTURAL.test(c.key) || isStructuralTableKey(c.key))) continue;
      if (c.key === 'EXTNAME' && hdu.name) continue;
      h.cards.push({ ...c, raw: c.raw ? [...c.raw] : undefined });
    }
  }
  if (hdu.name) h.insertAfter(primary ? 'EXTEND' : 'GCOUNT', 'EXTNAME', hdu.name, 'extension name');
  return h;
}
