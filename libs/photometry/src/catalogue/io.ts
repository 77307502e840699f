// Catalogue I/O: CSV (header line of column names, one row per source, '.'-decimal, shortest round-trip
// number formatting so CSV → number is exact; NaN written as 'NaN'; RFC 4180 through @asteris/core's
// csv-parse/csv-stringify) and FITS binary table (via @asteris/fits).
import { readFileSync } from 'node:fs';
import { CsvError, csvMessage, parseCsv, toCsv, writeFileAtomic as coreWriteFileAtomic } from '@asteris/core';

import { Header, readFits, writeTable } from '@asteris/fits';
import { PhotometryError } from '../errors.ts';
import { bandsFromColumns, catalogueColumns, type Catalogue, type CatalogueRow, type ColumnSpec } from './catalogue.ts';

function formatNumber(v: number, type: 'int' | 'float'): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  if (type === 'int') return String(Math.trunc(v));
  return String(v);
}

/** Atomic write (@asteris/core), with the failure reported as a catalogue error naming the file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    coreWriteFileAtomic(path, data);
  } catch (err) {
    throw new PhotometryError(`cannot write catalogue (${(err as Error).message})`, undefined, path);
  }
}

export function catalogueToCsv(cat: Catalogue): string {
  const names = cat.columns.map((c) => c.name);
  return toCsv(names, cat.rows.map((row) => cat.columns.map((c) => formatNumber(row[c.name] ?? NaN, c.type))));
}

export function writeCatalogueCsv(path: string, cat: Catalogue): void {
  writeFileAtomic(path, catalogueToCsv(cat));
}

function parseNumber(s: string): number {
  const t = s.trim();
  if (t === '' || /^nan$/i.test(t)) return NaN;
  if (/^\+?inf(inity)?$/i.test(t)) return Infinity;
  if (/^-inf(inity)?$/i.test(t)) return -Infinity;
  return Number(t);
}

/**
 * Parse catalogue CSV text. The id, x, y … snr_det columns and, for every band found, the four band
 * columns must be present; extra numeric columns are kept (as 'float'), non-numeric values are an error.
 */
export function parseCatalogueCsv(text: string, file = 'catalogue'): Catalogue {
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text, { file });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw new PhotometryError(err.code === 'empty' ? 'empty catalogue (no header line)' : err.reason, undefined, file);
  }
  const names = table.header;
  const bands = bandsFromColumns(names);
  const expected = catalogueColumns(bands);
  const missing = expected.filter((c) => !names.includes(c.name)).map((c) => c.name);
  if (missing.length) throw new PhotometryError(`missing catalogue column(s): ${missing.join(', ')}`, undefined, file);
  const specByName = new Map(expected.map((c) => [c.name, c] as const));
  const columns: ColumnSpec[] = names.map((n) => specByName.get(n) ?? { name: n, type: 'float', unit: '', description: '(extra column)' });
  const rows: CatalogueRow[] = table.rows.map((vals, i) => {
    const row: CatalogueRow = {};
    for (let j = 0; j < names.length; j++) {
      const v = parseNumber(vals[j]!);
      if (Number.isNaN(v) && !/^\s*nan\s*$/i.test(vals[j]!) && vals[j]!.trim() !== '') {
        throw new PhotometryError(csvMessage(`not a number ('${vals[j]}')`, { line: table.lines[i], column: names[j] }), undefined, file);
      }
      row[names[j]!] = v;
    }
    return row;
  });
  return { bands, columns, rows };
}

export function readCatalogueCsv(path: string): Catalogue {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PhotometryError(`cannot read catalogue (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, undefined, path);
  }
  return parseCatalogueCsv(text, path);
}

/** FITS binary table 'CATALOG' with the same columns (int32 for 'int', float64 otherwise) and TUNITs. */
export function writeCatalogueFits(path: string, cat: Catalogue): void {
  const table: Record<string, Float64Array | Int32Array> = {};
  const units: Record<string, string> = {};
  for (const c of cat.columns) {
    const col = c.type === 'int' ? new Int32Array(cat.rows.length) : new Float64Array(cat.rows.length);
    cat.rows.forEach((r, i) => { col[i] = r[c.name] ?? NaN; });
    table[c.name] = col;
    if (c.unit) units[c.name] = c.unit;
  }
  const header = new Header();
  header.set('ORIGIN', 'asteris photometry', 'catalogue writer');
  header.set('NBANDS', cat.bands.length, 'number of photometric bands');
  cat.bands.forEach((b, i) => header.set(`BAND${i + 1}`, b));
  try {
    writeTable(path, table, { name: 'CATALOG', header, units });
  } catch (err) {
    if (err instanceof PhotometryError) throw err;
    throw new PhotometryError(`cannot write FITS catalogue (${(err as Error).message})`, undefined, path);
  }
}

/** Read a catalogue FITS table written by writeCatalogueFits (or any table with the contract columns). */
export function readCatalogueFits(path: string): Catalogue {
  const hdus = readFits(path);
  const t = hdus.find((h) => h.kind === 'table');
  if (!t || t.kind !== 'table') throw new PhotometryError('no table HDU', undefined, path);
  const names = Object.keys(t.columns);
  const bands = bandsFromColumns(names);
  const expected = catalogueColumns(bands);
  const missing = expected.filter((c) => !names.includes(c.name)).map((c) => c.name);
  if (missing.length) throw new PhotometryError(`missing catalogue column(s): ${missing.join(', ')}`, undefined, path);
  const specByName = new Map(expected.map((c) => [c.name, c] as const));
  const columns: ColumnSpec[] = names.map((n) => specByName.get(n) ?? { name: n, type: 'float', unit: '', description: '(extra column)' });
  const rows: CatalogueRow[] = [];
  for (let i = 0; i < t.nrows; i++) {
    const row: CatalogueRow = {};
    for (const n of names) {
      const col = t.columns[n] as ArrayLike<unknown>;
      const v = col[i];
      row[n] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
    }
    rows.push(row);
  }
  return { bands, columns, rows };
}
