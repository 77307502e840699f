import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  binnedLF, logisticCompleteness, mockCandidates, readCandidatesCsv, runLuminosityFunction, unitCompleteness, writeLfProducts,
} from '../src/index.ts';
import { toCsv } from '@asteris/core';

const comp = logisticCompleteness({
  zEdges: [8.5, 9.5, 10.5], mEdges: Array.from({ length: 31 }, (_, i) => 26 + i * 0.15), m50: 29.4, width: 0.25, areaArcmin2: 150,
});
const truth = { kind: 'schechter' as const, phiStar: 2e-4, MStar: -20.5, alpha: -2.2 };
const cands = mockCandidates(truth, comp, { z1: 8.5, z2: 10.5, seed: 4 });

describe('binned φ', () => {
  it('empty bins are 1σ upper limits of 1.841/(V_eff ΔM); φ = N/(V_eff ΔM) otherwise; cosmic variance widens errors', () => {
    const unit = unitCompleteness([8.5, 9.5], [-25, -15], 100);
    const c = [{ z: 9, M_UV: -19.3 }, { z: 9.1, M_UV: -19.1 }, { z: 9.2, M_UV: -19.4 }];
    const bins = binnedLF(c, unit, { zLo: 8.5, zHi: 9.5, mEdges: [-21, -20, -19] });
    expect(bins[0].upperLimit).toBe(true);
    expect(bins[0].phiUpper * bins[0].veff * 1).toBeCloseTo(1.841, 3);
    expect(bins[1].phi * bins[1].veff).toBeCloseTo(3, 10);
    expect(bins[1].errUp * bins[1].veff).toBeCloseTo(5.918 - 3, 3);
    const cv = binnedLF(c, unit, { zLo: 8.5, zHi: 9.5, mEdges: [-21, -20, -19], cosmicVariance: 0.3 });
    expect(cv[1].errUp * cv[1].veff).toBeCloseTo(Math.hypot(2.918, 0.9), 2);
  });
});

