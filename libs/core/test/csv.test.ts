import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError, csvField, csvMessage, parseCsv, parseCsvObjects, parseCsvRecords, readCsvFile, toCsv, csvColumn } from '../src/index.ts';

describe('CSV (RFC 4180)', () => {
  it('round-trips awkward fields: commas, quotes, CR/LF line breaks, edge spaces, comment marks, unicode', () => {
    const header = ['id', 'note, with comma', 'x'];
    const rows = [
      ['#7', 'plain', 1.5],
      ['a"b', 'line1\nline2', -0],
      ['', 'crlf\r\ninside', 0.1 + 0.2],
      [' padded ', '"quoted"', 1e-310],
      ['é λ 🚀', ',', Number.MAX_VALUE],
      ['x', '', -123456789.123456789],
    ];
    const text = toCsv(header, rows);
    const t = parseCsv(text, { trimHeader: false });
    expect(t.header).toEqual(header);
    expect(t.rows.length).toBe(rows.length);
    t.rows.forEach((r, i) => {
      expect(r[0]).toBe(rows[i]![0]);
      expect(r[1]).toBe(rows[i]![1]);
      expect(Object.is(Number(r[2]), rows[i]![2])).toBe(true); // lossless numbers, −0 included
    });
  });

  it('round-trips random numbers bit-exactly', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 40) - 20));
    const t = parseCsv(toCsv(['v'], xs.map((v) => [v])));
    expect(t.rows.map((r) => Number(r[0]))).toEqual(xs);
  });

  it('formats non-finite numbers as empty or as text on request', () => {
    expect(csvField(NaN)).toBe('');
    expect(csvField(Infinity, { nonFinite: 'text' })).toBe('inf');
    expect(csvField(-Infinity, { nonFinite: 'text' })).toBe('-inf');
    expect(csvField(NaN, { nonFinite: 'text' })).toBe('nan');
    expect(csvField(null)).toBe('');
  });

  it('skips BOM, blank and comment lines and reports physical line numbers', () => {
    const text = '\ufeff# comment\nA , B\n\n1,"two\nlines"\r\n# another\n3,4\n';
    const t = parseCsv(text);
    expect(t.header).toEqual(['A', 'B']);
    expect(t.rows).toEqual([['1', 'two\nlines'], ['3', '4']]);
    expect(t.lines).toEqual([4, 7]);
    expect(parseCsvObjects('a,b\n1,2')).toEqual([{ a: '1', b: '2' }]);
    expect(parseCsvRecords('a,b\r1,2\r').records).toEqual([['a', 'b'], ['1', '2']]);
    expect(csvColumn(['ID', 'ra'], 'id')).toBe(0);
    expect(csvColumn(['ID', 'ra'], 'dec')).toBe(-1);
  });

  it('throws typed errors naming the file and line', () => {
    const bad = (text: string) => { try { parseCsv(text, { file: 'f.csv' }); } catch (e) { return e as CsvError; } throw new Error('no error'); };
    const e1 = bad('a,b\n1,2\n"3,4\n');
    expect(e1).toBeInstanceOf(CsvError);
    expect(e1.code).toBe('unterminated');
    expect(e1.message).toMatch(/^f\.csv: line 3: unterminated quoted field/);
    const e2 = bad('a,b\n1,"x\ny",3\n');
    expect(e2.code).toBe('ragged');
    expect(e2.message).toBe('f.csv: line 2: 3 fields, header has 2');
    expect(bad('\n# only a comment\n').code).toBe('empty');
    expect(parseCsv('a,b\n1\n', { ragged: true }).rows).toEqual([['1']]);
  });

  it('readCsvFile: an empty file is an empty table; errors name the file', () => {
    const d = mkdtempSync(join(tmpdir(), 'csvf-'));
    writeFileSync(join(d, 'e.csv'), '');
    expect(readCsvFile(join(d, 'e.csv'))).toEqual({ header: [], rows: [], lines: [] });
    writeFileSync(join(d, 'b.csv'), 'a,b\n1,x"y\n');
    expect(() => readCsvFile(join(d, 'b.csv'))).toThrow(new RegExp(`^${join(d, 'b.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 2: Invalid Opening Quote`));
    writeFileSync(join(d, 'ok.csv'), 'a,b\n1,2\n');
    expect(readCsvFile(join(d, 'ok.csv')).rows).toEqual([['1', '2']]);
  });
});

describe('the one CSV error wording (file, line, column, problem)', () => {
  it('csvMessage leaves out the parts that are not known; CsvError.reason is the message without the file', () => {
    expect(csvMessage('not a number', { file: 'c.csv', line: 4, column: 'z' })).toBe('c.csv: line 4, column z: not a number');
    expect(csvMessage('empty', { file: 'c.csv' })).toBe('c.csv: empty');
    expect(csvMessage('3 fields, header has 2', { line: 2 })).toBe('line 2: 3 fields, header has 2');
    let e: unknown;
    try { parseCsv('a,b\n1,2,3\n', { file: 'c.csv' }); } catch (x) { e = x; }
    expect((e as CsvError).message).toBe('c.csv: line 2: 3 fields, header has 2');
    expect((e as CsvError).reason).toBe('line 2: 3 fields, header has 2');
  });
});
