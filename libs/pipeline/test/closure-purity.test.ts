// closurePurity (bench/closure-purity.ts): candidates matched to the simulation's truth, and the contamination at
// the sky's density from the truth's weights. One exact case.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closurePurity, purityLines } from '../bench/closure-purity.ts';

const T = mkdtempSync(join(tmpdir(), 'purity-'));
afterAll(() => rmSync(T, { recursive: true, force: true }));

const ARC = 1 / 3600;
describe('closurePurity', () => {
  it('classifies candidates and weighs them to the sky\'s density', () => {
    const ra0 = 34.3, dec0 = -5.1;
    writeFileSync(join(T, 'truth.csv'), [
      'id,kind,ra,dec,z,M_UV,weight,mag_F277W',
      `1,highz,${ra0},${dec0},9.1,-19,0.01,28`,
      `2,highz,${ra0 + 10 * ARC},${dec0},10.2,-18.5,0.01,28.9`,
      `3,highz,${ra0 + 20 * ARC},${dec0},11,-20,0.01,27.5`,
      `4,lowz,${ra0 + 30 * ARC},${dec0},2.1,-17,1,27`,
      `5,lowz,${ra0 + 30.05 * ARC},${dec0},0.8,-15,1,26`, // the brighter of two low-z sources within the radius
      `6,browndwarf,${ra0 + 40 * ARC},${dec0},,,1,25`,
    ].join('\n'));
    // candidates: two on high-z galaxies (0.05″ and 0.1″ off), one on the low-z pair, one 1″ from anything, and one
    // 0.2″ from the brown dwarf (outside 0.12″: spurious)
    writeFileSync(join(T, 'cand.csv'), [
      'id,ra,dec,preset,z_phot',
      `a,${ra0 + 0.05 * ARC / Math.cos((dec0 * Math.PI) / 180)},${dec0},posterior-z8,9.1`,
      `b,${ra0 + 10 * ARC},${dec0 + 0.1 * ARC},f115w-dropout+posterior-z8,10.0`,
      `c,${ra0 + 30.02 * ARC},${dec0},posterior-z11,11.2`,
      `d,${ra0 + 50 * ARC},${dec0},posterior-z8,9.3`,
      `e,${ra0 + 40 * ARC},${dec0 + 0.2 * ARC},posterior-z11,16`,
    ].join('\n'));
    const p = closurePurity([{ tier: 'deep', truth: join(T, 'truth.csv'), candidates: join(T, 'cand.csv') }]);
    const d = p.tiers[0]!;
    expect(d.oversample).toBe(100);
    expect(d.candidates).toBe(5);
    expect(d.highz).toBe(2);
    expect(d.interlopers).toEqual({ lowz: 1, spurious: 2 });
    expect(d.lowzZ).toEqual([0.8]);
    expect(d.contaminationDrawn).toBeCloseTo(3 / 5, 12);
    expect(d.contaminationSky).toBeCloseTo(3 / (3 + 0.02), 12);
    expect(p.all.candidates).toBe(5);
    expect(d.byPreset['posterior-z8']).toEqual({ highz: 2, interlopers: 1, wHighz: 0.02, wInterlopers: 1 });
    expect(d.byPreset['f115w-dropout']).toEqual({ highz: 1, interlopers: 0, wHighz: 0.01, wInterlopers: 0 });
    expect(d.byPreset['posterior-z11']).toEqual({ highz: 0, interlopers: 2, wHighz: 0, wInterlopers: 2 });
    // by the LF's z bins (z_phot; e at 16 is outside them)
    expect(d.byZ).toEqual({
      '8.5–9.5': { highz: 1, interlopers: 1, wHighz: 0.01, wInterlopers: 1 },
      '9.5–10.5': { highz: 1, interlopers: 0, wHighz: 0.01, wInterlopers: 0 },
      '10.5–13': { highz: 0, interlopers: 1, wHighz: 0, wInterlopers: 1 },
    });
    expect(purityLines(p).at(-3)).toMatch(/z_phot 8\.5–9\.5 +1 true high-z \(0\.01 on the real sky\), 1 interlopers: the LF bin on the real sky would be 99 % interlopers/);
    expect(purityLines(p).find((l) => l.includes('preset posterior-z8'))).toMatch(/preset posterior-z8 +2 true high-z \(0\.02 on the real sky\), 1 interlopers: contamination at the sky's density 0\.980/);
    expect(purityLines(p)[0]).toMatch(/deep +1 fields, +5 candidates: 2 true high-z \(0\.02 on the real sky, high-z drawn ×100\), interlopers lowz 1, spurious 2 \(z 0\.80\)/);
  });
});
