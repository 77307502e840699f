// Issue 13 (goal 4, last clause) / issue 6's goal on images this project did not make: completeness ≥ 70 % at
// contamination ≤ 10 % for detectable z > 8.5 galaxies, through extraction, forced photometry and the
// posterior-led selection presets, on a field of the independent generator (tests/independent-sim: its own
// RNG, Moffat / Gaussian-mixture PSFs, ±5 % linear sky gradients, residual sky offsets, 1/f row striping,
// cosmic rays, hot pixels, 4 exposures × 7 NIRCam bands at 0.04″/px).
// The sources' band fluxes come from @asteris/astro's SED recipes (Lyman-break galaxies at z 8.6–13 and
// Balmer-break, dusty, strong-line, low-z star-forming interlopers and brown dwarfs), so what this test
// checks is the image side: detection, background, PSF matching, photometric errors. Nothing is tuned to it.
// "Detectable": S/N_det > 8 over the preset's detection bands (as in @asteris/select's mock goal).
import { describe, expect, it } from 'vitest';
import { Header } from '@asteris/fits';
import { detectionImage, extractSources } from '@asteris/extract';
import {
  balmerBreakSed, bandFluxNJy, brownDwarfSed, dustySed, loadFilter, lymanBreakSed, nJyFromAbMag, observedSed, strongLineSed,
  type Sed,
} from '@asteris/astro';
import { loadPreset, mockMetrics, photozCatalogue, selectCandidates, type MockTruth } from '@asteris/select';
import { forcedPhotometry } from '../src/index.ts';
import { coadd, generateIndependentField, IndepRng, type IndepBand, type IndepSourceSpec } from '../../../tests/independent-sim/index.ts';

const BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
// PSFs unlike libs/sim's (Gaussian mixtures short of 2 µm, Moffat β 2.5–3.5 beyond), FWHM 0.032–0.15″
const PSF: Record<string, IndepBand['psf']> = {
  F090W: { kind: 'gmix', comps: [{ w: 0.75, sigmaPx: 0.45 }, { w: 0.25, sigmaPx: 1.6 }] },
  F115W: { kind: 'gmix', comps: [{ w: 0.75, sigmaPx: 0.5 }, { w: 0.25, sigmaPx: 1.8 }] },
  F150W: { kind: 'gmix', comps: [{ w: 0.7, sigmaPx: 0.6 }, { w: 0.3, sigmaPx: 2.0 }] },
  F200W: { kind: 'moffat', fwhmPx: 1.7, beta: 3.5 },
  F277W: { kind: 'moffat', fwhmPx: 2.4, beta: 3.0 },
  F356W: { kind: 'moffat', fwhmPx: 3.0, beta: 2.8 },
  F444W: { kind: 'moffat', fwhmPx: 3.7, beta: 2.5 },
};
// per-exposure σ (nJy/px) and sky (nJy/px): 5σ point-source depths ≈ 29–29.5 AB in r = 2.5 px after 4 exposures
const SIGMA: Record<string, number> = { F090W: 0.55, F115W: 0.5, F150W: 0.48, F200W: 0.45, F277W: 0.42, F356W: 0.42, F444W: 0.5 };
const SKY: Record<string, number> = { F090W: 6, F115W: 7, F150W: 8, F200W: 9, F277W: 14, F356W: 16, F444W: 20 };

