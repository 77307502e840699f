// RFC 4180 CSV (https://www.rfc-editor.org/rfc/rfc4180): quoted fields may hold commas, doubled
// quotes and line breaks; CRLF, LF or CR line ends; a leading UTF-8 BOM is ignored. Extensions: blank
// lines and lines starting with the comment character ('#') outside quoted fields are skipped.
// The writer quotes only where needed and formats numbers losslessly (shortest round-trip decimal).

export type CsvErrorCode = 'empty' | 'unterminated' | 'ragged';

/** Malformed CSV. `reason` is the bare problem; the message also names the file and line when known. */
export class CsvError extends Error {
  override name = 'CsvError';
  constructor(readonly code: CsvErrorCode, readonly reason: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}: ${reason}` : reason);
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

/** Splits CSV text into records (no header handling). */
export function parseCsvRecords(text: string, opts: Pick<CsvParseOptions, 'file' | 'comment'> = {}): { records: string[][]; lines: number[] } {
  const comment = opts.comment === undefined ? '#' : opts.comment;
  const records: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let sawQuote = false; // the current record has a quoted field
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const endRecord = () => {
    row.push(field);
    field = '';
    const blank = !sawQuote && row.length === 1 && row[0]!.trim() === '';
    if (!blank) { records.push(row); lines.push(start); }
    row = [];
    sawQuote = false;
  };
  let atStart = true;
  while (i < n) {
    const ch = text[i]!;
    if (atStart) {
      atStart = false;
      start = line;
      if (comment && text.startsWith(comment, i)) {
        while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
        if (text[i] === '\r' && text[i + 1] === '\n') i++;
        i++; line++; atStart = true;
        continue;
      }
    }
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"') { quoted = true; sawQuote = true; }
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      atStart = true;
    } else field += ch;
    i++;
  }
  if (quoted) throw new CsvError('unterminated', `unterminated quoted field starting on line ${start}`, opts.file, start);
  if (!atStart) endRecord();
  return { records, lines };
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
        throw new CsvError('ragged', `line ${rowLines[k]} has ${r.length} fields, header has ${header.length}`, opts.file, rowLines[k]);
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

/** One CSV cell: numbers losslessly (String() is the shortest round-trip form; −0 kept), strings quoted when needed. */
export function csvField(v: unknown, opts: CsvFormatOptions = {}): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
    if (opts.nonFinite !== 'text') return '';
    return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  }
  const s = String(v);
  // Quote separators, quotes, line breaks and edge white space (readers may trim).
  return /[",\n\r]/.test(s) || s.trim() !== s ? quote(s) : s;
}

function quote(s: string): string { return `"${s.replace(/"/g, '""')}"`; }

/** One CSV line. A first cell that would read as a comment, or a lone empty cell (a blank line), is quoted. */
export function csvLine(cells: readonly unknown[], opts: CsvFormatOptions = {}): string {
  const out = cells.map((v) => csvField(v, opts));
  if (out.length && out[0]!.startsWith('#')) out[0] = quote(out[0]!);
  if (out.length === 1 && out[0] === '') out[0] = '""';
  return out.join(',');
}

/** A CSV document: header line plus one line per row, '\n' line ends, trailing newline. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>, opts: CsvFormatOptions = {}): string {
  const out = [csvLine(header, opts)];
  for (const r of rows) out.push(csvLine(r, opts));
  return out.join('\n') + '\n';
}

/** Column index by name (exact first, then case-insensitive); -1 when absent. */
export function csvColumn(header: readonly string[], ...names: string[]): number {
  for (const n of names) { const i = header.indexOf(n); if (i >= 0) return i; }
  const lower = header.map((h) => h.toLowerCase());
  for (const n of names) { const i = lower.indexOf(n.toLowerCase()); if (i >= 0) return i; }
  return -1;
}
