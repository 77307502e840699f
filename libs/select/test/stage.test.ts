// The select stage: several presets on one shared photo-z (selectWithPresets), the union as the sample, and a
// per-object selection log of the union (selected by any preset, else every preset's reasons).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, toCsv } from '@asteris/core';
import { mockCatalogue, selectStage, presetList, specHasAuto, ALL_PRESETS } from '../src/index.ts';

describe('select stage', () => {
  it("'auto' is every built-in preset: the published recipes and the posterior-led ones", () => {
    expect(presetList('auto')).toEqual([...ALL_PRESETS]);
    expect(presetList('auto')).toContain('posterior-z8');
    expect(presetList('f115w-dropout')).toEqual(['f115w-dropout']);
    // comma lists, the luminosity-prior alias, '-name' drops one listed before it, duplicates once
    expect(presetList('auto-lprior')).toEqual(['f115w-dropout', 'f150w-dropout', 'f200w-dropout', 'posterior-z8', 'posterior-z11-lprior', 'posterior-z15-lprior']);
    expect([specHasAuto('auto'), specHasAuto('x.json, auto-lprior,-f150w-dropout'), specHasAuto('posterior-z8'), specHasAuto('autox')]).toEqual([true, true, false, false]);
    expect(presetList(' auto, -f150w-dropout ,my.json,posterior-z8')).toEqual(['f115w-dropout', 'f200w-dropout', 'posterior-z8', 'posterior-z11', 'posterior-z15', 'my.json']);
  });

  it('union log: one row per object; an object kept by any preset is selected, rejected ones carry each preset\'s reasons', async () => {
    const { catalogue } = mockCatalogue({ seed: 5, counts: { highz: 40, balmer: 10, dusty: 10, 'strong-line': 10, 'lowz-sf': 15, 'brown-dwarf': 5 } });
    const dir = mkdtempSync(join(tmpdir(), 'select-stage-'));
    const csv = join(dir, 'catalogue.csv');
    const cols = catalogue.columns.includes('ra') ? catalogue.columns : [...catalogue.columns, 'ra', 'dec'];
    writeFileSync(csv, toCsv(cols, catalogue.rows.map((r, k) => cols.map((c) => (c === 'ra' ? 34.4 + k * 1e-4 : c === 'dec' ? -5.2 : (r as Record<string, number | string>)[c]!)))));
    const out = mkdtempSync(join(tmpdir(), 'select-stage-out-'));
    const summary = await selectStage.run({ catalogue: { csv }, bands: [] }, { presets: ['f115w-dropout', 'posterior-z8'] }, out) as { selected: number; perPreset: Record<string, number> };
    const log = parseCsv(readFileSync(join(out, 'selection_log.csv'), 'utf8'));
    expect(log.rows).toHaveLength(catalogue.rows.length);
    const sel = log.header.indexOf('selected'), why = log.header.indexOf('reasons'), id = log.header.indexOf('id');
    const cands = parseCsv(readFileSync(join(out, 'candidates.csv'), 'utf8'));
    const candIds = new Set(cands.rows.map((r) => r[cands.header.indexOf('id')]));
    expect(candIds.size).toBe(summary.selected);
    // the log agrees with the union sample, object by object
    for (const r of log.rows) expect(r[sel] === '1', r[id]).toBe(candIds.has(r[id]!));
    // objects only the posterior preset kept exist in this mock, and the union log marks them selected
    expect(summary.perPreset['posterior-z8']!).toBeGreaterThan(summary.perPreset['f115w-dropout']!);
    for (const r of log.rows.filter((x) => x[sel] === '1')) expect(r[why]).toMatch(/^selected by /);
    for (const r of log.rows.filter((x) => x[sel] === '0')) expect(r[why]).toMatch(/^f115w-dropout: .*; posterior-z8: /);
    // per-preset packages too
    expect(parseCsv(readFileSync(join(out, 'presets', 'posterior-z8', 'selection_log.csv'), 'utf8')).rows).toHaveLength(catalogue.rows.length);
  });
});
