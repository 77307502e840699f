// RFC 4180 CSV (https://www.rfc-editor.org/rfc/rfc4180) through csv-parse / csv-stringify: quoted fields may hold commas, doubled
// quotes and line breaks; CRLF, LF or CR line ends; a leading UTF-8 BOM is ignored. Extensions: blank
// lines and lines starting with the comment character ('#') outside quoted fields are skipped.
// The writer quotes only where needed and formats numbers losslessly (shortest round-trip decimal).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export type CsvErrorCode = 'empty' | 'unterminated' | 'ragged' | 'malformed';

/**
 * The one wording of a CSV reading error in every library: `file: line L, column C: problem` (the parts
 * that are not known left out). Libraries with their own error class (which adds `file: `) pass the
 * rest, `csvMessage(problem, { line, column })`.
 */
export function csvMessage(problem: string, at: { file?: string; line?: number; column?: string } = {}): string {
  const where = [at.line !== undefined ? `line ${at.line}` : '', at.column !== undefined ? `column ${at.column}` : ''].filter(Boolean).join(', ');
  return `${at.file ? `${at.file}: ` : ''}${where ? `${where}: ` : ''}${problem}`;
}

/** Malformed CSV. `reason` is the message without the file (`line L: problem`); the message names the file too (csvMessage). */
export class CsvError extends Error {
  override name = 'CsvError';
  readonly reason: string;
  constructor(readonly code: CsvErrorCode, readonly problem: string, readonly file?: string, readonly line?: number, readonly column?: string) {
    super(csvMessage(problem, { file, line, column }));
    this.reason = csvMessage(problem, { line, column });
  }
}

export interface CsvParseOptions {
  /** file name used in error messages */
  file?: string;
  /** lines starting with this (outside quotes) are skipped; null disables; default '#' */
  comment?: string | null;
  /** trim white space around header names (default true) */
  trimHeader?: boolean;
  /** allow rows whose field count differs from the header's (default false: CsvError 'ragged') */
  ragged?: boolean;
}

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based line of the input on which each row starts (for error messages) */
  lines: number[];
}

/** Physical line breaks (CRLF, LF or CR) in a string. */
function countBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** Splits CSV text into records (no header handling), via csv-parse. */
export function parseCsvRecords(text: string, opts: Pick<CsvParseOptions, 'file' | 'comment'> = {}): { records: string[][]; lines: number[] } {
  const comment = opts.comment === undefined ? '#' : opts.comment;
  const buf = Buffer.from(text, 'utf8');
  // byte offsets of line ends, to turn csv-parse's byte positions into physical (1-based) lines
  const breaks: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 10 || (buf[i] === 13 && buf[i + 1] !== 10)) breaks.push(i);
  }
  const lineAt = (byte: number) => 1 + bisectLeft(breaks, byte);
  const records: string[][] = [];
  const lines: number[] = [];
  let prevEnd = 0; // byte offset just past the last record read
  try {
    const out = parse(buf, {
      bom: true,
      comment: comment || undefined,
      comment_no_infix: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: false,
      info: true,
      raw: true,
      on_record: (rec, ctx) => { prevEnd = ctx.bytes; return rec; },
    }) as unknown as Array<{ record: string[]; info: { bytes: number }; raw: string }>;
    for (const { record, info, raw } of out) {
      // a blank line (only white space, no quotes on its own line) is skipped
      if (record.length === 1 && record[0]!.trim() === '') {
        const own = raw.replace(/(\r\n|\n|\r)$/, '');
        const cut = Math.max(own.lastIndexOf('\n'), own.lastIndexOf('\r'));
        if (!own.slice(cut + 1).includes('"')) continue;
      }
      const endLine = lineAt(Math.max(0, info.bytes - 1));
      records.push(record);
      lines.push(endLine - record.reduce((k, f) => k + countBreaks(f), 0));
    }
  } catch (e) {
    const err = e as { code?: string; message?: string; lines?: number };
    // the record that failed starts on the first line after the last record that is not blank or a comment
    let line = lineAt(prevEnd);
    const all = text.split(/\r\n|\n|\r/);
    while (line <= all.length && (all[line - 1]!.trim() === '' || (comment && all[line - 1]!.startsWith(comment)))) line++;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new CsvError('unterminated', 'unterminated quoted field starting here', opts.file, line);
    }
    throw new CsvError('malformed', String(err.message ?? e).replace(/\s+/g, ' '), opts.file, err.lines ?? line);
  }
  return { records, lines };
}

