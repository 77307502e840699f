// `asteris select` with several presets: one shared photo-z (selectWithPresets), each preset's package in
// DIR/<name>/ and the union (as the pipeline's select stage writes it) in DIR, with a per-object log.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, toCsv } from '@asteris/core';
import { mockCatalogue } from '@asteris/select';
import { runSelect } from '../src/commands/select.ts';

describe('asteris select with several presets', () => {
  it('writes every preset\'s package and the union with a one-row-per-object log', async () => {
    const { catalogue } = mockCatalogue({ seed: 5, counts: { highz: 30, balmer: 8, dusty: 8, 'strong-line': 8, 'lowz-sf': 10, 'brown-dwarf': 4 } });
    const dir = mkdtempSync(join(tmpdir(), 'select-cli-'));
    const csv = join(dir, 'cat.csv');
    const cols = [...catalogue.columns.filter((c) => c !== 'ra' && c !== 'dec'), 'ra', 'dec'];
    writeFileSync(csv, toCsv(cols, catalogue.rows.map((r, k) => cols.map((c) => (c === 'ra' ? 34.4 + k * 1e-4 : c === 'dec' ? -5.2 : (r as Record<string, number | string>)[c]!)))));
    const out = join(dir, 'out');
    const logs: string[] = [];
    await runSelect(csv, { preset: 'f115w-dropout,posterior-z8', out }, (s) => logs.push(s));
    for (const p of ['f115w-dropout', 'posterior-z8']) expect(existsSync(join(out, p, 'selection_log.csv')), p).toBe(true);
    const log = parseCsv(readFileSync(join(out, 'selection_log.csv'), 'utf8'));
    expect(log.rows).toHaveLength(catalogue.rows.length);
    const cands = parseCsv(readFileSync(join(out, 'candidates.csv'), 'utf8'));
    const per = (p: string) => parseCsv(readFileSync(join(out, p, 'candidates.csv'), 'utf8')).rows.length;
    expect(cands.rows.length).toBeGreaterThanOrEqual(Math.max(per('f115w-dropout'), per('posterior-z8')));
    expect(log.rows.filter((r) => r[log.header.indexOf('selected')] === '1')).toHaveLength(cands.rows.length);
    expect(logs.join('')).toMatch(/union of 2 presets: \d+ candidate\(s\)/);
  });
});
