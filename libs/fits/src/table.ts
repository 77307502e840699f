// FITS tables: binary tables (BINTABLE, FITS Standard 4.0 §7.3) and ASCII tables (TABLE, §7.2),
// decoded column by column into typed arrays; plus the BINTABLE encoder used by writeTable.
//
// Column types: L → boolean[], X → Uint8Array (packed bits), B → Uint8Array, I → Int16Array,
// J → Int32Array, K → Float64Array (int64 as numbers), E → Float32Array, D → Float64Array,
// C/M → Float32Array/Float64Array of interleaved (re, im), A → string[] (trailing blanks/NULs dropped),
// P/Q (variable-length arrays) → one typed array per row. A repeat count r > 1 gives a flat array of
// nrows × r values (see ColumnInfo.repeat). TZERO = 32768 on I / 2^31 on J / −128 on B give
// Uint16Array / Uint32Array / Int8Array; any other TSCAL/TZERO gives Float64Array.

import { FitsError } from './errors.ts';
import { Header } from './header.ts';

export type TypedColumn =
  | Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;
export type TableColumn = TypedColumn | string[] | boolean[] | TypedColumn[];

export interface ColumnInfo {
  name: string;
  tform: string;
  /** Type letter (L X B I J K A E D C M P Q for BINTABLE; A I F E D for ASCII). */
  type: string;
  repeat: number;
  unit?: string;
}

const SIZES: Record<string, number> = { L: 1, X: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };

interface BinCol { name: string; tform: string; type: string; repeat: number; offset: number; width: number; vlaType?: string;
  tscal: number; tzero: number; unit?: string; tnull?: number }

function colName(h: Header, i: number, used: Set<string>): string {
  let name = (h.getString(`TTYPE${i}`) ?? '').trim() || `col${i}`;
  const base = name;
  let k = 2;
  while (used.has(name)) name = `${base}_${k++}`;
  used.add(name);
  return name;
}

export function decodeTable(
  bytes: Uint8Array, start: number, h: Header, type: 'BINTABLE' | 'TABLE', pcount: number,
  file: string | undefined, hdu: number,
): { columns: Record<string, TableColumn>; info: ColumnInfo[] } {
  return type === 'TABLE' ? decodeAscii(bytes, start, h, file, hdu) : decodeBinary(bytes, start, h, pcount, file, hdu);
}

function num(h: Header, key: string, fallback: number): number {
  return h.getNumber(key, fallback)!;
}

function decodeBinary(
  bytes: Uint8Array, start: number, h: Header, pcount: number, file: string | undefined, hdu: number,
): { columns: Record<string, TableColumn>; info: ColumnInfo[] } {
  const rowLen = num(h, 'NAXIS1', 0);
  const nrows = num(h, 'NAXIS2', 0);
  const tfields = num(h, 'TFIELDS', -1);
  if (!Number.isInteger(tfields) || tfields < 0 || tfields > 999) {
    throw new FitsError(`BINTABLE has invalid TFIELDS ${tfields}`, { file, hdu });
  }
  if (rowLen === 0 && nrows > 1_000_000) {
    // zero-width rows occupy no bytes, so the file size cannot bound them
    throw new FitsError(`BINTABLE claims ${nrows} rows of zero width`, { file, hdu });
  }
  const cols: BinCol[] = [];
  const used = new Set<string>();
  let offset = 0;
  for (let i = 1; i <= tfields; i++) {
    const tform = (h.getString(`TFORM${i}`) ?? '').trim().toUpperCase();
    const m = /^(\d*)([LXBIJKAEDCMPQ])(.*)$/.exec(tform);
    if (!m) throw new FitsError(`column ${i}: unsupported TFORM '${tform}'`, { file, hdu });
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const t = m[2];
    let width: number;
    let vlaType: string | undefined;
    if (t === 'X') width = Math.ceil(repeat / 8);
    else if (t === 'P' || t === 'Q') {
      width = repeat > 0 ? SIZES[t] : 0;
      const vm = /^([LXBIJKAEDCM])/.exec(m[3]);
      if (!vm) throw new FitsError(`column ${i}: bad variable-length TFORM '${tform}'`, { file, hdu });
      vlaType = vm[1];
    } else width = repeat * SIZES[t];
    const tnullV = h.get(`TNULL${i}`);
    cols.push({
      name: colName(h, i, used), tform, type: t, repeat, offset, width, vlaType,
      tscal: num(h, `TSCAL${i}`, 1), tzero: num(h, `TZERO${i}`, 0),
      unit: h.getString(`TUNIT${i}`)?.trim() || undefined,
      tnull: typeof tnullV === 'number' ? tnullV : undefined,
    });
    offset += width;
  }
  if (offset > rowLen) {
    throw new FitsError(`BINTABLE columns need ${offset} bytes per row but NAXIS1 = ${rowLen}`, { file, hdu });
  }
  const heapStart = start + num(h, 'THEAP', rowLen * nrows);
  const heapEnd = start + rowLen * nrows + pcount;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const columns: Record<string, TableColumn> = {};
  for (const c of cols) {
    columns[c.name] = decodeBinColumn(bytes, dv, start, rowLen, nrows, c, heapStart, heapEnd, file, hdu);
  }
  const info = cols.map((c) => ({ name: c.name, tform: c.tform, type: c.type, repeat: c.repeat, unit: c.unit }));
  return { columns, info };
}

