// Up-front validation, in one place, before any computation: the run options, the presets and the
// denoiser against the field's bands (also for a simulation spec, before it is simulated), then every
// exposure (readable, one pixel grid — @asteris/field's sameGrid —, FILTER, flux units, not all NaN,
// enough exposures for each band's model). Every problem is collected and reported together, each naming
// the file and the key.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFits, nJyPerPixelScale, ZERO_POINT_KEYS, type ImageHdu } from '@asteris/fits';
import { filterFile } from '@asteris/astro';
import { bandModel, modelFrames } from '@asteris/asteris';
import { loadPreset, presetList, specHasAuto } from '@asteris/select';
import { sameGrid, wcsSignature, DITHER_KEYS, FIELD_JSON, type Field } from '@asteris/field';
import type { RunConfig } from './config.ts';

export class FieldValidationError extends Error {
  override name = 'FieldValidationError';
  constructor(readonly field: string, readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${field}: the run cannot start (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Long-wavelength NIRCam bands: the default detection bands. */
export const LW_BANDS = ['F277W', 'F356W', 'F410M', 'F444W'];

export interface Plan { bands: string[]; detectBands: string[]; presets: string[] }

/**
 * Checks what can be checked from the band list alone (a field or a spec): known bands, ≥ 2 bands, the
 * detection bands, every preset (exists, and the field has each band it needs) and each band's model.
 * `source` is the file that lists the bands (field.json).
 */
export function checkPlan(source: string, bands: string[], cfg: RunConfig, problems: string[] = []): Plan {
  bands.forEach((b, i) => {
    if (!existsSync(filterFile(b))) problems.push(`${source}: bands[${i}] ${b}: unknown band (no filter curve ${filterFile(b)})`);
  });
  if (bands.length < 2) problems.push(`${source}: bands: ${bands.length} band(s); dropout selection needs at least two`);
  const lw = bands.filter((b) => LW_BANDS.includes(b));
  const detectBands = cfg.detectBands ?? (lw.length ? lw : bands);
  for (const b of detectBands) if (!bands.includes(b)) problems.push(`config detectBands: band ${b} is not in the field (bands: ${bands.join(', ')})`);
  const presets = presetList(cfg.preset);
  for (const p of presets) {
    try {
      const pr = loadPreset(p);
      const missing = pr.requiredBands.filter((b) => !bands.includes(b));
      if (missing.length) problems.push(`${source}: bands: preset '${pr.name}' needs ${missing.join(', ')}, which the field lacks${specHasAuto(cfg.preset) ? ' (choose presets with --preset)' : ''}`);
    } catch (e) {
      problems.push(`--preset ${p}: ${(e as Error).message}`);
    }
  }
  if (cfg.denoiser !== 'none') {
    const seen = new Set<string>();
    for (const b of bands) {
      try { bandModel(cfg.denoiser, b); } catch (e) {
        const m = `--denoiser ${cfg.denoiser}: ${(e as Error).message}`;
        if (!seen.has(m)) problems.push(m);
        seen.add(m);
      }
    }
  }
  return { bands, detectBands, presets };
}

const sciOf = (hdus: ReturnType<typeof readFits>): ImageHdu | undefined =>
  (hdus.find((x) => x.kind === 'image' && x.name.toUpperCase() === 'SCI' && x.data) ?? hdus.find((x) => x.kind === 'image' && x.data)) as ImageHdu | undefined;

/** Checks every exposure of every band; throws FieldValidationError listing every problem (with `pre`'s). */
export function validateField(field: Field, cfg: RunConfig, pre: string[] = []): Plan {
  const problems = [...pre];
  const fj = join(field.dir, FIELD_JSON);
  const plan = checkPlan(fj, field.bands.map((b) => b.name), cfg, problems);
  let ref: { file: string; width: number; height: number; wcs: number[] } | null = null;
  for (const band of field.bands) {
    if (!band.exposures.length) continue;
    let need = 1;
    try { need = modelFrames(bandModel(cfg.denoiser, band.name), cfg.denoiser); } catch { /* reported by checkPlan */ }
    if (band.exposures.length < need) {
      problems.push(`${fj}: band ${band.name}: ${band.exposures.length} exposure(s), but the ${cfg.denoiser} model for ${band.name} needs at least ${need} (add exposures or use --denoiser none)`);
    }
    const noDither: { file: string; got: string }[] = [];
    if (cfg.selfcal && band.exposures.length < 3) problems.push(`${fj}: band ${band.name}: ${band.exposures.length} exposure(s), but self-calibration (selfcal) needs ≥ 3 dithered exposures`);
    for (const file of band.exposures) {
      let hdus;
      try { hdus = readFits(file); } catch (e) { problems.push((e as Error).message.startsWith(file) ? (e as Error).message : `${file}: ${(e as Error).message}`); continue; }
      const sci = sciOf(hdus);
      if (!sci) { problems.push(`${file}: no image data (expected a SCI extension or an image in the primary HDU)`); continue; }
      const head = sci.header;
      const prim = hdus[0]!;
      const filt = head.getString('FILTER') ?? (prim.kind === 'image' ? prim.header.getString('FILTER') : undefined);
      if (filt && filt.trim().toUpperCase() !== band.name) problems.push(`${file}: FILTER = '${filt}' but the file is listed under band ${band.name} in ${fj}`);
      const g = { file, width: sci.shape[0] ?? 0, height: sci.shape[1] ?? 1, wcs: wcsSignature(head) };
      const d = ref ? sameGrid(ref, g) : undefined;
      if (d) problems.push(`${file}: ${d} of ${ref!.file}; all exposures must share one pixel grid`);
      ref ??= g;
      const h = head.clone();
      if (!h.has('BUNIT') && band.unitGiven) h.set('BUNIT', band.unit);
      if (band.zeropoint !== undefined && !h.has('BUNIT')) h.set(ZERO_POINT_KEYS[0], band.zeropoint);
      try {
        const conv = nJyPerPixelScale(h, file);
        if (!Number.isFinite(conv) || conv <= 0) problems.push(`${file}: unusable flux unit conversion (BUNIT/PIXAR_SR, or bands[].unit/zeropoint in ${fj})`);
      } catch (e) {
        problems.push(`${(e as Error).message} (or give bands[].unit / bands[].zeropoint in ${fj})`);
      }
      if (cfg.selfcal) {
        const v = DITHER_KEYS.map((k) => head.get(k) ?? (prim.kind === 'image' ? prim.header.get(k) : undefined));
        if (v.some((q) => typeof q !== 'number' || !Number.isInteger(q))) noDither.push({ file, got: v.map((q) => (q === undefined ? 'none' : String(q))).join(', ') });
      }
      if (!sci.data!.some((v: number) => Number.isFinite(v))) problems.push(`${file}: every pixel of band ${band.name}'s exposure is NaN (no valid data)`);
    }
    // one problem per band: the first exposure without dithers, and how many more
    if (noDither.length) {
      const more = noDither.length > 1 ? ` (and ${noDither.length - 1} more exposure(s) of band ${band.name})` : '';
      problems.push(`${noDither[0]!.file}${more}: self-calibration (selfcal) needs integer dither offsets ${DITHER_KEYS.join('/')} in the header (got ${noDither[0]!.got}; docs/field-format.md)`);
    }
  }
  if (problems.length) throw new FieldValidationError(field.dir, problems);
  return plan;
}
