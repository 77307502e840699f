// A survey (two small simulated fields) through the runner: one chain per field, one LF over both
// (area = the sum of the fields'), per-field products, and a fully cached rerun.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateField } from '@asteris/sim';
import { runPipeline, type RunResult } from '../src/run.ts';
import { loadRunConfig } from '../src/config.ts';
import { silentReporter } from '../src/progress.ts';

const tmp = mkdtempSync(join(tmpdir(), 'survey-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BANDS = ['F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
let first: RunResult;
const out = join(tmp, 'out');
const cfg = () => loadRunConfig(undefined, {
  denoiser: 'none', preset: 'f150w-dropout', workers: 1, injection: { n: 30, rounds: 1, magRange: [26, 30], zRange: [8.5, 12.5], seed: 3 },
  lf: { nWalkers: 8, nSteps: 20 },
});

beforeAll(async () => {
  for (const [name, seed, size] of [['north', 11, 96], ['south', 12, 80]] as const) {
    await simulateField({ kind: 'asteris-field-spec', name, seed, width: size, height: size, nexp: 2, bands: BANDS, psfRadius: 1,
      populations: { lowz: { magRange: [22, 29] }, browndwarfs: { enabled: false }, highz: { oversample: 50, mLimit: 28 } } }, join(tmp, name), { workers: 0 });
  }
  mkdirSync(join(tmp, 'plan'));
  writeFileSync(join(tmp, 'plan', 'survey.json'), JSON.stringify({ kind: 'asteris-survey', name: 'mini', fields: ['../north', '../south'] }));
  first = await runPipeline({ field: join(tmp, 'plan', 'survey.json'), out, config: cfg(), reporter: silentReporter() });
}, 300_000);

describe('asteris run survey.json', () => {
  it('runs one chain per field and one LF over the survey area', () => {
    for (const f of ['north', 'south']) {
      expect(existsSync(join(out, f, 'catalogue.csv'))).toBe(true);
      expect(existsSync(join(out, f, 'report', 'index.html'))).toBe(true);
      expect(readFileSync(join(out, f, 'report', 'index.html'), 'utf8')).toContain(join(tmp, f));
    }
    const lf = JSON.parse(readFileSync(first.lf!, 'utf8')) as { areaArcmin2: number };
    const area = ((96 * 96 + 80 * 80) * 0.04 ** 2) / 3600;
    expect(lf.areaArcmin2).toBeCloseTo(area, 6);
    const labels = first.stages.map((s) => s.stage);
    expect(labels).toContain('north: detect');
    expect(labels).toContain('south: inj1/select');
    expect(labels.filter((l) => l === 'lf')).toHaveLength(1);
  });
  it('a rerun reuses every product with the same bytes', async () => {
    const lf1 = readFileSync(first.lf!);
    const again = await runPipeline({ field: join(tmp, 'plan', 'survey.json'), out, config: cfg(), reporter: silentReporter() });
    expect(again.stages.every((s) => s.cached)).toBe(true);
    expect(readFileSync(again.lf!).equals(lf1)).toBe(true);
  });
});