function readScalars(
  dv: DataView, bytes: Uint8Array, t: string, count: number, at: (k: number) => number, tscal: number, tzero: number, tnull?: number,
): TypedColumn {
  const scaled = tscal !== 1 || tzero !== 0;
  switch (t) {
    case 'B': {
      if (tzero === -128 && tscal === 1) { const o = new Int8Array(count); for (let k = 0; k < count; k++) o[k] = bytes[at(k)] - 128; return o; }
      if (!scaled) { const o = new Uint8Array(count); for (let k = 0; k < count; k++) o[k] = bytes[at(k)]; return o; }
      const o = new Float64Array(count);
      for (let k = 0; k < count; k++) { const r = bytes[at(k)]; o[k] = r === tnull ? NaN : r * tscal + tzero; }
      return o;
    }
    case 'I': {
      if (tzero === 32768 && tscal === 1) { const o = new Uint16Array(count); for (let k = 0; k < count; k++) o[k] = dv.getInt16(at(k)) + 32768; return o; }
      if (!scaled) { const o = new Int16Array(count); for (let k = 0; k < count; k++) o[k] = dv.getInt16(at(k)); return o; }
      const o = new Float64Array(count);
      for (let k = 0; k < count; k++) { const r = dv.getInt16(at(k)); o[k] = r === tnull ? NaN : r * tscal + tzero; }
      return o;
    }
    case 'J': {
      if (tzero === 2147483648 && tscal === 1) { const o = new Uint32Array(count); for (let k = 0; k < count; k++) o[k] = dv.getInt32(at(k)) + 2147483648; return o; }
      if (!scaled) { const o = new Int32Array(count); for (let k = 0; k < count; k++) o[k] = dv.getInt32(at(k)); return o; }
      const o = new Float64Array(count);
      for (let k = 0; k < count; k++) { const r = dv.getInt32(at(k)); o[k] = r === tnull ? NaN : r * tscal + tzero; }
      return o;
    }
    case 'K': {
      const o = new Float64Array(count);
      for (let k = 0; k < count; k++) { const r = Number(dv.getBigInt64(at(k))); o[k] = r === tnull && scaled ? NaN : r * tscal + tzero; }
      return o;
    }
    case 'E': {
      const o = scaled ? new Float64Array(count) : new Float32Array(count);
      for (let k = 0; k < count; k++) o[k] = dv.getFloat32(at(k)) * tscal + tzero;
      return o;
    }
    case 'D': {
      const o = new Float64Array(count);
      for (let k = 0; k < count; k++) o[k] = dv.getFloat64(at(k)) * tscal + tzero;
      return o;
    }
  }
  throw new Error(`internal: scalar type ${t}`);
}

