import { describe, expect, it } from 'vitest';
import { bandFluxNJy, loadFilter, topHatNircam } from '@asteris/astro';
import { brownDwarfSed, galaxySed, highzSed } from '../src/sed.ts';

const col = (sed: (l: number) => number, a: string, b: string, tophat = false) => {
  const f = (n: string) => bandFluxNJy(tophat ? topHatNircam(n) : loadFilter(n), sed);
  return -2.5 * Math.log10(f(a) / f(b));
};

// astro-reference §C.1: β = −2, top-hat filters, T_IGM = 0 blueward of Lyα
const C1: Array<[number, string, string, number]> = [
  [9, 'F115W', 'F150W', 1.62],
  [12, 'F150W', 'F200W', 1.55],
  [16, 'F200W', 'F277W', 1.26],
];

describe('Lyman-break colours of high-z sources (astro-reference §C.1)', () => {
  it.each(C1)('z = %d: %s − %s with top-hat filters = %d ± 0.03', (z, a, b, ref) => {
    expect(Math.abs(col(highzSed(z, -2, 10), a, b, true) - ref)).toBeLessThan(0.03);
  });
  it.each(C1)('z = %d: %s − %s through the real NIRCam curves within 0.25 mag of %d and > 1', (z, a, b, ref) => {
    const c = col(highzSed(z, -2, 10), a, b);
    expect(Math.abs(c - ref)).toBeLessThan(0.25);
    expect(c).toBeGreaterThan(1.0);
  });
  it('red-side colours are flat for β = −2 (|F277W − F356W| < 0.05 at z = 12)', () => {
    expect(Math.abs(col(highzSed(12, -2, 10), 'F277W', 'F356W'))).toBeLessThan(0.05);
  });
  it('bluer β gives bluer red-side colours (β = −2.5: F200W − F277W ≈ −0.15 ± 0.1 at z = 12)', () => {
    const c = col(highzSed(12, -2.5, 10), 'F200W', 'F277W');
    expect(c).toBeLessThan(-0.05);
    expect(c).toBeGreaterThan(-0.3);
  });
});

describe('interlopers and brown dwarfs (astro-reference §E.4)', () => {
  it('T/Y dwarfs satisfy F115W − F277W < −0.8 and F277W − F444W > 1.1 (Wang+23, 500–1300 K)', () => {
    for (const t of [500, 800, 1100, 1300]) {
      const s = brownDwarfSed(t);
      expect(col(s, 'F115W', 'F277W')).toBeLessThan(-0.8);
      expect(col(s, 'F277W', 'F444W')).toBeGreaterThan(1.1);
      expect(col(s, 'F277W', 'F444W')).toBeLessThan(3.5);      // typical T dwarfs 1.5–3, Y redder
      const c = col(s, 'F150W', 'F200W');                      // typical T dwarfs 0 to −0.5
      expect(c).toBeGreaterThan(-0.6);
      expect(c).toBeLessThan(0.1);
    }
  });
  it('a z = 4 Balmer-break galaxy is red across the break but detected blueward (unlike a dropout)', () => {
    const s = galaxySed({ z: 4, beta: -0.5, breakMag: 2, redSlope: 0.8, av: 0.3, ewOiiiHb: 10, ewHa: 10 });
    expect(col(s, 'F150W', 'F200W')).toBeGreaterThan(0.8);
    expect(col(s, 'F115W', 'F150W')).toBeLessThan(1.0);
  });
  it('a strong [OIII]+Hβ emitter at z = 5 boosts F277W relative to its neighbours', () => {
    const s = galaxySed({ z: 5.0, beta: -2.2, breakMag: 0.05, redSlope: -0.2, av: 0, ewOiiiHb: 2000, ewHa: 1600 });
    const lineFree = galaxySed({ z: 5.0, beta: -2.2, breakMag: 0.05, redSlope: -0.2, av: 0, ewOiiiHb: 0, ewHa: 0 });
    expect(col(lineFree, 'F277W', 'F200W') - col(s, 'F277W', 'F200W')).toBeGreaterThan(0.5);
  });
});

describe('fast split-SED band integration', () => {
  it("agrees with astro bandFluxNJy on the full SED within 0.5 % (1.5 % where a line sits on a filter edge: the full SED broadens lines)", async () => {
    const { galaxySedSplit, splitBandFlux, highzSedSplit } = await import('../src/sed.ts');
    const cases = [
      { z: 9.0, beta: -2, breakMag: 0.1, redSlope: 0, av: 0, ewOiiiHb: 800, ewHa: 600 },
      { z: 4.3, beta: -0.5, breakMag: 1.8, redSlope: 0.8, av: 0.5, ewOiiiHb: 20, ewHa: 20 },
      { z: 5.2, beta: -2.3, breakMag: 0.05, redSlope: -0.3, av: 0.1, ewOiiiHb: 2500, ewHa: 2000 },
      { z: 1.4, beta: -1.5, breakMag: 0.4, redSlope: 0.5, av: 2.5, ewOiiiHb: 100, ewHa: 150 },
    ];
    for (const p of cases) {
      const full = galaxySed(p), split = galaxySedSplit(p);
      for (const b of ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F410M', 'F444W']) {
        const a = bandFluxNJy(loadFilter(b), full), s = splitBandFlux(loadFilter(b), split);
        const tol = p.ewOiiiHb > 1000 ? 0.015 : 0.005;
        expect(Math.abs(s - a)).toBeLessThan(tol * Math.max(a, 0.01 * bandFluxNJy(loadFilter("F444W"), full)));
      }
    }
    const h = highzSedSplit(12, -2, 10);
    expect(Math.abs(splitBandFlux(loadFilter('F200W'), h) / bandFluxNJy(loadFilter('F200W'), highzSed(12, -2, 10)) - 1)).toBeLessThan(0.005);
  });
});
