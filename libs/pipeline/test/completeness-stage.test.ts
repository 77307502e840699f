// The pipeline's completeness product (issue 15): a smooth logistic C(M_UV) per z bin from the injection
// list, never 0 for a cell without injections (the old `n > 0 ? sel/n : 0` gave a sawtooth).
import { describe, expect, it } from 'vitest';
import { createRng } from '@asteris/core';
import { m90Resolved as gainResolved } from '@asteris/astro';
import { completenessGrid, completenessNote, formatFourNumbers, reselectedCount, reselectionNote, selectionCompleteness } from '../src/completeness.ts';

describe('selectionCompleteness', () => {
  // 150 injections as the demo default: uniform z 8.5–16.5, M_UV −22.5…−17; true C = 0.95 / (1 + exp((M + 19)/0.4))
  const rng = createRng(7);
  const inj = Array.from({ length: 150 }, () => {
    const M = rng.uniform(-22.5, -17);
    return { mag: M, z: rng.uniform(8.5, 16.5), selected: rng.random() < 0.95 / (1 + Math.exp((M + 19) / 0.4)) };
  });
  const { zEdges, mEdges } = completenessGrid([8.5, 16.5]);
  const c = selectionCompleteness(inj, { zEdges, mEdges, areaArcmin2: 1.2, preset: 'union of auto' });

  it('fills every cell, empty ones included, with the fitted C (bright cells ≈ 0.95, not 0)', () => {
    expect(zEdges).toEqual([8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5]);
    const empty = c.nInjected!.flatMap((row, i) => row.map((n, j) => ({ n, i, j }))).filter((x) => x.n === 0 && mEdges[x.j + 1]! <= -20);
    expect(empty.length).toBeGreaterThan(10); // the sawtooth the old code made
    for (const { i, j } of empty) expect(c.completeness[i]![j]!).toBeGreaterThan(0.8);
    // smooth and monotone in M_UV (fainter → less complete) in every z bin
    for (const row of c.completeness) for (let j = 1; j < row.length; j++) expect(row[j]!).toBeLessThanOrEqual(row[j - 1]! + 1e-12);
  });

  it('recovers the input curve: C(−19) ≈ 0.475, faint cells ≈ 0, with a 1σ error per cell', () => {
    const j19 = mEdges.findIndex((m) => m === -19.5); // cell −19.5…−19, centre −19.25
    const truth = 0.95 / (1 + Math.exp((-19.25 + 19) / 0.4));
    expect(Math.abs(c.completeness[0]![j19]! - truth)).toBeLessThan(0.15);
    expect(c.completeness[0]![mEdges.length - 2]!).toBeLessThan(0.05);
    expect(c.completenessErr.flat().every((e) => e >= 0 && e <= 1)).toBe(true);
    expect(c.model.fits).toHaveLength(zEdges.length - 1);
  });

  it('says when the z bins share the pooled fit (150 injections over 8 bins: < 30 each) and when they have their own', () => {
    expect(c.model.fits.every((f) => f.source === 'pooled')).toBe(true);
    expect(completenessNote(c)).toMatch(/^150 injections over 8 z bins, no bin with 30 or more .* one logistic fitted to all injections \(M_UV at half of C_max -\d+\.\d\d ± 0\.\d\d/);
    expect(Math.abs(Number(/C_max (-[\d.]+) ±/.exec(completenessNote(c))![1]) + 19)).toBeLessThan(0.3); // input x50 = −19
    const many = selectionCompleteness([...inj, ...inj, ...inj].map((r, k) => ({ ...r, z: 8.5 + (k % 2) * 0.5 })), { zEdges: [8.5, 9.5], mEdges, areaArcmin2: 1, preset: 'x' });
    expect(completenessNote(many)).toBe('450 injections; every z bin has its own logistic fit.');
  });

  it('refuses an injection list with nothing in the z range, naming the stage', () => {
    expect(() => selectionCompleteness([{ mag: -20, z: 5, selected: true }], { zEdges, mEdges, areaArcmin2: 1, preset: 'x' })).toThrow(/completeness: none of the 1 injected/);
  });
});

describe('the four numbers with their bootstrap intervals', () => {
  const four = (g: number, iv: [number, number]) => ({
    gainVsSextractor: g, gainVsOptimal: g, gainVsSextractorInterval: iv, gainVsOptimalInterval: iv, nInjected: 150,
    npM90: 30, ceilingVsSextractor: 2, candidates: null,
  });
  it('prints the 68 % interval and flags a gain its interval does not resolve', () => {
    expect(formatFourNumbers(four(-0.2, [-0.3, -0.1]))[1]).toBe('depth gain, denoised vs optimal (bank) co-add: -0.20 mag (68 %: −0.30 … −0.10)');
    // the demo's case: a first-crossing m90 from ~15 injections per bin jumps between bins
    expect(formatFourNumbers(four(-1.4, [-1.28, 0]))[0]).toMatch(/-1\.40 mag \(68 %: −1\.28 … \+0\.00; not resolved by 150 injections: raise --injections or injection\.rounds\)$/);
    expect(gainResolved(-0.2, [-0.3, -0.1])).toBe(true);
    expect(gainResolved(-0.2, [-0.6, 0.1])).toBe(false); // wider than 0.3 mag
    expect(gainResolved(-1.4, [-1.28, 0])).toBe(false);  // outside its interval
    expect(gainResolved(null, [-0.3, -0.1])).toBe(false);
  });
});

describe('injections must not disturb the field they measure (issue 15)', () => {
  it('counts the own candidates an injected run selects again, and says so below 90 %', () => {
    const main = [{ x: 10, y: 10 }, { x: 50, y: 50 }, { x: 90, y: 20 }];
    expect(reselectedCount(main, [{ x: 11, y: 11 }, { x: 90, y: 23 }, { x: 200, y: 200 }])).toBe(1); // (90, 23) is 3 px away
    expect(reselectedCount(main, [{ x: 11, y: 11 }, { x: 90, y: 22 }])).toBe(2);
    expect(reselectionNote([9, 10], 10, 25)).toBe('');
    expect(reselectionNote([6, 8], 10, 100)).toBe("The injected runs select only 70 % of the field's own 10 candidates again: 100 injections per round crowd the field they measure, so C is biased low; use fewer per round (injection.n) and more rounds (injection.rounds).");
    expect(reselectionNote([], 10, 100)).toBe('');
    expect(reselectionNote([0], 0, 100)).toBe('');
  });
});