function readString(bytes: Uint8Array, p: number, w: number): string {
  let s = '';
  for (let k = 0; k < w; k++) {
    const b = bytes[p + k];
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s.replace(/ +$/, '');
}

function decodeBinColumn(
  bytes: Uint8Array, dv: DataView, start: number, rowLen: number, nrows: number, c: BinCol,
  heapStart: number, heapEnd: number, file: string | undefined, hdu: number,
): TableColumn {
  const base = start + c.offset;
  const r = c.repeat;
  switch (c.type) {
    case 'A': {
      const out: string[] = new Array(nrows);
      for (let i = 0; i < nrows; i++) out[i] = readString(bytes, base + i * rowLen, r);
      return out;
    }
    case 'L': {
      const out: boolean[] = new Array(nrows * r);
      for (let i = 0; i < nrows; i++) for (let k = 0; k < r; k++) out[i * r + k] = bytes[base + i * rowLen + k] === 0x54;
      return out;
    }
    case 'X': {
      const w = c.width;
      const out = new Uint8Array(nrows * w);
      for (let i = 0; i < nrows; i++) out.set(bytes.subarray(base + i * rowLen, base + i * rowLen + w), i * w);
      return out;
    }
    case 'C': case 'M': {
      const sz = c.type === 'C' ? 4 : 8;
      const n = nrows * r * 2;
      const out = c.type === 'C' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < nrows; i++) {
        for (let k = 0; k < 2 * r; k++) {
          const p = base + i * rowLen + k * sz;
          out[i * 2 * r + k] = sz === 4 ? dv.getFloat32(p) : dv.getFloat64(p);
        }
      }
      return out;
    }
    case 'P': case 'Q': {
      const out: TypedColumn[] = new Array(nrows);
      const vt = c.vlaType!;
      const esz = vt === 'X' ? 1 : SIZES[vt];
      for (let i = 0; i < nrows; i++) {
        const p = base + i * rowLen;
        const n = c.type === 'P' ? dv.getInt32(p) : Number(dv.getBigInt64(p));
        const off = c.type === 'P' ? dv.getInt32(p + 4) : Number(dv.getBigInt64(p + 8));
        const nbytes = vt === 'X' ? Math.ceil(n / 8) : n * esz;
        const s = heapStart + off;
        if (n < 0 || off < 0 || s + nbytes > heapEnd || s + nbytes > bytes.length) {
          throw new FitsError(`column ${c.name} row ${i}: variable-length array descriptor (${n} at ${off}) outside the heap`, { file, hdu });
        }
        if (vt === 'B' || vt === 'X' || vt === 'L' || vt === 'A') out[i] = bytes.subarray(s, s + nbytes);
        else out[i] = readScalars(dv, bytes, vt, n, (k) => s + k * esz, 1, 0);
      }
      return out;
    }
    default: {
      const sz = SIZES[c.type];
      return readScalars(dv, bytes, c.type, nrows * r, (k) => base + Math.floor(k / r) * rowLen + (k % r) * sz, c.tscal, c.tzero, c.tnull);
    }
  }
}

function decodeAscii(
  bytes: Uint8Array, start: number, h: Header, file: string | undefined, hdu: number,
): { columns: Record<string, TableColumn>; info: ColumnInfo[] } {
  const rowLen = num(h, 'NAXIS1', 0);
  const nrows = num(h, 'NAXIS2', 0);
  const tfields = num(h, 'TFIELDS', -1);
  if (!Number.isInteger(tfields) || tfields < 0 || tfields > 999) throw new FitsError(`TABLE has invalid TFIELDS ${tfields}`, { file, hdu });
  if (rowLen === 0 && nrows > 1_000_000) throw new FitsError(`TABLE claims ${nrows} rows of zero width`, { file, hdu });
  const columns: Record<string, TableColumn> = {};
  const info: ColumnInfo[] = [];
  const used = new Set<string>();
  for (let i = 1; i <= tfields; i++) {
    const tform = (h.getString(`TFORM${i}`) ?? '').trim().toUpperCase();
    const m = /^([AIFED])(\d+)(\.\d+)?$/.exec(tform);
    if (!m) throw new FitsError(`column ${i}: unsupported ASCII TFORM '${tform}'`, { file, hdu });
    const w = Number(m[2]);
    const tbcol = num(h, `TBCOL${i}`, 0);
    if (tbcol < 1 || tbcol - 1 + w > rowLen) throw new FitsError(`column ${i}: TBCOL ${tbcol} + width ${w} outside row of ${rowLen}`, { file, hdu });
    const name = colName(h, i, used);
    const tnull = h.getString(`TNULL${i}`)?.trim();
    const tscal = num(h, `TSCAL${i}`, 1);
    const tzero = num(h, `TZERO${i}`, 0);
    const unit = h.getString(`TUNIT${i}`)?.trim() || undefined;
    info.push({ name, tform, type: m[1], repeat: 1, unit });
    const base = start + tbcol - 1;
    if (m[1] === 'A') {
      const out: string[] = new Array(nrows);
      for (let r = 0; r < nrows; r++) out[r] = readString(bytes, base + r * rowLen, w);
      columns[name] = out;
    } else {
      const out = new Float64Array(nrows);
      for (let r = 0; r < nrows; r++) {
        const s = readString(bytes, base + r * rowLen, w).trim();
        if (s === '' || (tnull !== undefined && s === tnull)) { out[r] = NaN; continue; }
        const v = Number(s.replace(/[dD]/, 'E'));
        out[r] = Number.isFinite(v) ? v * tscal + tzero : NaN;
      }
      columns[name] = out;
    }
  }
  return { columns, info };
}

