// Depth-tier completeness (src/depth-tiers.ts): erfc against tabulated values, the S/N roll-off against
// a direct Monte Carlo of Gaussian flux noise, V_eff summing over tiers, and the dropout z window's edges.
import { describe, expect, it } from 'vitest';
import { Cosmology } from '@asteris/astro';
import { createRng } from '@asteris/core';
import { binEffectiveVolume, compareWithPublished, depthCompleteness, depthTierCompleteness, dropoutWindow, erfc, normalCdf } from '../src/index.ts';

describe('depth tiers', () => {
  it('erfc matches tabulated values (Abramowitz & Stegun Table 7.1) to < 2e-7', () => {
    const tab: Array<[number, number]> = [[0, 1], [0.5, 0.4795001222], [1, 0.1572992071], [2, 0.004677734981], [3, 2.209049700e-5], [-1, 1.8427007929]];
    for (const [x, v] of tab) expect(Math.abs(erfc(x) - v)).toBeLessThan(2e-7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
  });

  it('C(m) equals the fraction of Gaussian-noise draws measured at S/N ≥ 5 (Monte Carlo, 20 000 draws per magnitude)', () => {
    const rng = createRng(7);
    const m5 = 29.9, sigF = 10 ** (-0.4 * (m5 - 31.4)) / 5;
    for (const m of [29.0, 29.6, 29.9, 30.2, 30.6]) {
      const f = 10 ** (-0.4 * (m - 31.4));
      let k = 0;
      for (let i = 0; i < 20000; i++) if ((f + sigF * rng.normal()) / sigF >= 5) k++;
      expect(Math.abs(k / 20000 - depthCompleteness(m, m5))).toBeLessThan(0.012);
    }
    expect(depthCompleteness(m5, m5)).toBeCloseTo(0.5, 6);
  });

  it('V_eff over tiers is the sum of the tiers; bright galaxies see the full area, faint ones only the deep tier', () => {
    const cosmo = new Cosmology();
    const tiers = [{ name: 'deep', areaArcmin2: 40, m5sigma: 30.8 }, { name: 'medium', areaArcmin2: 160, m5sigma: 29.8 }];
    const comp = depthTierCompleteness(tiers, { zEdges: [9, 9.5, 10, 10.5], mEdges: Array.from({ length: 81 }, (_, i) => 24 + 0.1 * i) });
    const v = (M: number) => binEffectiveVolume(comp, M - 0.05, M + 0.05, 9.5, 10.5, cosmo);
    expect(v(-21) / cosmo.comovingVolume(9.5, 10.5, 200)).toBeCloseTo(1, 3);
    // M = −18 at z ≈ 10 is m ≈ 29.4: deep complete, medium partly
    const vm = v(-18) / cosmo.comovingVolume(9.5, 10.5, 1);
    expect(vm).toBeGreaterThan(40);
    expect(vm).toBeLessThan(200);
    expect(v(-15.5)).toBeLessThan(1e-3 * v(-21));
  });

  it('F115W-dropout window: 0 while Lyα sits in the blue part of F115W, 1 once the break clears the required depth', () => {
    const w = dropoutWindow('F115W', 2);
    expect(w(8.6)).toBe(0);
    expect(w(9.1)).toBe(0);
    expect(w(9.2)).toBe(1);
    expect(w(10)).toBe(1);
    // a weaker break requirement opens the window at lower z
    expect(dropoutWindow('F115W', 1)(8.7)).toBe(1);
    expect(() => dropoutWindow('F999W')).toThrow(/unknown band/);
  });

  it('compareWithPublished: Δ in dex and σ from the sides facing each other; limits and unmatched points skipped', () => {
    const bin = { M: -19.25, Mlo: -19.5, Mhi: -19, n: 10, nRaw: 10, veff: 1e5, phi: 1e-4, errUp: 0.5e-4, errLo: 0.3e-4, upperLimit: false, phiUpper: 0 };
    const pt = (logPhi: number, extra = {}) => ({ source: 'X', z: 9, M: -19.25, logPhi, errUp: 0.1, errDown: 0.2, upperLimit: false, lowerLimit: false, fromPlot: false, reference: '', ...extra });
    const [below] = compareWithPublished([bin], [pt(-3.5)]); // ours −4 < −3.5: our errUp, their errDown
    expect(below.delta).toBeCloseTo(-0.5, 10);
    expect(below.sigma).toBeCloseTo(Math.hypot(Math.log10(1.5), 0.2), 10);
    const [above] = compareWithPublished([bin], [pt(-4.5)]); // ours above: our errLo, their errUp
    expect(above.sigma).toBeCloseTo(Math.hypot(-Math.log10(0.7), 0.1), 10);
    expect(compareWithPublished([bin], [pt(-3.5, { upperLimit: true }), pt(-3.5, { M: -18 })])).toHaveLength(0);
  });
});
