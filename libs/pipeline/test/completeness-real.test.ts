// `asteris completeness` on REAL mosaics (issue 15): z ≈ 8.5–17 galaxies injected into a 256² cutout of the
// PRIMER-UDS F115W + F444W mosaics (data/external/mophongo_primer_uds_cutouts), through the pipeline's
// images → detect → photometry → select chain; the completeness model must rise from faint to bright, be
// accepted by `asteris lf`, and bad input must fail with one line naming the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completenessAt, readCompleteness, lfProducts, type CompletenessModelProduct } from '@asteris/lumfunc';
import { choosePresets, runCompleteness, type RealCompletenessResult } from '../src/completeness-real.ts';
import { silentReporter } from '../src/progress.ts';
import { udsCutouts, UDS_DIR } from './uds-cutout.ts';

const T = mkdtempSync(join(tmpdir(), 'comp-real-'));
afterAll(() => rmSync(T, { recursive: true, force: true }));
let mosaics: string[];
let res: RealCompletenessResult;
const opts = () => ({ preset: 'two-band-f115w-f444w', injections: 60, rounds: 5, seed: 7, workers: 0, reporter: silentReporter() });

beforeAll(async () => {
  mosaics = udsCutouts(join(T, 'in'), ['F115W', 'F444W'], 300, 300, 256, 256);
  res = await runCompleteness({ inputs: mosaics, out: join(T, 'out'), ...opts() });
}, 120_000);

