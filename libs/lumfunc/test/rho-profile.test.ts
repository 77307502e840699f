// The profile-likelihood interval of ρ_UV (fit.ts rhoProfile): exact where the answer is known in closed form.
import { describe, expect, it } from 'vitest';
import { uvLuminosityDensity } from '@asteris/astro';
import { type CountData, fitLF, toLfParams } from '../src/index.ts';

/** Counts n_j over 0.5-mag bins with V_eff 1e5 Mpc³ each. */
function data(counts: number[]): CountData {
  const edges = counts.map((_, j) => -22 + 0.5 * j).concat(-22 + 0.5 * counts.length);
  return { kind: 'counts', edges, counts, veff: counts.map(() => 1e5) };
}

describe('ρ_UV profile-likelihood interval', () => {
  it('with only φ* free it is the Poisson likelihood interval of the total count', () => {
    // ρ_UV ∝ φ* ∝ λ (the expected total), so {λ : N ln λ − λ ≥ N ln N − N − ½} maps onto log ρ_UV exactly
    const d = data([1, 2, 4, 3, 6, 5, 2]); // N = 23
    const N = 23;
    const f = fitLF(d, 'schechter', { fixed: { MStar: -20.5, alpha: -2.1 }, nSteps: 600, seed: 3 });
    const p = f.logRhoUV17Profile!;
    expect(p).toBeTruthy();
    const best = Math.log10(uvLuminosityDensity(toLfParams('schechter', f.best as never), -17));
    expect(p.median).toBeCloseTo(best, 4);
    const g = (l: number) => N * Math.log(l) - l - (N * Math.log(N) - N - 0.5);
    const root = (a: number, b: number) => { for (let k = 0; k < 80; k++) { const m = 0.5 * (a + b); if (Math.sign(g(m)) === Math.sign(g(a))) a = m; else b = m; } return 0.5 * (a + b); };
    const lo = best + Math.log10(root(1e-3, N) / N), hi = best + Math.log10(root(N, 10 * N) / N);
    expect(Math.abs(p.lo - lo)).toBeLessThan(0.004);
    expect(Math.abs(p.hi - hi)).toBeLessThan(0.004);
    expect(p.open).toEqual([]);
    // asymmetric as the Poisson likelihood interval is in log λ (lower side wider)
    expect(p.median - p.lo).toBeGreaterThan(p.hi - p.median);
  });

  it('profiles over the free shape parameters: wider than with them held at their maximum-likelihood values', () => {
    const d = data([1, 3, 5, 8]); // −22 … −20: ρ_UV(< −17) extrapolates 3 mag
    const free = fitLF(d, 'schechter', { fixed: { MStar: -20.5 }, nSteps: 1500, seed: 3 });
    const p = free.logRhoUV17Profile!;
    // the same maximum, and at every other ρ_UV the free α can only do better: the interval contains the fixed one
    const only = fitLF(d, 'schechter', { fixed: { MStar: -20.5, alpha: free.best.alpha! }, nSteps: 600, seed: 3 }).logRhoUV17Profile!;
    expect(p.median).toBeCloseTo(only.median, 2);
    expect(p.lo).toBeLessThan(only.lo + 0.005);
    expect(p.hi).toBeGreaterThan(only.hi - 0.005);
    // α free: the 3-mag extrapolation is uncertain, so the interval widens
    expect(p.hi - p.lo).toBeGreaterThan(1.2 * (only.hi - only.lo));
  });

  it('is absent when φ* is fixed', () => {
    const f = fitLF(data([1, 2, 4, 3, 6, 5, 2]), 'schechter', { fixed: { logPhiStar: -4 }, nSteps: 400, seed: 1 });
    expect(f.logRhoUV17Profile).toBeNull();
  });
});

describe('ρ_UV profile at a prior bound', () => {
  it('an end that the priors cut off is returned at the last feasible point and marked open', () => {
    // 23 counts fix ρ_UV; a φ* prior that stops 0.05 dex above the best fit cuts the upper end (α, M* held)
    const d = data([1, 2, 4, 3, 6, 5, 2]);
    const free = fitLF(d, 'schechter', { fixed: { MStar: -20.5, alpha: -2.1 }, nSteps: 600, seed: 3 });
    const cap = free.best.logPhiStar! + 0.05;
    const f = fitLF(d, 'schechter', { fixed: { MStar: -20.5, alpha: -2.1 }, priors: { logPhiStar: [-7, cap] }, nSteps: 600, seed: 3 });
    const p = f.logRhoUV17Profile!;
    expect(p.open).toEqual(['hi']);
    expect(p.hi - p.median).toBeGreaterThan(0.04);
    expect(p.hi - p.median).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.abs(p.lo - free.logRhoUV17Profile!.lo)).toBeLessThan(0.006); // the other end as without the cap
  });
});

describe('prior-dominated parameters', () => {
  it('flags a DPL bright-end slope that 17 faint-side counts cannot constrain, and not a well-measured φ*', () => {
    const d = data([1, 3, 5, 8]);
    const dpl = fitLF(d, 'dpl', { fixed: { MStar: -21 }, nSteps: 1500, seed: 2 });
    expect(dpl.diagnostics.priorDominated).toContain('beta');
    expect(dpl.diagnostics.priorDominated).not.toContain('logPhiStar');
    const only = fitLF(d, 'schechter', { fixed: { MStar: -20.5, alpha: -2.1 }, nSteps: 600, seed: 3 });
    expect(only.diagnostics.priorDominated).toEqual([]);
  });
});
