// The pipeline reads the CSV products of earlier stages with the shared RFC 4180 parser: a `reasons`
// cell with commas, quotes or line breaks must not shift the columns after it.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseCsv, toCsv } from '@asteris/core';
import type { Wcs } from '@asteris/fits';
import type { Candidate, SelectionResult } from '@asteris/select';
import { readCandidatePositions, readInjected } from '../src/completeness.ts';
import { unionSelection } from '@asteris/select';

const HEAD = ['rank', 'id', 'x', 'y', 'preset', 'reasons'];

describe('pipeline CSV products', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-csv-'));
  const put = (preset: string, rows: unknown[][]) => {
    mkdirSync(join(dir, 'presets', preset), { recursive: true });
    writeFileSync(join(dir, 'presets', preset, 'candidates.csv'), toCsv(HEAD, rows));
  };
  put('a', [[1, 'g1', 10.5, 20.25, 'a', 'low-z alt z=2.1, dchi2=3; "flag"'], [2, 'g2', 30, 40, 'a', '']]);
  put('b', [[1, 'g2', 30, 40, 'b', 'dup, of a'], [2, 'g3', 50, 60, 'b', 'multi\nline, note']]);

  it('the union of presets keeps each object once, best priority first, tagged with every preset', () => {
    const cand = (id: string, priorityClass: number, refMag: number): Candidate => ({ id, priorityClass, refMag, preset: '' } as unknown as Candidate);
    const res = (name: string, cands: Candidate[]): SelectionResult =>
      ({ preset: { name, citations: [`cite-${name}`] }, bands: [], all: [], candidates: cands, nDropped: 0, warnings: [] } as unknown as SelectionResult);
    const u = unionSelection([res('a', [cand('g1', 2, 27), cand('g2', 1, 28)]), res('b', [cand('g2', 1, 28), cand('g3', 1, 26)])]);
    expect(u.candidates.map((c) => c.id)).toEqual(['g3', 'g2', 'g1']);
    expect(u.candidates.map((c) => c.preset)).toEqual(['b', 'a+b', 'a']);
    expect(u.preset.name).toBe('a+b');
    expect(u.preset.citations).toEqual(['cite-a', 'cite-b']);
  });

  it('candidate positions and injected rows are read by column name despite commas in quotes', () => {
    const f = join(dir, 'union.csv');
    writeFileSync(f, toCsv(HEAD, [[1, 'g1', 10.5, 20.25, 'a', 'low-z alt z=2.1, dchi2=3; "flag"'], [2, 'g2', 30, 40, 'a+b', ''], [3, 'g3', 50, 60, 'b', 'multi\nline, note']]));
    // x/y columns present: the WCS is not consulted
    const none = { muv: NaN, zPhot: NaN };
    expect(readCandidatePositions(f, null as unknown as Wcs)).toEqual([{ x: 10.5, y: 20.25, ...none }, { x: 30, y: 40, ...none }, { x: 50, y: 60, ...none }]);
    // measured M_UV and photo-z (for the completeness transfer) by name, after a quoted comma
    const g = join(dir, 'union-m.csv');
    writeFileSync(g, toCsv(['id', 'reasons', 'z_phot', 'x', 'muv', 'y'], [['g1', 'a, b', 9.4, 1, -19.5, 2], ['g2', '', '', 3, '', 4]]));
    expect(readCandidatePositions(g, null as unknown as Wcs)).toEqual([{ x: 1, y: 2, muv: -19.5, zPhot: 9.4 }, { x: 3, y: 4, muv: NaN, zPhot: NaN }]);
    const inj = join(dir, 'injected.csv');
    writeFileSync(inj, toCsv(['id', 'kind', 'x', 'y', 'z', 'M_UV', 'mag_in', 'flux_F200W'], [[1, 'point, bright', 3, 4, 10.5, -20, 27.5, 12.5]]));
    expect(readInjected(inj)).toEqual([{ x: 3, y: 4, z: 10.5, muv: -20, mag: 27.5, flux: { F200W: 12.5 } }]);
  });

  it('a malformed candidates file is reported with its name and line', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'id,x,y\n1,2,3\n4,"5\n');
    expect(() => readCandidatePositions(f, null as unknown as Wcs)).toThrow(/bad\.csv: line 3: unterminated quoted field/);
  });
});
