// Completeness / contamination on a seeded mock field with truth (SED recipes with continuous
// parameters, realistic noise, interlopers and brown dwarfs). Goal (issue 6): contamination ≤ 10 %
// at completeness ≥ 70 % for S/N_det > 8. The larger run is `node --import tsx libs/select/bench/select.bench.ts`.
import { describe, it, expect } from 'vitest';
import { mockCatalogue, mockMetrics, loadPreset, selectCandidates, photozCatalogue } from '../src/index.ts';

describe('mock field validation', () => {
  const { catalogue, truth } = mockCatalogue({ seed: 11, counts: { highz: 300, balmer: 120, dusty: 120, 'strong-line': 120, 'lowz-sf': 100, 'brown-dwarf': 50 } });
  const pz = photozCatalogue(catalogue);

  it('is deterministic: same seed → identical catalogue', () => {
    const a = mockCatalogue({ seed: 5, counts: { highz: 3, balmer: 3, dusty: 3, 'strong-line': 3, 'lowz-sf': 3, 'brown-dwarf': 3 } });
    const b = mockCatalogue({ seed: 5, counts: { highz: 3, balmer: 3, dusty: 3, 'strong-line': 3, 'lowz-sf': 3, 'brown-dwarf': 3 } });
    expect(JSON.stringify(a.catalogue.rows)).toBe(JSON.stringify(b.catalogue.rows));
    const c = mockCatalogue({ seed: 6, counts: { highz: 3, balmer: 0, dusty: 0, 'strong-line': 0, 'lowz-sf': 0, 'brown-dwarf': 0 } });
    expect(JSON.stringify(c.catalogue.rows[0])).not.toBe(JSON.stringify(a.catalogue.rows[0]));
  });

  // ~100 true objects per preset here → binomial σ ≈ 4.5 %: the test allows 65 %, the larger bench run
  // (docs/select.md) measures the goal figure.
  for (const name of ['f115w-dropout', 'f150w-dropout']) {
    it(`${name}: completeness ≥ 65 % (goal 70 %, see bench) and contamination ≤ 10 % at S/N_det > 8`, () => {
      const m = mockMetrics(selectCandidates(catalogue, loadPreset(name), { photoz: pz }), truth, 8);
      expect(m.nTrue).toBeGreaterThan(40);
      expect(m.completeness).toBeGreaterThanOrEqual(0.65);
      expect(m.contamination).toBeLessThanOrEqual(0.1);
    });
  }

  it('f200w-dropout: contamination ≤ 10 %; completeness ≥ 40 % (below the 70 % goal, see docs/select.md)', () => {
    const m = mockMetrics(selectCandidates(catalogue, loadPreset('f200w-dropout'), { photoz: pz }), truth, 8);
    expect(m.nTrue).toBeGreaterThan(15);
    expect(m.completeness).toBeGreaterThanOrEqual(0.4);
    expect(m.contamination).toBeLessThanOrEqual(0.1);
  });

  it('brown dwarfs and low-z interlopers are rejected with a named reason', () => {
    const res = selectCandidates(catalogue, loadPreset('f200w-dropout'), { photoz: pz });
    const bd = res.all.filter((c, i) => truth[i].kind === 'brown-dwarf' && c.snrDet > 8);
    expect(bd.length).toBeGreaterThan(10);
    expect(bd.every((c) => !c.selected && c.reasons.length > 0)).toBe(true);
    // most bright brown dwarfs are explicitly identified as such
    expect(bd.filter((c) => c.reasons.some((r) => r.startsWith('brown dwarf'))).length / bd.length).toBeGreaterThan(0.7);
  });
});
