import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadFilter, bandFluxNJy, observedSed, lymanBreakSed, normaliseAtRest, absoluteMagnitude, nJyFromAbMag, apparentMagnitude,
} from '@asteris/astro';
import {
  loadPreset, parsePreset, BUILTIN_PRESETS, selectCandidates, parseCatalogueCsv, SelectError, computeMuv, breakContinuum, type Catalogue,
} from '../src/index.ts';

const BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F410M', 'F444W'];
const SIG = 2; // nJy 1σ in every band (≈ 29.9 AB at 5σ)

function galaxyRow(id: string, z: number, m1500: number, extra: Record<string, number> = {}, beta = -2) {
  const sed = normaliseAtRest(observedSed(lymanBreakSed({ beta }), z), z, m1500);
  const row: Record<string, number | string> = { id, ra: 150.1, dec: 2.2 };
  for (const b of BANDS) { row[`flux_${b}`] = bandFluxNJy(loadFilter(b), sed); row[`fluxerr_${b}`] = SIG; }
  return { ...row, ...extra };
}
function catalogue(rows: Record<string, number | string>[]): Catalogue {
  return { columns: Object.keys(rows[0]), rows, file: 'test.csv' };
}

describe('presets', () => {
  it('built-in presets load, carry citations and follow §C.2 (break > 1, red < 1, < 2σ blueward)', () => {
    for (const name of BUILTIN_PRESETS) {
      const p = loadPreset(name);
      expect(p.citations.length).toBeGreaterThanOrEqual(4);
      expect(p.citations.join(' ')).toMatch(/Harikane/);
      expect(p.break.min).toBeGreaterThanOrEqual(1);
      expect(p.redColour!.max).toBeLessThanOrEqual(1);
      expect(p.nonDetection.maxSnr).toBe(2);
      expect(p.detection.minSnr).toBeGreaterThanOrEqual(5);
      expect(p.photoz.minPHigh).toBeGreaterThanOrEqual(0.7);
      expect(p.photoz.minDchi2).toBeGreaterThanOrEqual(4);
      // every non-detection band lies fully blueward of Lyα at the preset's lower redshift
      for (const b of p.nonDetection.bands) {
        const f = loadFilter(b);
        let tmax = 0; for (const t of f.trans) tmax = Math.max(tmax, t);
        let red = 0; for (let i = 0; i < f.wave.length; i++) if (f.trans[i] >= 0.5 * tmax) red = f.wave[i];
        expect(red).toBeLessThan(1215.67 * (1 + p.zRange[0]));
      }
    }
  });
  it('a user preset file is validated with a message naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preset-'));
    const good = { ...loadPreset('f150w-dropout'), name: 'mine' };
    writeFileSync(join(dir, 'mine.json'), JSON.stringify(good));
    expect(loadPreset(join(dir, 'mine.json')).name).toBe('mine');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...good, break: { blue: 'F150W', red: 'F200W' } }));
    expect(() => loadPreset(join(dir, 'bad.json'))).toThrow(/bad\.json: invalid preset: break\.min/);
    writeFileSync(join(dir, 'broken.json'), '{ nope');
    expect(() => loadPreset(join(dir, 'broken.json'))).toThrow(/broken\.json: not valid JSON/);
    expect(() => parsePreset({ ...good, referenceBand: 'F999W' }, 'x.json')).toThrow(/F999W is used by a criterion but not listed/);
    expect(() => loadPreset('f999w-dropout')).toThrow(/unknown preset/);
  });
});

