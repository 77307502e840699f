// The pipeline reads the CSV products of earlier stages with the shared RFC 4180 parser: a `reasons`
// cell with commas, quotes or line breaks must not shift the columns after it.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseCsv, toCsv } from '@asteris/core';
import type { Wcs } from '@asteris/fits';
import { readCandidatePositions, readInjected, unionCsv } from '../src/run.ts';

const HEAD = ['rank', 'id', 'x', 'y', 'preset', 'reasons'];

describe('pipeline CSV products', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-csv-'));
  const put = (preset: string, rows: unknown[][]) => {
    mkdirSync(join(dir, 'presets', preset), { recursive: true });
    writeFileSync(join(dir, 'presets', preset, 'candidates.csv'), toCsv(HEAD, rows));
  };
  put('a', [[1, 'g1', 10.5, 20.25, 'a', 'low-z alt z=2.1, dchi2=3; "flag"'], [2, 'g2', 30, 40, 'a', '']]);
  put('b', [[1, 'g2', 30, 40, 'b', 'dup, of a'], [2, 'g3', 50, 60, 'b', 'multi\nline, note']]);

  it('unionCsv keeps one row per id (first preset wins) and the quoted reasons intact', () => {
    const t = parseCsv(unionCsv(dir, ['a', 'b']));
    expect(t.header).toEqual(HEAD);
    expect(t.rows.map((r) => r[1])).toEqual(['g1', 'g2', 'g3']);
    expect(t.rows.map((r) => r[4])).toEqual(['a', 'a', 'b']);
    expect(t.rows[0]![5]).toBe('low-z alt z=2.1, dchi2=3; "flag"');
    expect(t.rows[2]![5]).toBe('multi\nline, note');
  });

  it('candidate positions and injected rows are read by column name despite commas in quotes', () => {
    const f = join(dir, 'union.csv');
    writeFileSync(f, unionCsv(dir, ['a', 'b']));
    // x/y columns present: the WCS is not consulted
    expect(readCandidatePositions(f, null as unknown as Wcs)).toEqual([{ x: 10.5, y: 20.25 }, { x: 30, y: 40 }, { x: 50, y: 60 }]);
    const inj = join(dir, 'injected.csv');
    writeFileSync(inj, toCsv(['id', 'kind', 'x', 'y', 'z', 'M_UV', 'mag_in', 'flux_F200W'], [[1, 'point, bright', 3, 4, 10.5, -20, 27.5, 12.5]]));
    expect(readInjected(inj)).toEqual([{ x: 3, y: 4, z: 10.5, muv: -20, mag: 27.5, flux: { F200W: 12.5 } }]);
  });

  it('a malformed candidates file is reported with its name and line', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'id,x,y\n1,2,3\n4,"5\n');
    expect(() => readCandidatePositions(f, null as unknown as Wcs)).toThrow(/bad\.csv: unterminated quoted field starting on line 3/);
  });
});