/** Index of the first element of sorted `a` that is ≥ x. */
function bisectLeft(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (a[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Parses CSV text with a header row. Throws CsvError for an empty input, an open quote or a ragged row. */
export function parseCsv(text: string, opts: CsvParseOptions = {}): CsvTable {
  const { records, lines } = parseCsvRecords(text, opts);
  if (records.length === 0) throw new CsvError('empty', 'empty CSV (no header line)', opts.file);
  const header = opts.trimHeader === false ? records[0]! : records[0]!.map((h) => h.trim());
  const rows = records.slice(1);
  const rowLines = lines.slice(1);
  if (!opts.ragged) {
    rows.forEach((r, k) => {
      if (r.length !== header.length) {
        throw new CsvError('ragged', `${r.length} fields, header has ${header.length}`, opts.file, rowLines[k]);
      }
    });
  }
  return { header, rows, lines: rowLines };
}

/** Parses CSV text with a header row into one object per row (column name → cell text; missing cells ''). */
export function parseCsvObjects(text: string, opts: CsvParseOptions = {}): Array<Record<string, string>> {
  const { header, rows } = parseCsv(text, opts);
  return rows.map((r) => {
    const o: Record<string, string> = {};
    header.forEach((h, i) => { o[h] = r[i] ?? ''; });
    return o;
  });
}

export interface CsvFormatOptions {
  /** how NaN/±Infinity are written: '' (default) or 'nan' / 'inf' / '-inf' */
  nonFinite?: 'empty' | 'text';
}

function cellText(v: unknown, opts: CsvFormatOptions): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
    if (opts.nonFinite !== 'text') return '';
    return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  }
  return String(v);
}

// csv-stringify quotes separators, quotes and line breaks; we add edge white space (readers may trim),
// a first cell that would read as a comment, and a lone empty cell (it would read as a blank line).
function stringifyRows(rows: string[][], loneCells: boolean): string {
  return stringify(rows, {
    eof: false,
    record_delimiter: 'unix',
    quoted_match: /^\s|\s$|\r/,
    quoted_empty: loneCells,
    cast: { string: (v, ctx) => (ctx.index === 0 && v.startsWith('#') ? { value: v, quoted: true } : v) },
  });
}

/** One CSV cell: numbers losslessly (String() is the shortest round-trip form; −0 kept), strings quoted when needed. */
export function csvField(v: unknown, opts: CsvFormatOptions = {}): string {
  const s = cellText(v, opts);
  return s === '' ? '' : stringify([[s]], { eof: false, quoted_match: /^\s|\s$|\r/ });
}

/** One CSV line. A first cell that would read as a comment, or a lone empty cell (a blank line), is quoted. */
export function csvLine(cells: readonly unknown[], opts: CsvFormatOptions = {}): string {
  return stringifyRows([cells.map((v) => cellText(v, opts))], cells.length === 1);
}

/** A CSV document: header line plus one line per row, '\n' line ends, trailing newline. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>, opts: CsvFormatOptions = {}): string {
  const all = [header.map((v) => cellText(v, opts))];
  for (const r of rows) all.push(r.map((v) => cellText(v, opts)));
  // one csv-stringify call; rows of one cell (quoted when empty) go line by line
  if (all.every((r) => r.length > 1)) return stringifyRows(all, false) + '\n';
  return all.map((r) => stringifyRows([r], r.length === 1)).join('\n') + '\n';
}

/** Column index by name (exact first, then case-insensitive); -1 when absent. */
export function csvColumn(header: readonly string[], ...names: string[]): number {
  for (const n of names) { const i = header.indexOf(n); if (i >= 0) return i; }
  const lower = header.map((h) => h.toLowerCase());
  for (const n of names) { const i = lower.indexOf(n.toLowerCase()); if (i >= 0) return i; }
  return -1;
}

/** A CSV file with a header row (errors name the file and line); an empty file reads as an empty table. */
export function readCsvFile(file: string, opts: Omit<CsvParseOptions, 'file'> = {}): CsvTable {
  try {
    return parseCsv(readFileSync(file, 'utf8'), { ...opts, file });
  } catch (e) {
    if (e instanceof CsvError && e.code === 'empty') return { header: [], rows: [], lines: [] };
    throw e;
  }
}