function sources(seed: number): IndepSourceSpec[] {
  const r = new IndepRng(seed);
  const U = (a: number, b: number) => a + (b - a) * r.u();
  const out: IndepSourceSpec[] = [];
  const add = (label: string, z: number, rest: Sed, norm: string, mag: number, point: boolean, re: number) => {
    const sed = z > 0 ? observedSed(rest, z) : rest;
    const raw = Object.fromEntries(BANDS.map((b) => [b, bandFluxNJy(loadFilter(b), sed)]));
    const s = nJyFromAbMag(mag) / raw[norm]!;
    const flux = Object.fromEntries(BANDS.map((b) => [b, Math.max(0, raw[b]! * s)]));
    out.push(point ? { kind: 'point', flux, label, z } : { kind: 'sersic', flux, re, n: U(0.7, 1.5), q: U(0.5, 1), pa: U(0, 180), label, z });
  };
  for (let i = 0; i < 70; i++) add('highz', U(8.6, 13), lymanBreakSed({ beta: -2.2 + 0.3 * r.n(), oiiiHbEwA: U(0, 600), haEwA: 0 }), 'F277W', U(26, 28.6), i % 2 === 0, U(0.7, 1.6));
  for (let i = 0; i < 18; i++) add('balmer', U(2, 6), balmerBreakSed({ breakRatio: U(1.5, 3.5), uvBeta: U(-0.5, 2), optBeta: U(-1.5, -0.5) }), 'F277W', U(25.5, 28.5), false, U(1.2, 3));
  for (let i = 0; i < 18; i++) add('dusty', U(2, 7), dustySed({ av: U(1, 4.5), beta0: U(-2.4, -1.6), oldFraction: U(0, 0.6) }), 'F444W', U(25, 28), false, U(1.2, 3));
  for (let i = 0; i < 14; i++) { const o3 = U(800, 3000); add('strong-line', U(3, 8), strongLineSed({ beta: U(-2.5, -1.8), oiiiHbEwA: o3, haEwA: o3 * U(0.5, 1), av: U(0, 0.6) }), 'F277W', U(26, 28.5), false, U(1, 2.5)); }
  for (let i = 0; i < 14; i++) add('lowz-sf', U(0.3, 7), lymanBreakSed({ beta: U(-2.4, -1.2) }), 'F277W', U(25.5, 28.5), false, U(1.2, 3));
  for (let i = 0; i < 8; i++) add('brown-dwarf', 0, brownDwarfSed((['L', 'T', 'T', 'Y'] as const)[i % 4]!), 'F444W', U(25, 27.5), true, 0);
  return out;
}

const SEED = 613;
const field = generateIndependentField({
  seed: SEED, width: 320, height: 320, pixelScale: 0.04, nExposures: 4, gradient: 0.05, skyOffset: 0.01, stripe: 0.2,
  nCosmic: 30, nHot: 10, correlate: 0, psfSize: 25, minSeparation: 14,
  bands: BANDS.map((b) => ({ name: b, psf: PSF[b]!, sky: SKY[b]!, sigma: SIGMA[b]! })),
  sources: sources(SEED),
});
const W = field.spec.width, H = field.spec.height;
const img = (data: Float32Array) => ({ width: W, height: H, data, header: new Header() });
const co = Object.fromEntries(BANDS.map((b) => [b, coadd(field, b)]));
// detection: inverse-variance co-add of the long-wavelength bands, its own mesh background and noise model
const detBands = ['F277W', 'F356W', 'F444W'];
const dimg = detectionImage(detBands.map((b) => img(co[b]!.sci)), detBands.map((b) => img(co[b]!.err)), 'ivw');
const det = extractSources(dimg.image, { weight: { type: 'rms', data: dimg.rms }, noiseKernel: 'auto', apertures: [5] });
const photometry = (background: 'mesh' | 'local') => forcedPhotometry({ sources: det.sources, segmentation: det.segmentation }, BANDS.map((b) => ({
  name: b, image: img(co[b]!.sci), err: img(co[b]!.err),
  psf: { data: Float64Array.from(field.bands.find((x) => x.name === b)!.psf), size: field.spec.psfSize } as never, nJyPerUnit: 1,
})), { background, noise: { nApertures: 600, seed: 5 } });
// truth per detection (nearest true source within 2 px); unmatched detections are spurious (kind 'spurious', z = 0)
const nearest = det.sources.map((s) => {
  let best = -1, d2 = 4;
  field.truth.forEach((t, k) => { const d = (t.x - s.x) ** 2 + (t.y - s.y) ** 2; if (d < d2) { d2 = d; best = k; } });
  return best;
});
const truth: MockTruth[] = det.sources.map((s, i) => {
  const t = nearest[i]! >= 0 ? field.truth[nearest[i]!]! : null;
  return { id: String(s.id), kind: (t?.label ?? 'spurious') as MockTruth['kind'], z: t?.z ?? 0, refMag: t ? 31.4 - 2.5 * Math.log10(t.flux.F277W!) : 99 };
});
const median = (a: number[]) => { const q = [...a].sort((x, y) => x - y); return q[q.length >> 1]!; };