// ---------------------------------------------------------------- writing

export type WriteColumn = Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array | string[] | boolean[];

/** Builds a BINTABLE header + data (unpadded) from columns of equal length. */
export function encodeBinTable(
  columns: Record<string, WriteColumn>, opts: { name?: string; header?: Header; units?: Record<string, string> } = {},
): { header: Header; data: Uint8Array } {
  const names = Object.keys(columns);
  if (names.length === 0) throw new FitsError('a table needs at least one column');
  const nrows = columns[names[0]].length;
  const specs = names.map((name) => {
    const col = columns[name];
    if (col.length !== nrows) throw new FitsError(`table column '${name}' has ${col.length} rows, expected ${nrows}`);
    if (col instanceof Float64Array) return { name, tform: 'D', width: 8 };
    if (col instanceof Float32Array) return { name, tform: 'E', width: 4 };
    if (col instanceof Int32Array) return { name, tform: 'J', width: 4 };
    if (col instanceof Int16Array) return { name, tform: 'I', width: 2 };
    if (col instanceof Uint8Array) return { name, tform: 'B', width: 1 };
    if (Array.isArray(col) && col.every((v) => typeof v === 'boolean')) return { name, tform: 'L', width: 1 };
    if (Array.isArray(col) && col.every((v) => typeof v === 'string')) {
      const w = Math.max(1, ...(col as string[]).map((s) => s.length));
      return { name, tform: `${w}A`, width: w };
    }
    throw new FitsError(`table column '${name}' has an unsupported type`);
  });
  const rowLen = specs.reduce((a, s) => a + s.width, 0);
  const h = new Header();
  h.set('XTENSION', 'BINTABLE', 'binary table extension');
  h.set('BITPIX', 8, 'array data type');
  h.set('NAXIS', 2, 'number of array dimensions');
  h.set('NAXIS1', rowLen, 'length of dimension 1');
  h.set('NAXIS2', nrows, 'length of dimension 2');
  h.set('PCOUNT', 0, 'number of group parameters');
  h.set('GCOUNT', 1, 'number of groups');
  h.set('TFIELDS', specs.length, 'number of table fields');
  specs.forEach((s, i) => {
    h.set(`TTYPE${i + 1}`, s.name);
    h.set(`TFORM${i + 1}`, s.tform);
    const u = opts.units?.[s.name];
    if (u) h.set(`TUNIT${i + 1}`, u);
  });
  if (opts.name) h.set('EXTNAME', opts.name, 'extension name');
  if (opts.header) {
    for (const c of opts.header.cards) {
      if (isStructuralTableKey(c.key) || (c.key === 'EXTNAME' && opts.name)) continue;
      h.cards.push({ ...c, raw: c.raw ? [...c.raw] : undefined });
    }
  }
  const data = new Uint8Array(rowLen * nrows);
  const dv = new DataView(data.buffer);
  let off = 0;
  for (const s of specs) {
    const col = columns[s.name];
    for (let r = 0; r < nrows; r++) {
      const p = r * rowLen + off;
      switch (s.tform) {
        case 'D': dv.setFloat64(p, (col as Float64Array)[r]); break;
        case 'E': dv.setFloat32(p, (col as Float32Array)[r]); break;
        case 'J': dv.setInt32(p, (col as Int32Array)[r]); break;
        case 'I': dv.setInt16(p, (col as Int16Array)[r]); break;
        case 'B': data[p] = (col as Uint8Array)[r]; break;
        case 'L': data[p] = (col as boolean[])[r] ? 0x54 : 0x46; break;
        default: {
          const str = (col as string[])[r];
          for (let k = 0; k < s.width; k++) data[p + k] = k < str.length ? str.charCodeAt(k) & 0x7f : 0x20;
        }
      }
    }
    off += s.width;
  }
  return { header: h, data };
}

export function isStructuralTableKey(k: string): boolean {
  return /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|THEAP|EXTEND|END|T(TYPE|FORM|UNIT|SCAL|ZERO|NULL|DISP|DIM|BCOL)\d+)$/.test(k);
}