describe('selection', () => {
  const preset = loadPreset('f115w-dropout');
  it('selects a bright z = 9.8 dropout, rejects a z = 6 galaxy and a blue-band detection, with reasons', () => {
    const rows = [
      galaxyRow('hz', 9.8, 27.0),
      galaxyRow('z6', 6.0, 27.0),
      galaxyRow('leak', 9.8, 27.0, { flux_F090W: 10 * SIG }),
    ];
    const res = selectCandidates(catalogue(rows), preset);
    const by = Object.fromEntries(res.all.map((c) => [c.id, c]));
    expect(by.hz.selected).toBe(true);
    expect(by.hz.reasons).toEqual([]);
    expect(by.hz.pz!.zBest).toBeGreaterThan(9.3);
    expect(by.hz.pz!.zBest).toBeLessThan(10.3);
    expect(by.z6.selected).toBe(false);
    expect(by.z6.reasons.join(' ')).toMatch(/break F115W−F150W/);
    expect(by.leak.selected).toBe(false);
    expect(by.leak.reasons.join(' ')).toMatch(/detected blueward of the break: F090W S\/N = 10\.0/);
    expect(by.leak.reasons.join(' ')).toMatch(/χ²_opt = 100\.0 > 4/);
    expect(res.candidates.map((c) => c.id)).toEqual(['hz']);
  });
  it('F200W dropouts: the break is measured above the UV continuum, so the window starts at z ≈ 15.7 for any β', () => {
    // flat f_ν (β = −2): the continuum colour is 0 and the cut is the plain Harikane+23 colour
    const flat = breakContinuum('F200W', 'F277W', { blue: 'F277W', red: 'F444W', betaRange: [-3, -1] }, 10, 10);
    expect(flat.beta).toBeCloseTo(-2, 10);
    expect(flat.colour).toBeCloseTo(0, 10);
    const p200 = loadPreset('f200w-dropout');
    const rows = [galaxyRow('b25z158', 15.8, 26.5, {}, -2.5), galaxyRow('b25z155', 15.5, 26.5, {}, -2.5), galaxyRow('b17z158', 15.8, 26.5, {}, -1.7)];
    const by = Object.fromEntries(selectCandidates(catalogue(rows), p200).all.map((c) => [c.id, c]));
    // β = −2.5 at z = 15.8: plain F200W−F277W < 1 (it would fail a plain colour cut) but 1.1 above the continuum
    expect(by.b25z158.breakColour).toBeLessThan(1);
    expect(by.b25z158.breakAboveContinuum).toBeGreaterThan(1);
    expect(by.b25z158.reasons).toEqual([]);
    expect(by.b25z158.selected).toBe(true);
    // the same galaxy at z = 15.5 (below the window) is rejected by the break, with the continuum in the reason
    expect(by.b25z155.selected).toBe(false);
    expect(by.b25z155.reasons.join(' ')).toMatch(/break F200W−F277W above the UV continuum = 0\.\d\d ≤ 1 \(colour 0\.\d\d, continuum -0\.\d\d for β = -2\.50 from F277W−F444W\)/);
    // a red β = −1.7 galaxy at z = 15.8 passes with a smaller margin than its plain colour
    expect(by.b17z158.breakAboveContinuum).toBeLessThan(by.b17z158.breakColour);
    expect(by.b17z158.breakAboveContinuum).toBeGreaterThan(1);
  });
  it('a brown dwarf is rejected with the brown-dwarf reason', async () => {
    const { brownDwarfSed, normaliseToBand } = await import('@asteris/astro');
    const sed = normaliseToBand(brownDwarfSed('Y'), loadFilter('F444W'), 25.5);
    const row: Record<string, number | string> = { id: 'bd', ra: 1, dec: 1, flux_radius: 1.2 };
    for (const b of BANDS) { row[`flux_${b}`] = bandFluxNJy(loadFilter(b), sed); row[`fluxerr_${b}`] = SIG; }
    const res = selectCandidates(catalogue([row]), loadPreset('f200w-dropout'));
    expect(res.all[0].selected).toBe(false);
    expect(res.all[0].reasons.join(' ')).toMatch(/brown dwarf: Y-dwarf template/);
  });
  it('M_UV from the band nearest rest 1500 Å equals M = m − DM + 2.5 log(1+z) for β = −2', () => {
    const z = 9, m1500 = 28.3;
    const row = galaxyRow('a', z, m1500);
    const flux: Record<string, number> = {}, err: Record<string, number> = {};
    for (const b of BANDS) { flux[b] = row[`flux_${b}`] as number; err[b] = SIG; }
    const r = computeMuv(z, BANDS, flux, err);
    expect(r.band).toBe('F150W');     // 1500·10 = 1.5 µm; F150W's blue edge (1.33 µm) is redward of Lyα (1.22 µm)
    // at z = 10 Lyα (1.337 µm) is inside F150W's half-power range, so F200W is used
    expect(computeMuv(10, BANDS, flux, err).band).toBe('F200W');
    expect(r.beta).toBeCloseTo(-2, 1);
    expect(r.muv).toBeCloseTo(absoluteMagnitude(m1500, z), 1);
    expect(apparentMagnitude(r.muv, z)).toBeCloseTo(m1500, 1);
  });
  it('bad input: missing band columns throw naming the file; NaN / negative errors drop the row with a reason', () => {
    const rows = [galaxyRow('ok', 9.8, 27), galaxyRow('nan', 9.8, 27, { flux_F150W: NaN }), galaxyRow('neg', 9.8, 27, { fluxerr_F277W: -1 }),
      galaxyRow('nocov', 9.8, 27, { fluxerr_F200W: 1e12 })];
    const res = selectCandidates(catalogue(rows), preset);
    const by = Object.fromEntries(res.all.map((c) => [c.id, c]));
    expect(by.nan.reasons[0]).toBe('missing band(s): F150W (NaN)');
    expect(by.neg.reasons[0]).toBe('missing band(s): F277W (negative error -1)');
    expect(by.nocov.reasons[0]).toMatch(/F200W \(no coverage/);
    expect(res.nDropped).toBe(3);
    expect(res.warnings.join(' ')).toMatch(/1 NaN/);
    expect(res.warnings.join(' ')).toMatch(/1 negative flux error/);
    const noF150 = catalogue(rows.map((r) => { const c = { ...r }; delete c.flux_F150W; delete c.fluxerr_F150W; return c; }));
    expect(() => selectCandidates(noF150, preset)).toThrow(SelectError);
    expect(() => selectCandidates(noF150, preset)).toThrow(/test\.csv: missing band column\(s\) flux_F150W\/fluxerr_F150W required by preset 'f115w-dropout'/);
  });
  it('CSV parsing: NaN/empty cells, quoted fields, ragged rows are reported', () => {
    const c = parseCatalogueCsv('id,ra,dec,name\n1,10.5,-3,"a, b"\n2,,nan,x\n', 'c.csv');
    expect(c.rows[0].name).toBe('a, b');
    expect(c.rows[1].ra).toBeNaN();
    expect(c.rows[1].dec).toBeNaN();
    expect(() => parseCatalogueCsv('a,b\n1,2,3\n', 'r.csv')).toThrow(/r\.csv: line 2: 3 fields, header has 2/);
    expect(() => parseCatalogueCsv('', 'e.csv')).toThrow(/e\.csv: catalogue is empty/);
    // a quoted field may span lines; errors still name the physical line of the bad row
    const m = parseCatalogueCsv('# comment\nid,note\n1,"two\nlines, ""quoted"""\n2,ok\n', 'm.csv');
    expect(m.rows.map((r) => r.note)).toEqual(['two\nlines, "quoted"', 'ok']);
    expect(() => parseCatalogueCsv('id,note\n1,"a\nb"\n2,x,y\n', 'm.csv')).toThrow(/m\.csv: line 4: 3 fields, header has 2/);
    expect(() => parseCatalogueCsv('id,note\n1,"open\n', 'q.csv')).toThrow(/q\.csv: line 2: unterminated quoted field/);
    expect(nJyFromAbMag(31.4)).toBe(1);
  });
});

describe('posterior-led presets', () => {
  it('probColourAbove is the Gaussian probability of the flux inequality (checked by simulation)', async () => {
    const { probColourAbove, Rng } = await import('../src/index.ts');
    const rng = new Rng(3);
    const [fa, ea, fb, eb, c] = [3, 2, 12, 2, 1.0];
    let n = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const a = fa + ea * rng.normal(), b = fb + eb * rng.normal();
      if (a < b * Math.pow(10, -0.4 * c)) n++;   // m_a − m_b > c (also for a ≤ 0: an undetected blue band)
    }
    expect(Math.abs(probColourAbove(fa, ea, fb, eb, c) - n / N)).toBeLessThan(0.015);
  });

  it('a missing veto band is missing data, not a rejection', () => {
    const p = loadPreset('posterior-z8');
    expect(p.mode).toBe('posterior');
    const hz = galaxyRow('hz', 9.0, 27.0);
    // no F115W coverage at all (e.g. outside the SW footprint): the break veto is skipped and noted
    const noCov = { ...galaxyRow('nocov', 9.0, 27.0), flux_F115W: 0, fluxerr_F115W: 1e10 };
    // the recipe preset drops the same object for the missing band
    const res = selectCandidates(catalogue([hz, noCov]), p);
    const by = Object.fromEntries(res.all.map((c) => [c.id, c]));
    expect(by.hz.selected).toBe(true);
    expect(by.hz.notes[0]).toMatch(/^posterior and vetoes: P\(z>8\) = /);
    expect(by.nocov.selected).toBe(true);
    expect(by.nocov.notes.join(' ')).toMatch(/veto\(s\) skipped, band missing: break F115W−F200W \(no coverage in F115W\)/);
    const rec = selectCandidates(catalogue([hz, noCov]), loadPreset('f115w-dropout'));
    expect(rec.all[1].selected).toBe(false);
    expect(rec.all[1].reasons[0]).toMatch(/missing band/);
    // a blue-band detection is still a veto, with the reason logged
    const leak = galaxyRow('leak', 9.0, 27.0, { flux_F090W: 10 * SIG });
    const r2 = selectCandidates(catalogue([leak]), p);
    expect(r2.all[0].selected).toBe(false);
    expect(r2.all[0].reasons.join(' ')).toMatch(/non-detection veto: F090W S\/N = 10\.0/);
  });

  it('a z = 6 galaxy is rejected on the posterior first', () => {
    const res = selectCandidates(catalogue([galaxyRow('z6', 6.0, 26.5)]), loadPreset('posterior-z8'));
    expect(res.all[0].selected).toBe(false);
    expect(res.all[0].reasons[0]).toMatch(/^P\(z>8\) = /);
  });

  it('a posterior preset without its posterior block is refused, naming the field', () => {
    const raw = JSON.parse(JSON.stringify(loadPreset('posterior-z8')));
    delete raw.posterior;
    expect(() => parsePreset(raw, 'my.json')).toThrow(/my\.json.*posterior/);
  });
});

describe('selectWithPresets (pipeline entry point)', () => {
  it('runs the posterior presets on one shared photo-z and returns the union, each object once', async () => {
    const { selectWithPresets, POSTERIOR_PRESETS } = await import('../src/index.ts');
    const rows = [galaxyRow('a', 9.0, 27.0), galaxyRow('b', 12.5, 27.0), galaxyRow('c', 6.0, 27.0)];
    const r = selectWithPresets(catalogue(rows), POSTERIOR_PRESETS.map((p) => loadPreset(p)));
    expect(r.results.map((x) => x.preset.name)).toEqual([...POSTERIOR_PRESETS]);
    expect(r.union.map((c) => c.id).sort()).toEqual(['a', 'b']);
    expect(r.results[0].all[0].pz!.z).toBeDefined();   // P(z) kept
  });
});
