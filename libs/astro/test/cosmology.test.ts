import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  Cosmology,
  absoluteMagnitude,
  absoluteMagnitudeUV,
  apparentMagnitude,
  luminosityFromAbsMag,
  uvBandForRedshift,
} from '../src/cosmology.ts';

const cosmo = new Cosmology();

// docs/astro-reference.md §D.2 table (flat ΛCDM, H0 = 70, Ωm = 0.3).
const TABLE: Array<[z: number, dc: number, dl: number, dm: number, muv29: number]> = [
  [8.5, 9082.0, 86279, 49.68, -18.235],
  [9, 9210.3, 92103, 49.821, -18.321],
  [10, 9440.2, 103843, 50.082, -18.478],
  [11, 9640.8, 115690, 50.316, -18.619],
  [12, 9817.8, 127632, 50.53, -18.745],
  [13, 9975.5, 139657, 50.725, -18.86],
  [14, 10117.2, 151758, 50.906, -18.966],
  [15, 10245.4, 163926, 51.073, -19.063],
  [16, 10362.1, 176155, 51.229, -19.153],
];

describe('Cosmology (astro-reference §D.2)', () => {
  it.each(TABLE)('z=%s: D_C, D_L, DM and M_UV(m=29) match the reference table', (z, dc, dl, dm, muv) => {
    expect(cosmo.comovingDistance(z)).toBeCloseTo(dc, 0);
    expect(Math.abs(cosmo.luminosityDistance(z) - dl)).toBeLessThan(1.5);
    expect(cosmo.distanceModulus(z)).toBeCloseTo(dm, 3);
    expect(absoluteMagnitude(29, z, cosmo)).toBeCloseTo(muv, 3);
  });

  it('summary line 8: m = 29 at z = 9 gives M_UV = −18.32', () => {
    expect(absoluteMagnitude(29, 9)).toBeCloseTo(-18.32, 2);
  });

  const VOLUMES: Array<[number, number, number]> = [
    [8.5, 9.5, 1773.9],
    [9.5, 10.5, 1615.7],
    [10.5, 11.5, 1479.1],
    [8.5, 12, 5562.7],
    [9.5, 12.5, 4455.3],
    [11.5, 13.5, 2617.4],
    [12, 16, 4689.5],
    [13.5, 15.5, 2251.0],
    [14, 16, 2172.7],
    [15, 17, 2029.1],
  ];
  it.each(VOLUMES)('comoving volume per arcmin² z=%s–%s is %s Mpc³', (z1, z2, v) => {
    expect(Math.abs(cosmo.comovingVolume(z1, z2, 1) - v)).toBeLessThan(0.15);
  });

  it('∫ dV/dz/dΩ dz over a slice equals the closed-form comoving volume', () => {
    const arcmin2 = (Math.PI / 10800) ** 2;
    let s = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) s += cosmo.differentialComovingVolume(9.5 + (i + 0.5) * (3 / n)) * (3 / n);
    expect(s * arcmin2 * 100).toBeCloseTo(cosmo.comovingVolume(9.5, 12.5, 100), -1);
    expect(Math.abs(s * arcmin2 * 100 / cosmo.comovingVolume(9.5, 12.5, 100) - 1)).toBeLessThan(1e-6);
  });

  it('H0 scaling: distances scale as 1/H0, DM shifts by 5 log10(70/H0)', () => {
    const c2 = new Cosmology({ H0: 67.7, Om: 0.3 });
    expect(c2.comovingDistance(10) / cosmo.comovingDistance(10)).toBeCloseTo(70 / 67.7, 10);
    expect(c2.distanceModulus(10) - cosmo.distanceModulus(10)).toBeCloseTo(5 * Math.log10(70 / 67.7), 10);
  });

  it('rejects bad parameters and redshifts with clear errors', () => {
    expect(() => new Cosmology({ H0: -1 })).toThrow(/H0/);
    expect(() => new Cosmology({ Om: 1.5 })).toThrow(/Om/);
    expect(() => cosmo.comovingDistance(-1)).toThrow(/redshift/);
    expect(() => cosmo.comovingVolume(10, 9, 1)).toThrow(/z1 <= z2/);
  });

  it('apparentMagnitude inverts absoluteMagnitude', () => {
    expect(apparentMagnitude(absoluteMagnitude(28.3, 11.2), 11.2)).toBeCloseTo(28.3, 12);
  });

  it('β-corrected M_UV: β = −2 equals the flat-f_ν formula; redder β at a redder band gives a brighter rest-1500 Å magnitude', () => {
    expect(absoluteMagnitudeUV(29, 10, { pivotA: 27860, beta: -2 })).toBeCloseTo(absoluteMagnitude(29, 10), 12);
    // f_ν ∝ λ^(β+2): for β = −2.5 the source is brighter in f_ν at shorter λ, so M_1500 is brighter than from F277W.
    const m = absoluteMagnitudeUV(29, 10, { pivotA: 27860, beta: -2.5 });
    expect(m).toBeCloseTo(absoluteMagnitude(29, 10) - 2.5 * 0.5 * Math.log10(27860 / 16500), 10);
  });

  it('UV band choice follows astro-reference §D.1', () => {
    expect(uvBandForRedshift(9)).toBe('F150W');
    expect(uvBandForRedshift(12)).toBe('F200W');
    expect(uvBandForRedshift(15)).toBe('F277W');
  });

  it('L_ν(M) = 10^(−0.4(M − 51.595)) (§D.1); M = −20 gives ≈ 4.37e28 erg/s/Hz (summary line 9, rounded ZP 51.60)', () => {
    expect(luminosityFromAbsMag(-20) / Math.pow(10, -0.4 * (-20 - 51.595))).toBeCloseTo(1, 3);
    expect(Math.abs(luminosityFromAbsMag(-20) / 4.37e28 - 1)).toBeLessThan(0.01);
  });

  it('age at z = 9 and 16 matches §D.2 (537 and 243 Myr)', () => {
    expect(cosmo.age(9) * 1000).toBeCloseTo(537, -1);
    expect(Math.abs(cosmo.age(16) * 1000 - 243)).toBeLessThan(1);
  });

  it('agrees with astropy FlatLambdaCDM(70, 0.3, Tcmb0=0) to 1e-6', () => {
    const zs = [0.5, 3, 9, 12.3, 16];
    const py = spawnSync('/usr/bin/python3', [
      '-c',
      `from astropy.cosmology import FlatLambdaCDM\nc=FlatLambdaCDM(H0=70,Om0=0.3,Tcmb0=0)\nfor z in ${JSON.stringify(zs)}: print(c.comoving_distance(z).value, c.distmod(z).value, c.differential_comoving_volume(z).value, c.age(z).value)`,
    ], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const rows = py.stdout.trim().split('\n').map((l) => l.split(/\s+/).map(Number));
    zs.forEach((z, i) => {
      const [dc, dm, dvdz, age] = rows[i];
      expect(Math.abs(cosmo.comovingDistance(z) / dc - 1)).toBeLessThan(1e-6);
      expect(Math.abs(cosmo.distanceModulus(z) - dm)).toBeLessThan(1e-6);
      expect(Math.abs(cosmo.differentialComovingVolume(z) / dvdz - 1)).toBeLessThan(1e-6);
      expect(Math.abs(cosmo.age(z) / age - 1)).toBeLessThan(1e-5);
    });
  });
});
