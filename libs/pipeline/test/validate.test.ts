// Validation up front (issue #17): every bad input is reported before any stage runs, each problem
// naming the file and the key; nothing is written into the cache.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadField } from '@asteris/field';
import { checkPlan, validateField, FieldValidationError } from '../src/validate.ts';
import { loadRunConfig } from '../src/config.ts';
import { runPipeline } from '../src/run.ts';
import { silentReporter } from '../src/progress.ts';
import { tinyField, type TinyBand } from '../../field/test/fixture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SIX = ['F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
const none = (o: Record<string, unknown> = {}) => loadRunConfig(undefined, { denoiser: 'none', ...o });
let n = 0;
const field = (bands: TinyBand[]) => loadField(tinyField(join(tmp, `f${n++}`), bands));
const six = (over: Partial<Record<string, Partial<TinyBand>>> = {}) => SIX.map((b) => ({ name: b, n: 2, ...over[b] }));
const problems = (fn: () => unknown): string[] => {
  try { fn(); } catch (e) { if (e instanceof FieldValidationError) return e.problems; throw e; }
  return [];
};

describe('up-front validation', () => {
  it('accepts a good field', () => {
    expect(problems(() => validateField(field(six()), none()))).toEqual([]);
  });
  it('a one-band field, and an unknown band (F999W), name field.json and the key', () => {
    const p1 = problems(() => validateField(field([{ name: 'F444W', n: 2 }]), none({ preset: 'f150w-dropout' })));
    expect(p1.some((p) => /field\.json: bands: 1 band\(s\); dropout selection needs at least two/.test(p))).toBe(true);
    const p2 = problems(() => validateField(field([...six(), { name: 'F999W', n: 2 }]), none()));
    expect(p2.some((p) => /field\.json: bands\[6\] F999W: unknown band/.test(p))).toBe(true);
  });
  it('a band a preset needs that the field lacks; --preset nosuch', () => {
    const f = field(six().filter((b) => b.name !== 'F356W'));
    expect(problems(() => validateField(f, none({ preset: 'f150w-dropout' }))).join('\n')).toMatch(/field\.json: bands: preset 'f150w-dropout' needs F356W, which the field lacks/);
    expect(checkPlanProblems('nosuch').join('\n')).toMatch(/--preset nosuch: unknown preset 'nosuch'/);
  });
  it('--denoiser foo, and too few exposures for the model', () => {
    expect(checkPlanProblems(undefined, { denoiser: 'foo' }).join('\n')).toMatch(/--denoiser foo: .*model file not found/);
    const f = field(six({ F150W: { n: 1 } }));
    expect(problems(() => validateField(f, loadRunConfig(undefined, { denoiser: 'lite', preset: 'f150w-dropout' }))).join('\n'))
      .toMatch(/field\.json: band F150W: 1 exposure\(s\), but the lite model for F150W needs at least \d/);
  });
  it('a FILTER header that disagrees with the band, and an all-NaN exposure, name the file', () => {
    const f = field(six({ F200W: { filter: 'F210M' }, F277W: { nan: [1] } }));
    const p = problems(() => validateField(f, none({ preset: 'f150w-dropout' }))).join('\n');
    expect(p).toMatch(/F200W\/f200w_exp1\.fits: FILTER = 'F210M' but the file is listed under band F200W/);
    expect(p).toMatch(/F277W\/f277w_exp2\.fits: every pixel of band F277W's exposure is NaN/);
  });
  it('--selfcal: exposures without DITHX/DITHY, and bands with fewer than 3 exposures, are named', () => {
    const p = problems(() => validateField(field(six({ F444W: { n: 3 } })), none({ selfcal: true, preset: 'f150w-dropout' }))).join('\n');
    expect(p).toMatch(/F444W\/f444w_exp1\.fits \(and 2 more exposure\(s\) of band F444W\): self-calibration \(selfcal\) needs integer dither offsets DITHX\/DITHY in the header \(got none, none/);
    expect(p.split('\n').filter((l) => /DITHX/.test(l))).toHaveLength(6); // one line per band, not per exposure
    expect(p).toMatch(/field\.json: band F115W: 2 exposure\(s\), but self-calibration \(selfcal\) needs ≥ 3/);
    expect(problems(() => validateField(field(six()), none({ preset: 'f150w-dropout' })))).toEqual([]);
  });
  it('exposures without units fail unless field.json gives unit or zeropoint', () => {
    const d = tinyField(join(tmp, 'nounit'), six({ F444W: { noUnit: true } }));
    expect(problems(() => validateField(loadField(d), none({ preset: 'f150w-dropout' }))).join('\n')).toMatch(/f444w_exp1\.fits.*bands\[\]\.unit/);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ pixelScale: 0.04, bands: [...SIX.slice(0, 5), { name: 'F444W', zeropoint: 28.9 }] }));
    expect(problems(() => validateField(loadField(d), none({ preset: 'f150w-dropout' })))).toEqual([]);
  });
  it('runPipeline stops before any stage runs: nothing is computed or cached', async () => {
    const d = tinyField(join(tmp, 'bad'), six({ F200W: { filter: 'F210M' } }));
    const out = join(tmp, 'out');
    await expect(runPipeline({ field: d, out, config: none({ preset: 'nosuch' }), reporter: silentReporter() })).rejects.toThrow(/--preset nosuch[\s\S]*FILTER = 'F210M'/);
    expect(existsSync(join(out, 'cache'))).toBe(false);
  });
});

function checkPlanProblems(preset?: string, o: Record<string, unknown> = {}): string[] {
  const p: string[] = [];
  checkPlan('x/field.json', SIX, none({ ...(preset ? { preset } : {}), ...o }), p);
  return p;
}