describe('asteris completeness on real PRIMER-UDS mosaics', () => {
  it('writes a completeness model that rises from faint to bright at every z ≥ 9.5 bin', () => {
    const p = readCompleteness(res.completeness);
    expect(res.nInjected).toBe(300);
    expect((p.nInjected as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(300);
    const raw = JSON.parse(readFileSync(res.completeness, 'utf8')) as CompletenessModelProduct;
    expect(raw.model.kind).toBe('logistic');
    expect(raw.model.fits.every((f) => f.cMax > 0 && Number.isFinite(f.x50))).toBe(true);
    expect(p.areaArcmin2).toBeCloseTo((256 * 256 * 0.04 ** 2) / 3600, 4);
    for (const z of [10, 11, 12.5]) {
      const bright = completenessAt(p, -22.5, z);
      const faint = completenessAt(p, -17, z);
      expect(bright, `C(−22.5, z=${z})`).toBeGreaterThan(0.5);
      expect(faint, `C(−17, z=${z})`).toBeLessThan(0.1);
      // monotone along M_UV: never falls toward bright magnitudes
      let prev = -1;
      for (let M = -16; M >= -23; M -= 0.5) { const c = completenessAt(p, M, z); expect(c).toBeGreaterThanOrEqual(prev - 1e-9); prev = c; }
    }
    // the selection (F115W non-detection) loses z < 9.5 galaxies whose F115W still sees the UV continuum
    expect(completenessAt(p, -22.5, 9)).toBeLessThan(completenessAt(p, -22.5, 11));
    expect(existsSync(res.figure)).toBe(true);
    expect(readFileSync(res.figure, 'utf8')).toContain('<svg');
    // the magnitude migration of the selected injections (measured − true M_UV) travels with the product
    const nSel = (p.nSelected as number[][]).flat().reduce((a, b) => a + b, 0);
    const lost = p.transfer!.lost!.reduce((a, b) => a + b, 0);
    expect(p.transfer!.dM.flat().length + lost).toBe(nSel);
    // a photo-z catastrophe (|Δz| > 1) puts M_UV off by magnitudes: such injections are 'lost', not a ΔM
    expect(p.transfer!.dM.flat().every((d) => Math.abs(d) < 3)).toBe(true);
  });

  it('is accepted by the LF (asteris lf --completeness)', () => {
    const comp = readCompleteness(res.completeness);
    const cands = [{ z: 10.2, M_UV: -21.3 }, { z: 10.8, M_UV: -20.9 }, { z: 11.4, M_UV: -21.6 }];
    const { res: lf } = lfProducts(cands, comp, { zBins: [[9.5, 12]], models: [] }, join(T, 'lf'), { png: false });
    const bins = lf.zBins[0]!.bins.filter((b) => b.nRaw > 0);
    expect(bins.length).toBeGreaterThan(0);
    for (const b of bins) { expect(b.veff).toBeGreaterThan(0); expect(Number.isFinite(b.phi)).toBe(true); }
  });

  it('is seeded: the same inputs and seed into two new directories write the same bytes', async () => {
    const small = udsCutouts(join(T, 'in-small'), ['F115W', 'F444W'], 300, 300, 128, 128);
    const run = (d: string) => runCompleteness({ inputs: small, out: join(T, d), ...opts(), injections: 20, rounds: 2 });
    const [a, b] = [await run('seed-a'), await run('seed-b')];
    expect(readFileSync(a.completeness).equals(readFileSync(b.completeness))).toBe(true);
    expect(readFileSync(a.candidates).equals(readFileSync(b.candidates))).toBe(true);
  }, 120_000);

  it('auto keeps the presets the bands allow and names what the others need', () => {
    const r = choosePresets('auto', ['F115W', 'F150W', 'F200W', 'F277W', 'F444W'], 'f/field.json');
    expect(r.presets).toEqual(['posterior-z8', 'posterior-z11']);
    expect(r.dropped).toEqual([
      { preset: 'f115w-dropout', missing: ['F356W'] }, { preset: 'f150w-dropout', missing: ['F356W'] },
      { preset: 'f200w-dropout', missing: ['F356W'] }, { preset: 'posterior-z15', missing: ['F356W'] },
    ]);
    expect(() => choosePresets('posterior-z8,f150w-dropout', ['F115W', 'F150W', 'F200W', 'F277W', 'F444W'], 'f/field.json'))
      .toThrow("f/field.json: preset 'f150w-dropout' needs F356W, which the field lacks (bands: F115W, F150W, F200W, F277W, F444W)");
  });

  it('restricts auto presets to the field bands, or fails with one line naming the field', async () => {
    const r = runCompleteness({ inputs: mosaics, out: join(T, 'bad1'), reporter: silentReporter() });
    await expect(r).rejects.toThrow(/field\.json: no built-in preset can run on bands F115W, F444W \(.*posterior-z8 needs F277W/);
    expect(existsSync(join(T, 'bad1'))).toBe(false);
  });

  it('bad input: one line naming the file (missing band for a preset, wrong shape, not FITS)', async () => {
    const one = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: Error) => { expect(e.message.split('\n')).toHaveLength(1); return e.message; });
    expect(await one(runCompleteness({ inputs: mosaics, out: join(T, 'bad2'), preset: 'f150w-dropout', reporter: silentReporter() })))
      .toMatch(/field\.json: preset 'f150w-dropout' needs F150W, F200W, F277W, F356W, which the field lacks/);
    const psf = join(UDS_DIR, 'psf', 'UDS_NRCA5_F444W_DET_GRID1.fits');
    expect(await one(runCompleteness({ inputs: [mosaics[0]!, `F444W=${psf}`], out: join(T, 'bad3'), preset: 'two-band-f115w-f444w', reporter: silentReporter() })))
      .toBe(`${psf}: shape 65×65 differs from 256×256 of ${mosaics[0]}; the mosaics must share one pixel grid`);
    const cube = join(UDS_DIR, 'uds-test-f444w_psf.fits');
    expect(await one(runCompleteness({ inputs: [mosaics[0]!, cube], out: join(T, 'bad4'), reporter: silentReporter() }))).toMatch(new RegExp(`^${cube}: image of shape 101×101×26`));
    const txt = join(T, 'notfits.fits');
    writeFileSync(txt, 'hello');
    expect(await one(runCompleteness({ inputs: [mosaics[0]!, txt], out: join(T, 'bad5'), reporter: silentReporter() }))).toContain(txt);
    for (const d of ['bad2', 'bad3', 'bad4', 'bad5']) expect(existsSync(join(T, d))).toBe(false);
  });
});