describe('LF products', () => {
  const out = mkdtempSync(join(tmpdir(), 'lf-products-'));
  const res = runLuminosityFunction(cands, comp, { zBins: [[8.5, 9.5], [9.5, 10.5]], nSteps: 600, seed: 3 });
  const files = writeLfProducts(res, comp, out, { png: true });

  it('writes lf.json/csv, lf.svg/png, corner plots and completeness curves', () => {
    for (const f of ['lf.json', 'lf.csv', 'lf.svg', 'lf.png', 'completeness.svg', 'completeness.png', 'corner_z8.5-9.5_schechter.svg', 'corner_z9.5-10.5_dpl.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(files.length).toBe(8 + 4 * 2);
    expect(readFileSync(join(out, 'completeness_map.svg'), 'utf8')).toContain('aria-description="completeness-map"');
    expect(readFileSync(join(out, 'completeness.svg'), 'utf8')).toContain('aria-description="completeness-curve"');
    const corner = readFileSync(join(out, 'corner_z8.5-9.5_dpl.svg'), 'utf8');
    expect((corner.match(/aria-description="corner-hist"/g) ?? []).length).toBe(4);
    expect((corner.match(/aria-description="corner-scatter"/g) ?? []).length).toBe(6);
    const png = readFileSync(join(out, 'lf.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('lf.json has bins, fits with posterior summaries, ρ_UV and diagnostics; lf.csv one row per bin', () => {
    const j = JSON.parse(readFileSync(join(out, 'lf.json'), 'utf8'));
    expect(j.zBins).toHaveLength(2);
    const f = j.zBins[0].fits[0];
    expect(f.model).toBe('schechter');
    expect(f.posterior.alpha.lo).toBeLessThan(f.posterior.alpha.hi);
    expect(f.logRhoUV17.median).toBeGreaterThan(24);
    expect(f.diagnostics.acceptanceFraction).toBeGreaterThan(0);
    expect(f.samples).toBeUndefined();
    const csv = readFileSync(join(out, 'lf.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('phi_err_up');
    expect(csv.length - 1).toBe(j.zBins[0].bins.length + j.zBins[1].bins.length);
  });

  it('the LF SVG contains our points, both fits with bands, published CoReCon points, upper limits and one panel per z bin', () => {
    const svg = readFileSync(join(out, 'lf.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const series of ['our-points', 'our-errors', 'fit-median', 'fit-band', 'published-points', 'our-upper-limits']) {
      expect(svg, series).toContain(`aria-description="${series}"`);
    }
    const group = (name: string) => svg.split(`aria-description="${name}"`)[1].split('aria-description=')[0];
    const dotsGroup = group('our-points');
    const nOurs = res.zBins.reduce((s, z) => s + z.bins.filter((b) => !b.upperLimit).length, 0);
    expect((dotsGroup.match(/<circle/g) ?? []).length).toBe(nOurs);
    expect(svg).toContain('8.5 ≤ z &lt; 9.5');
    expect(svg).toContain('9.5 ≤ z &lt; 10.5');
    expect(svg).toContain('Donnan et al. 2024');
    // two fit curves (Schechter, DPL) per panel
    const lineGroup = group('fit-median');
    expect((lineGroup.match(/<path/g) ?? []).length).toBe(4);
    // the faint end of each fit's likelihood (V̄_eff ≥ 0.2 × max) is a dashed line where it falls inside the axes
    const limited = res.zBins.filter((z) => z.fits.length && z.fitRange && z.fitRange[1] < -16.5);
    expect(limited.length).toBeGreaterThan(0);
    expect((group('fit-limit').split('aria-label="legend"')[0]!.match(/<line/g) ?? []).length).toBe(limited.length);
  });

  it('readCandidatesCsv accepts z_phot + M_UV columns and names bad rows', () => {
    const p = join(out, 'cands.csv');
    writeFileSync(p, toCsv(['id', 'z_phot', 'M_UV'], [['a', 9.1, -19.2], ['b', 10.2, -18.7]]));
    expect(readCandidatesCsv(p)).toEqual([{ id: 'a', z: 9.1, M_UV: -19.2, weight: 1 }, { id: 'b', z: 10.2, M_UV: -18.7, weight: 1 }]);
    writeFileSync(p, 'id,z_phot,M_UV\na,9.1,oops\n');
    expect(() => readCandidatesCsv(p)).toThrow(/cands\.csv: line 2, column M_UV: "oops" is not a number/);
    writeFileSync(p, 'id,M_UV\na,-19\n');
    expect(() => readCandidatesCsv(p)).toThrow(/no redshift column/);
  });

  it('recomputes M_UV from flux_<BAND> (nJy) when there is no M_UV column', () => {
    const p = join(out, 'flux.csv');
    // 10 nJy in F200W at z = 12 (F200W is the UV band there), β = −2: M = 28.9 − DM(12) + 2.5 log10(13)
    writeFileSync(p, 'id,z,flux_F150W,flux_F200W\nx,12,1,10\n');
    const [c] = readCandidatesCsv(p);
    expect(c.M_UV).toBeCloseTo(31.4 - 2.5 - 50.53 + 2.785, 2);
  });

  it('asteris lf CLI writes the products and reports bad inputs in one line', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const candsCsv = join(out, 'cli_cands.csv');
    writeFileSync(candsCsv, toCsv(['id', 'z_phot', 'M_UV'], cands.map((c) => [c.id, c.z, c.M_UV])));
    const compJson = join(out, 'completeness.json');
    writeFileSync(compJson, JSON.stringify(comp));
    const cliOut = join(out, 'cli');
    const r = spawnSync(process.execPath, [join(root, 'apps/cli/bin/asteris.mjs'), 'lf', candsCsv, '--completeness', compJson, '--out', cliOut,
      '--z-bins', '8.5:9.5', '--steps', '300', '--no-png', '--models', 'schechter'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(cliOut, 'lf.svg'))).toBe(true);
    expect(existsSync(join(cliOut, 'lf.png'))).toBe(false);
    const bad = spawnSync(process.execPath, [join(root, 'apps/cli/bin/asteris.mjs'), 'lf', candsCsv, '--completeness', join(out, 'nope.json'), '--out', cliOut], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/nope\.json: cannot read completeness product/);
    // the fit range reaches lf.json and stderr; --min-completeness 0 fits every bin; a bad value is one line
    const fitFaint = (dir: string) => JSON.parse(readFileSync(join(dir, 'lf.json'), 'utf8')).zBins[0].fitRange[1] as number;
    expect(fitFaint(cliOut)).toBeLessThan(-16);
    expect(r.stderr).toMatch(/fits over M_UV -23 … -1\d\.\d/);
    const all = join(out, 'cli-all');
    const r0 = spawnSync(process.execPath, [join(root, 'apps/cli/bin/asteris.mjs'), 'lf', candsCsv, '--completeness', compJson, '--out', all,
      '--z-bins', '8.5:9.5', '--steps', '300', '--no-png', '--models', 'schechter', '--min-completeness', '0', '--no-migration'], { encoding: 'utf8' });
    expect(r0.status, r0.stderr).toBe(0);
    expect(fitFaint(all)).toBe(-16);
    const badMc = spawnSync(process.execPath, [join(root, 'apps/cli/bin/asteris.mjs'), 'lf', candsCsv, '--completeness', compJson, '--out', all, '--min-completeness', '2'], { encoding: 'utf8' });
    expect(badMc.status).toBe(2); // a usage error, as commander's own
    expect(badMc.stderr.trim().split('\n')).toHaveLength(1);
    expect(badMc.stderr).toMatch(/--min-completeness: invalid value '2'/);
  }, 60_000); // five CLI processes
});

describe('minForFit counts effective candidates (Σw)²/Σw²', () => {
  it('equal weights (an oversampled simulated field) count as their number; unequal ones count less', () => {
    const six = cands.filter((c) => c.z >= 8.5 && c.z < 9.5).slice(0, 6).map((c) => ({ ...c, weight: 1 / 1500 }));
    expect(six).toHaveLength(6);
    const o = { zBins: [[8.5, 9.5]] as [number, number][], models: ['schechter' as const], nSteps: 100, nWalkers: 8 };
    expect(runLuminosityFunction(six, comp, o).zBins[0]!.fitSkipped).toBeNull();
    // weights 1 and 5 × 0.1: (1.5)² / 1.05 = 2.14 effective candidates
    const uneven = six.map((c, k) => ({ ...c, weight: k === 0 ? 1 : 0.1 }));
    expect(runLuminosityFunction(uneven, comp, o).zBins[0]!.fitSkipped).toBe('no fit: 2.14 effective candidates (N = 6) < 5 in 8.5 ≤ z < 9.5');
  });
});

describe('lf stage publishes the completeness figures with the LF (issue 15)', () => {
  it('completeness.svg/png and the map go to out/lf, and the stage writes them', async () => {
    const { lfStage } = await import('../src/index.ts');
    for (const f of ['completeness.svg', 'completeness.png', 'completeness_map.svg', 'completeness_map.png', 'completeness_2.svg']) {
      expect(lfStage.publish![f], f).toBe(`lf/${f}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'lf-stage-'));
    const cf = join(dir, 'in-completeness.json');
    writeFileSync(cf, JSON.stringify(comp));
    const cc = join(dir, 'in-candidates.csv');
    writeFileSync(cc, toCsv(['z', 'M_UV'], cands.slice(0, 12).map((c) => [c.z, c.M_UV!])));
    const out = mkdtempSync(join(tmpdir(), 'lf-stage-out-'));
    await lfStage.run({ fields: [{ candidates: cc, completeness: cf, oversample: 1 }] }, { zBins: [[8.5, 9.5]], nSteps: 50, nWalkers: 8, models: ['schechter'] }, out);
    for (const f of ['lf.svg', 'completeness.svg', 'completeness_map.png']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'completeness.svg'), 'utf8')).toContain('aria-description="completeness-curve"');
  });
});
