import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cosmology, absoluteMagnitude } from '@asteris/astro';
import {
  binEffectiveVolume, completenessAt, effectiveVolume, logisticCompleteness, readCompleteness, unitCompleteness, validateCompleteness,
} from '../src/index.ts';

const cosmo = new Cosmology();

describe('completeness product', () => {
  it('derives completeness from nInjected/nSelected and interpolates between cell centres', () => {
    const c = validateCompleteness({
      zEdges: [9, 10, 11], mEdges: [-22, -20, -18], axis: 'M_UV', areaArcmin2: 10,
      nInjected: [[100, 100], [100, 100]], nSelected: [[90, 30], [80, 10]],
    });
    expect(c.completeness).toEqual([[0.9, 0.3], [0.8, 0.1]]);
    expect(completenessAt(c, -21, 9.5)).toBeCloseTo(0.9, 12);
    expect(completenessAt(c, -20, 9.5)).toBeCloseTo(0.6, 12); // half-way between centres −21 and −19
    expect(completenessAt(c, -20, 10)).toBeCloseTo(0.5 * (0.6 + 0.45), 12);
    expect(completenessAt(c, -17.9, 10)).toBe(0); // fainter than the grid
    expect(completenessAt(c, -25, 9.5)).toBeCloseTo(0.9, 12); // brighter: clamped
  });

  it("axis 'mag' looks up the apparent magnitude of M at z", () => {
    const c = logisticCompleteness({ zEdges: [8, 12], mEdges: [26, 27, 28, 29, 30, 31], m50: 29, width: 0.3, areaArcmin2: 1 });
    // M whose apparent magnitude at z = 10 is the centre of the 28.5 cell
    const M = absoluteMagnitude(28.5, 10);
    expect(completenessAt(c, M, 10)).toBeCloseTo(1 / (1 + Math.exp((28.5 - 29) / 0.3)), 10);
  });

  it('names the problem for malformed products', () => {
    expect(() => validateCompleteness({ zEdges: [9, 8], mEdges: [1, 2], areaArcmin2: 1, completeness: [[1]] }, 'c.json')).toThrow(/c\.json: zEdges must be an ascending/);
    expect(() => validateCompleteness({ zEdges: [8, 9], mEdges: [1, 2], areaArcmin2: 1, completeness: [[1.5]] })).toThrow(/completeness\[0\]\[0\] = 1.5/);
    expect(() => validateCompleteness({ zEdges: [8, 9], mEdges: [1, 2, 3], areaArcmin2: 1, completeness: [[1]] })).toThrow(/must have 2 values/);
    expect(() => validateCompleteness({ zEdges: [8, 9], mEdges: [1, 2], areaArcmin2: 0, completeness: [[1]] })).toThrow(/areaArcmin2/);
    expect(() => validateCompleteness({ zEdges: [8, 9], mEdges: [1, 2], areaArcmin2: 1 })).toThrow(/needs completeness/);
    const dir = mkdtempSync(join(tmpdir(), 'lf-comp-'));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(() => readCompleteness(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
    expect(() => readCompleteness(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read completeness product \(ENOENT\)/);
  });

  it('V_eff with C = 1 is the comoving volume of the slice; with C = 0.5 it is half', () => {
    const unit = unitCompleteness([8.5, 9.5], [-25, -15], 100);
    expect(effectiveVolume(unit, -20, 8.5, 9.5, cosmo) / cosmo.comovingVolume(8.5, 9.5, 100)).toBeCloseTo(1, 8);
    const half = { ...unit, completeness: [[0.5]] };
    expect(binEffectiveVolume(half, -20.5, -20, 8.5, 9.5, cosmo) / cosmo.comovingVolume(8.5, 9.5, 100)).toBeCloseTo(0.5, 8);
  });

  it('several fields: V_eff is the sum over fields (two half-area copies equal one full-area product)', () => {
    const full = logisticCompleteness({ zEdges: [8.5, 9.5, 10.5], mEdges: [27, 28, 29, 30, 31], m50: 29.2, width: 0.3, areaArcmin2: 80 });
    const half = { ...full, areaArcmin2: 40 };
    const deep = { ...full, areaArcmin2: 20, completeness: full.completeness.map((r) => r.map(() => 1)) };
    expect(binEffectiveVolume([half, half], -19, -18.5, 8.5, 10.5, cosmo) / binEffectiveVolume(full, -19, -18.5, 8.5, 10.5, cosmo)).toBeCloseTo(1, 12);
    expect(effectiveVolume([full, deep], -18, 8.5, 9.5, cosmo)).toBeCloseTo(effectiveVolume(full, -18, 8.5, 9.5, cosmo) + cosmo.comovingVolume(8.5, 9.5, 20), 6);
  });

  it('V_eff integrates C(z) over dV/dz: a completeness step in z gives the volume of the complete part', () => {
    const c = validateCompleteness({ zEdges: [8, 9, 10, 11], mEdges: [-25, -15], areaArcmin2: 50, completeness: [[1], [1], [0]] });
    // Linear interpolation between z-centres 9.5 (C=1) and 10.5 (C=0): ∫ C dV = V(8–9.5) + ∫_{9.5}^{10.5} (10.5−z) dV/dz dz
    const dv = (z: number) => cosmo.differentialComovingVolume(z) * 50 * (Math.PI / 10800) ** 2;
    let ramp = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const z = 9.5 + (i + 0.5) / n;
      ramp += (10.5 - z) * dv(z) / n;
    }
    const expected = cosmo.comovingVolume(8, 9.5, 50) + ramp;
    expect(effectiveVolume(c, -20, 8, 11, cosmo) / expected).toBeCloseTo(1, 4);
  });
});

describe('completeness with its logistic model', () => {
  const fits = [{ x50: -19.5, width: 0.3, cMax: 0.9 }, { x50: -20, width: 0.3, cMax: 0.8 }];
  const logi = (f: { x50: number; width: number; cMax: number }, x: number) => f.cMax / (1 + Math.exp((x - f.x50) / f.width));
  const mEdges = Array.from({ length: 17 }, (_, i) => -23 + 0.5 * i); // 0.5-mag cells, as the pipeline's grid
  const mid = (j: number) => 0.5 * (mEdges[j]! + mEdges[j + 1]!);
  const grid = fits.map((f) => mEdges.slice(1).map((_, j) => logi(f, mid(j))));
  const raw = { zEdges: [9, 10, 11], mEdges, axis: 'M_UV', completeness: grid, areaArcmin2: 10, model: { kind: 'logistic', fits } };

  it('is read from the logistic at the exact magnitude, linear in z between the rows', () => {
    const c = validateCompleteness(JSON.parse(JSON.stringify(raw)));
    expect(c.model?.fits.length).toBe(2);
    // faint side, between centres −19.25 and −18.75: the exact value, not the grid's chord (which is ≈ 25 % higher)
    const x = -19.0, exact = logi(fits[0]!, x);
    expect(completenessAt(c, x, 9.5)).toBeCloseTo(exact, 12);
    const { model: _m, ...gridOnly } = c;
    expect(completenessAt(gridOnly, x, 9.5) / exact).toBeGreaterThan(1.15);
    // half-way between the z rows' centres
    expect(completenessAt(c, x, 10)).toBeCloseTo(0.5 * (exact + logi(fits[1]!, x)), 12);
    // at a cell centre the two agree; fainter than the grid, 0 as before
    expect(completenessAt(c, mid(7), 9.5)).toBeCloseTo(completenessAt(gridOnly, mid(7), 9.5), 12);
    expect(completenessAt(c, -14.9, 9.5)).toBe(0);
  });

  it('a malformed model is refused with a clear message', () => {
    expect(() => validateCompleteness({ ...raw, model: { kind: 'spline', fits } }, 'c.json')).toThrow(/model must be .*c\.json|c\.json.*model must be/);
    expect(() => validateCompleteness({ ...raw, model: { kind: 'logistic', fits: fits.slice(1) } })).toThrow(/model\.fits must have 2 entries/);
    expect(() => validateCompleteness({ ...raw, model: { kind: 'logistic', fits: [fits[0], { x50: -20, width: 0, cMax: 0.8 }] } })).toThrow(/model\.fits\[1\]/);
  });
});
