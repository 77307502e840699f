// Catalogue input: CSV with the columns of docs/catalogue-columns.md (`id, ra, dec, …,
// flux_<BAND>, fluxerr_<BAND>` in nJy). Column names are matched case-insensitively; `ID`, `RA`,
// `DEC` (CEERS) work too.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { CsvError, parseCsv, type CsvTable } from '@asteris/core';
import { SelectError } from './errors.ts';

export type Row = Record<string, number | string>;
export interface Catalogue { columns: string[]; rows: Row[]; file?: string }

/**
 * Parse CSV text (RFC 4180, via @asteris/core; '#' comment and blank lines skipped); numeric-looking
 * cells become numbers, empty/nan/null/na cells NaN. Errors name the file and the physical line.
 */
export function parseCatalogueCsv(text: string, file?: string): Catalogue {
  let table: CsvTable;
  try {
    table = parseCsv(text, { file });
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    throw new SelectError(e.code === 'empty' ? 'catalogue is empty (no header line)' : e.reason, file);
  }
  const columns = table.header;
  const seen = new Set<string>();
  for (const c of columns) {
    if (!c) throw new SelectError('empty column name in the header', file);
    if (seen.has(c)) throw new SelectError(`duplicate column '${c}'`, file);
    seen.add(c);
  }
  const rows: Row[] = table.rows.map((cells) => {
    const r: Row = {};
    for (let j = 0; j < columns.length; j++) {
      const s = cells[j]!.trim();
      const lower = s.toLowerCase();
      if (s === '' || lower === 'nan' || lower === 'null' || lower === 'na') r[columns[j]!] = NaN;
      else if (lower === 'inf' || lower === 'infinity') r[columns[j]!] = Infinity;
      else {
        const v = Number(s);
        r[columns[j]!] = Number.isNaN(v) ? s : v;
      }
    }
    return r;
  });
  return { columns, rows, file };
}

export function readCatalogueCsv(path: string): Catalogue {
  if (!existsSync(path)) throw new SelectError('catalogue file not found', path);
  if (statSync(path).isDirectory()) throw new SelectError('is a directory, not a catalogue file', path);
  return parseCatalogueCsv(readFileSync(path, 'utf8'), path);
}

/** Case-insensitive column lookup; returns the actual column name or undefined. */
export function findColumn(cat: Catalogue, ...names: string[]): string | undefined {
  const lower = new Map(cat.columns.map((c) => [c.toLowerCase(), c]));
  for (const n of names) { const c = lower.get(n.toLowerCase()); if (c) return c; }
  return undefined;
}

/** Bands with both flux_<B> and fluxerr_<B> columns, upper-case names, in column order. */
export function catalogueBands(cat: Catalogue): { band: string; flux: string; err: string }[] {
  const out: { band: string; flux: string; err: string }[] = [];
  for (const c of cat.columns) {
    const m = /^flux_(.+)$/i.exec(c);
    if (!m) continue;
    const err = findColumn(cat, `fluxerr_${m[1]}`);
    if (err) out.push({ band: m[1].toUpperCase(), flux: c, err });
  }
  return out;
}

export function num(v: number | string | undefined): number {
  return typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
}
