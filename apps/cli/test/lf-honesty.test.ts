// `asteris lf` refuses to lie (issue 15): no completeness → an error unless --assume-complete, which
// is warned in the output, in lf.json and on the figure; invalid rows fail naming file/row/column, or
// are skipped with a count and a reason under --skip-invalid; skipped fits say why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, runMain } from './cli-harness.ts';

const T = mkdtempSync(join(tmpdir(), 'asteris-lf-honest-'));
afterAll(() => rmSync(T, { recursive: true, force: true }));
const fast = ['--no-png', '--steps', '100', '--walkers', '8', '--models', 'schechter'];
const csv = join(T, 'c.csv');
writeFileSync(csv, 'id,z,flux_F200W,flux_F277W\n1,9.2,20,20\n2,9.6,15,30\n3,9.1,0,10\n4,9.3,12,14\n');

describe('asteris lf honesty', () => {
  it('without a completeness product it is an error naming both ways out', async () => {
    const r = await runMain(['lf', csv, '--out', join(T, 'a'), '--area', '10', ...fast]);
    expectCleanFailure(r, { code: 2, problem: /no completeness: give --completeness .* or --assume-complete --area/ });
  });

  it('a row whose UV flux is 0 fails with one line naming the file, line and column', async () => {
    const r = await runMain(['lf', csv, '--out', join(T, 'b'), '--area', '10', '--assume-complete', ...fast]);
    expectCleanFailure(r, { names: csv, problem: /line 4, column flux_F200W: "0" is not a positive flux/ });
  });

  it('--skip-invalid counts the skipped rows with the reason; --assume-complete warns in stderr, lf.json and the figure; the skipped fit says why', async () => {
    const o = join(T, 'c');
    const r = await runMain(['lf', csv, '--out', o, '--area', '10', '--assume-complete', '--skip-invalid', '--z-bins', '8.5:9.5,9.5:10.5', ...fast]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: skipped 1 row\(s\) of .*c\.csv: column flux_F200W is not a positive flux \(M_UV needs it at its z\) \(lines 4\)/);
    expect(r.stderr).toMatch(/warning: completeness ASSUMED to be 1/);
    expect(r.stderr).toMatch(/no fit: 2 effective candidates \(N = 2\) < 5 in 8\.5 ≤ z < 9\.5/);
    const j = JSON.parse(readFileSync(join(o, 'lf.json'), 'utf8'));
    expect(j.warnings.join('\n')).toMatch(/completeness ASSUMED/);
    expect(j.warnings.join('\n')).toMatch(/1 invalid row\(s\) .* skipped/);
    expect(j.zBins[0].fitSkipped).toMatch(/no fit/);
    expect(readFileSync(join(o, 'lf.svg'), 'utf8')).toMatch(/WARNING: completeness assumed = 1/);
  });
});

describe('asteris lf is the lf stage', () => {
  it('gives the same lf.json as the pipeline\'s lf stage on the same inputs; the stage counts skipped rows in lf.json', async () => {
    const { lfStage, logisticCompleteness, LfConfigSchema } = await import('@asteris/lumfunc');
    const comp = join(T, 'comp.json');
    writeFileSync(comp, JSON.stringify(logisticCompleteness({ zEdges: [8.5, 9.5, 10.5], mEdges: [-23, -21, -19, -17, -15], m50: -18, width: 0.4, areaArcmin2: 10 })));
    const cli = join(T, 'cli'), st = join(T, 'stage');
    const r = await runMain(['lf', csv, '--out', cli, '--completeness', comp, '--skip-invalid', '--z-bins', '8.5:9.5,9.5:10.5', '--seed', '3', ...fast]);
    expect(r.code, r.stderr).toBe(0);
    await lfStage.run({ fields: [{ candidates: csv, completeness: comp, oversample: 1 }] },
      { zBins: [[8.5, 9.5], [9.5, 10.5]], seed: 3, nSteps: 100, nWalkers: 8, models: ['schechter'] }, st);
    const a = JSON.parse(readFileSync(join(cli, 'lf.json'), 'utf8')), b = JSON.parse(readFileSync(join(st, 'lf.json'), 'utf8'));
    expect(b.zBins).toEqual(a.zBins);
    expect(b.warnings.join('\n')).toMatch(/1 invalid row\(s\) of .*c\.csv skipped: line 4, column flux_F200W/);
    // a fixed parameter for one model only is a valid config section
    expect(LfConfigSchema.safeParse({ fixed: { dpl: { beta: -4 } } }).success).toBe(true);
  });
});
