// Smooth completeness from injection lists (issue 15): a logistic per z bin with its uncertainty,
// never 0 for a cell without injections; V_eff from it is smooth across adjacent bins.
import { describe, expect, it } from 'vitest';
import { createRng } from '@asteris/core';
import {
  binEffectiveVolume, completenessFromInjections, fitLogistic, logisticC, validateCompleteness, type Injection,
} from '../src/index.ts';

function inject(n: number, seed: number, truth: (M: number, z: number) => number): Injection[] {
  const rng = createRng(seed);
  const out: Injection[] = [];
  for (let i = 0; i < n; i++) {
    const M = -23 + 7 * rng.next(), z = 8.5 + 4 * rng.next();
    out.push({ mag: M, z, selected: rng.next() < truth(M, z) });
  }
  return out;
}

describe('completeness model from injections', () => {
  it('recovers a known logistic within 3σ of its own error, and the error is honest over 40 seeds (|pull| < 2 in ≥ 85 %)', () => {
    const truth = { x50: -18.6, width: 0.35, cMax: 0.92 };
    let inside = 0;
    for (let s = 0; s < 40; s++) {
      const inj = inject(300, 100 + s, (M) => logisticC(truth, M));
      const f = fitLogistic(inj.map((r) => r.mag), inj.map((r) => r.selected));
      if (Math.abs(f.x50 - truth.x50) / f.x50Err < 2) inside++;
      if (s === 0) {
        expect(Math.abs(f.x50 - truth.x50)).toBeLessThan(3 * f.x50Err);
        expect(Math.abs(f.cMax - truth.cMax)).toBeLessThan(3 * f.cMaxErr);
        expect(Math.abs(f.width - truth.width)).toBeLessThan(3 * f.widthErr);
      }
    }
    expect(inside / 40).toBeGreaterThanOrEqual(0.85);
  });

  it('150 injections over 8 × 16 cells (the old sawtooth case): no cell is 0 on the bright side, V_eff is monotonic', () => {
    const zEdges = [8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12, 12.5];
    const mEdges = Array.from({ length: 17 }, (_, i) => -23 + (7 * i) / 16);
    const truth = (M: number, z: number) => 0.95 / (1 + Math.exp((M - (-18.8 + 0.3 * (z - 9))) / 0.3));
    const inj = inject(150, 7, truth);
    const c = completenessFromInjections(inj, { zEdges, mEdges, areaArcmin2: 10, minPerBin: 30 });
    // the raw ratio has empty cells
    expect(c.nInjected!.flat().filter((n) => n === 0).length).toBeGreaterThan(20);
    for (const row of c.completeness) for (let j = 0; j < 8; j++) expect(row[j]).toBeGreaterThan(0.7);   // M < −19.5
    expect(c.model.fits.some((f) => f.source === 'pooled' && /injection\(s\) < 30/.test(f.note!))).toBe(true);
    expect(c.completenessErr.flat().every((e) => Number.isFinite(e) && e >= 0)).toBe(true);
    // written to completeness.json and read back, the fitted grid is kept (not refilled)
    expect(validateCompleteness(JSON.parse(JSON.stringify(c))).completeness).toEqual(c.completeness);
    const v = [-22, -21.5, -21, -20.5, -20, -19.5, -19, -18.5].map((M) => binEffectiveVolume(c, M, M + 0.5, 9, 10));
    for (let i = 1; i < v.length; i++) expect(v[i]).toBeLessThanOrEqual(v[i - 1] * 1.001);
  });

  it('a product with counts only: sparse/empty cells come from the fitted model, not 0', () => {
    const c = validateCompleteness({
      zEdges: [9, 10], mEdges: [-22, -21, -20, -19, -18, -17], axis: 'M_UV', areaArcmin2: 5,
      nInjected: [[0, 12, 0, 15, 20]], nSelected: [[0, 12, 0, 6, 0]],
    });
    expect(c.completeness[0][0]).toBeGreaterThan(0.9);
    expect(c.completeness[0][2]).toBeGreaterThan(0.5);
    expect(c.completeness[0][4]).toBeLessThan(0.1);
    expect(c.completenessSource).toMatch(/logistic fit/);
    // an explicit completeness with 0 in an un-injected cell is repaired the same way
    const d = validateCompleteness({
      zEdges: [9, 10], mEdges: [-22, -21, -20, -19, -18, -17], axis: 'M_UV', areaArcmin2: 5,
      nInjected: [[0, 12, 0, 15, 20]], nSelected: [[0, 12, 0, 6, 0]], completeness: [[0, 1, 0, 0.4, 0]],
    });
    expect(d.completeness[0][0]).toBeGreaterThan(0.9);
    expect(d.completeness[0][1]).toBe(1);
  });
});

describe('completeness figure', () => {
  it('draws per z bin the fitted curve, its 1σ band and the injected fractions', async () => {
    const { completenessSvg } = await import('../src/index.ts');
    const inj = inject(600, 9, (M) => 0.9 / (1 + Math.exp((M + 18.5) / 0.4)));
    const c = completenessFromInjections(inj, { zEdges: [8.5, 10.5, 12.5], mEdges: Array.from({ length: 15 }, (_, i) => -23 + 0.5 * i), areaArcmin2: 10 });
    const svg = completenessSvg(c, { title: 'test' });
    for (const d of ['completeness-curve', 'completeness-band', 'injected-fraction']) expect(svg).toContain(`aria-description="${d}"`);
    // a JSON round trip (completeness.json) keeps the uncertainty grid
    const back = validateCompleteness(JSON.parse(JSON.stringify(c)));
    expect(back.completenessErr).toEqual(c.completenessErr);
    expect(back.completeness).toEqual(c.completeness);
  });
});