describe('independent generator: high-z selection after extraction + forced photometry (issue 6 goal)', () => {
  it('detects ≥ 90 % of the true sources', () => {
    const found = new Set(nearest.filter((k) => k >= 0)).size;
    console.log(`${det.sources.length} detections, ${found} matched to ${field.truth.length} true sources`);
    expect(found).toBeGreaterThan(0.9 * field.truth.length);
  });
  // Measured (seed 613): mesh (default) union 75.0 % (48/64), contamination 0/48 — posterior-z8 81.8 %,
  // posterior-z11 60.0 %; local 85.3 % (58/68), 0/58 — z8 86.7 %, z11 86.4 %. The misses with 'mesh' are
  // mostly F090W: z > 8.6 galaxies (true F090W flux 0) measure +0.48σ (median over 73) there, tripping the
  // 2.5σ non-detection veto or pulling the photo-z to z ≈ 0.4–4; the local annulus removes it (+0.07σ), as does
  // a 32 px mesh (+0.09σ; 64 px: +0.42σ): the bluest band's sky has structure on < 64 px scales that the
  // default 128 px mesh does not follow.
  for (const mode of ['mesh', 'local'] as const) {
    it(`background '${mode}': posterior-z8 ∪ posterior-z11 completeness ≥ 70 % at contamination ≤ 10 % (S/N_det > 8, z > 8.5)`, () => {
      const phot = photometry(mode);
      const rows = phot.rows.map((r) => ({ ...(r as Record<string, number>), id: String((r as Record<string, number>).id) })) as Record<string, number | string>[];
      const catalogue = { columns: phot.columns.map((c) => c.name), rows: rows as never, file: `independent-sim(seed=${SEED})` };
      const zf = rows.flatMap((r, i) => (nearest[i]! >= 0 && field.truth[nearest[i]!]!.flux.F090W! < 0.05 ? [(r.flux_F090W as number) / (r.fluxerr_F090W as number)] : []));
      console.log(`${mode}: F090W S/N of the ${zf.length} sources with no F090W flux: median ${median(zf).toFixed(2)}`);
      const pz = photozCatalogue(catalogue, { keepPz: true });
      const res = ['posterior-z8', 'posterior-z11'].map((p) => selectCandidates(catalogue, loadPreset(p), { photoz: pz }));
      for (const r of res) {
        const m = mockMetrics(r, truth, 8);
        console.log(`${mode} ${m.preset}: true ${m.nTrue}, recovered ${m.nRecovered} (${(100 * m.completeness).toFixed(1)} %), selected ${m.nSelected}, contaminants ${m.nContaminants} ${JSON.stringify(m.contaminantKinds)}`);
      }
      // the union over the two presets against every detectable z > 8.5 galaxy
      const byId = new Map(truth.map((t) => [t.id, t]));
      let nTrue = 0, nRec = 0, nSel = 0, nCon = 0;
      res[0]!.all.forEach((c, i) => {
        const t = byId.get(c.id)!;
        if (!(Math.max(c.snrDet, res[1]!.all[i]!.snrDet) > 8)) return;
        const sel = c.selected || res[1]!.all[i]!.selected;
        if (t.kind === 'highz' && t.z > 8.5) { nTrue++; if (sel) nRec++; }
        if (sel) { nSel++; if (t.z < 8) nCon++; }
      });
      console.log(`${mode} union: detectable z > 8.5 ${nTrue}, selected ${nRec} (${((100 * nRec) / nTrue).toFixed(1)} %), contamination ${nCon}/${nSel}`);
      expect(nTrue).toBeGreaterThan(40);
      expect(nRec / nTrue).toBeGreaterThanOrEqual(0.7);
      expect(nCon / Math.max(1, nSel)).toBeLessThanOrEqual(0.1);
      if (mode === 'local') expect(Math.abs(median(zf))).toBeLessThan(0.25); // no blue-band bias with the annulus
    });
  }
});
