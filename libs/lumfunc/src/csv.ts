// Minimal RFC 4180 CSV reader (quoted fields, embedded commas/quotes/newlines) and writer helpers.

import { LumfuncError } from './errors.ts';

export function parseCsv(text: string, file?: string): { header: string[]; rows: string[][] } {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let inQuotes = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
    } else field += ch;
  }
  if (inQuotes) throw new LumfuncError('unterminated quoted field in CSV', file);
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  // Skip leading comment lines ('#').
  while (rows.length && rows[0][0]?.startsWith('#')) rows.shift();
  if (rows.length === 0) throw new LumfuncError('empty CSV (no header line)', file);
  const header = rows.shift()!.map((h) => h.trim());
  rows.forEach((r, k) => {
    if (r.length !== header.length) throw new LumfuncError(`CSV row ${k + 2} has ${r.length} fields, header has ${header.length}`, file);
  });
  return { header, rows };
}

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}
