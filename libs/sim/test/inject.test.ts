import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFits } from '@asteris/fits';
import { simulateField, injectSources, loadField, readExposureStack } from '../src/index.ts';
import { parseCsvObjects } from '@asteris/core';

const tmp = mkdtempSync(join(tmpdir(), 'sim-inject-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, 'base'), out = join(tmp, 'inj');

beforeAll(async () => {
  await simulateField({
    kind: 'asteris-field-spec', name: 'inj', seed: 11, width: 120, height: 100, nexp: 4, bands: ['F115W', 'F200W', 'F444W'],
    populations: { lowz: { magRange: [24, 30] }, highz: { enabled: false } },
  }, base, { workers: 0 });
});

describe('injectSources', () => {
  it('adds the same sources to every exposure of every band; untouched pixels are bit-identical', () => {
    const res = injectSources(base, out, { n: 6, mag: [24, 25], kind: 'highz', seed: 5, zRange: [9, 12] });
    expect(res.sources).toHaveLength(6);
    const f0 = loadField(base), f1 = loadField(out);
    expect(f1.bands.map((b) => b.name)).toEqual(f0.bands.map((b) => b.name));
    const list = parseCsvObjects(readFileSync(res.listFile, 'utf8'));
    expect(list).toHaveLength(6);
    for (const [bi, band] of f0.bands.entries()) {
      const a = readExposureStack(band), b = readExposureStack(f1.bands[bi]);
      expect(b.images).toHaveLength(a.images.length);
      const k = a.images[0].header.getNumber('PIXAR_SR')! * 1e15;
      const added: number[] = [];
      for (let e = 0; e < a.images.length; e++) {
        const x = a.images[e].data, y = b.images[e].data;
        let changed = 0, sum = 0;
        for (let i = 0; i < x.length; i++) {
          if (x[i] !== y[i]) { changed++; sum += (y[i] - x[i]) * k; }
        }
        expect(changed).toBeGreaterThan(0);
        expect(changed).toBeLessThan(x.length); // far pixels untouched
        added.push(sum);
        // ERR and DQ are carried over unchanged
        expect(Array.from(b.errs[e]!.data)).toEqual(Array.from(a.errs[e]!.data));
        expect(Array.from(b.dqs[e]!)).toEqual(Array.from(a.dqs[e]!));
      }
      // identical injection in each exposure; total = Σ injected band fluxes (minus float32 rounding)
      const truth = list.reduce((s, r) => s + Number(r[`flux_${band.name}`]), 0);
      for (const s of added) expect(Math.abs(s - added[0])).toBeLessThan(1e-3 * Math.max(1, truth));
      expect(Math.abs(added[0] - truth)).toBeLessThan(0.01 * truth + 0.05);
    }
  });

  it('pixels far from every injected source keep their exact bytes', () => {
    const res = injectSources(base, join(tmp, 'inj2'), { n: 3, mag: [26, 26], kind: 'point', seed: 2, margin: 30 });
    const file = loadField(base).bands[0].exposures[0];
    const a = readFits(file)[1], b = readFits(join(tmp, 'inj2', 'F115W', file.split('/').pop()!))[1];
    if (a.kind !== 'image' || b.kind !== 'image') throw new Error('unexpected');
    // pixels > 2.2" (55 px, beyond the PSF stamp) from all sources are unchanged
    let far = 0;
    for (let y = 0; y < 100; y++) for (let x = 0; x < 120; x++) {
      if (res.sources.every((s) => Math.max(Math.abs(s.x - x), Math.abs(s.y - y)) > 55)) {
        far++;
        expect(b.data![y * 120 + x]).toBe(a.data![y * 120 + x]);
      }
    }
    void far;
    // injected point sources are exactly as bright as requested: flat f_ν, mag 26 → 144.5 nJy each
    const list = parseCsvObjects(readFileSync(res.listFile, 'utf8'));
    for (const r of list) expect(Number(r.mag_F444W)).toBeCloseTo(26, 3);
  });

  it('gives the injected galaxies [OIII]+Hβ on request: F444W brighter at z 8.5–9, the continuum bands and the default unchanged', () => {
    // at z 8.5–9, [OIII]λ5008 lands at 4.76–5.01 µm, inside F444W; F115W/F200W see only the continuum
    const o = { n: 6, mag: [26, 27] as [number, number], kind: 'highz' as const, seed: 9, zRange: [8.5, 9] as [number, number] };
    const plain = injectSources(base, join(tmp, 'ew0'), o).sources;
    const again = injectSources(base, join(tmp, 'ew0b'), { ...o, ewOiiiHb: 0 }).sources;
    const lines = injectSources(base, join(tmp, 'ew600'), { ...o, ewOiiiHb: 600 }).sources;
    console.log(`F444W flux with / without lines: ${lines.map((s, i) => (s.flux.F444W! / plain[i]!.flux.F444W!).toFixed(2)).join(' ')} (z ${plain.map((s) => s.z.toFixed(2)).join(' ')})`);
    expect(again).toEqual(plain); // 0 = continuum only: the same draws
    lines.forEach((s, i) => {
      expect([s.x, s.y, s.z, s.mag]).toEqual([plain[i]!.x, plain[i]!.y, plain[i]!.z, plain[i]!.mag]);
      expect(Math.abs(s.flux.F115W! / plain[i]!.flux.F115W! - 1)).toBeLessThan(0.01);
      expect(Math.abs(s.flux.F200W! / plain[i]!.flux.F200W! - 1)).toBeLessThan(0.01);
      // a rest EW of ~600 Å (0.2 dex scatter) at (1+z) ≈ 9.5–10 is ≈ 0.6 µm observed against F444W's ≈ 1 µm width, less
      // where [OIII] sits on the filter's red edge (z → 9)
      expect(s.flux.F444W! / plain[i]!.flux.F444W!).toBeGreaterThan(1.1);
    });
  });

  it('refuses to inject in place and validates options', () => {
    expect(() => injectSources(base, base, { n: 1, mag: [25, 26], kind: 'point' })).toThrow(/must differ/);
    expect(() => injectSources(base, join(tmp, 'x'), { n: 1, mag: [27, 25], kind: 'point' })).toThrow(/bright:faint/);
  });
});
