// Issue #17: no magnitude next to a flux printed as 0; a failed simulate leaves no directory.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { truthCsv } from '../src/truth.ts';
import { injectionCsv } from '../src/inject.ts';
import { simulateField } from '../src/simulate.ts';
import type { TruthSource } from '../src/populations.ts';

const src = (flux: Record<string, number>): TruthSource => ({
  id: 1, kind: 'highz', x: 1, y: 2, ra: 150, dec: 2, z: 12, muv: -19, re: 0.05, n: 1, q: 0.8, pa: 10, point: false, weight: 1, flux,
} as TruthSource);

describe('truth.csv / injected.csv magnitudes', () => {
  it('an empty magnitude where the flux prints as 0 (dropout bands), a magnitude otherwise', () => {
    const csv = truthCsv([src({ F090W: 1e-170, F115W: 0, F200W: 31.2 })], ['F090W', 'F115W', 'F200W']);
    const [head, row] = csv.trim().split('\n');
    const cells = Object.fromEntries(head!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(cells.flux_F090W).toBe('0');
    expect(cells.mag_F090W).toBe('');
    expect(cells.mag_F115W).toBe('');
    expect(Number(cells.mag_F200W)).toBeCloseTo(27.66, 2); // 31.2 nJy → 31.4 − 2.5 log10(31.2)
    const inj = injectionCsv([{ ...src({ F090W: 3e-9, F200W: 31.2 }), magIn: 27.7 } as never], ['F090W', 'F200W']);
    expect(inj).not.toMatch(/,\d{3}\.\d+/); // no 100+ magnitudes
    expect(inj.trim().split('\n')[1]!.split(',')).toContain('');
  });
});

describe('simulateField atomicity', () => {
  it('a simulation that fails midway leaves neither the directory nor temporary debris', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sim-fail-'));
    const out = join(root, 'field');
    const spec = { kind: 'asteris-field-spec', name: 't', seed: 3, width: 32, height: 32, pixelScale: 0.04, crval: [150, 2], bands: ['F200W'], nexp: 4 };
    await expect(simulateField(spec as never, out, { workers: 0, onProgress: () => { throw new Error('disk full'); } })).rejects.toThrow('disk full');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
    const ok = await simulateField(spec as never, out, { workers: 0 });
    expect(ok.dir).toBe(out);
    expect(existsSync(join(out, 'field.json'))).toBe(true);
    expect(readdirSync(root)).toEqual(['field']);
  }, 60_000);
});
