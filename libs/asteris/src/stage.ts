// Stage "images" (docs/pipeline.md): per band, the co-add (libs/stack) and, unless the denoiser is
// 'none', the ASTERIS-denoised image. Each band resolves ITS OWN model (resolveModel(denoiser, band):
// e.g. lite_nrcshort.onnx for SW bands, lite_nrclong.onnx for LW), and that model's bytes enter the band's
// cache key through dataFiles.
// With `nulls.count` K > 0 (the runner asks it for the detection bands of the main field) the stage also
// writes K null co-adds (libs/stack nullStacks: sign-flip jackknives of the exposures, seeded; the static
// sky cancels, each exposure's noise and artefacts stay) and, when denoising, the same K null stacks
// through the same model and tiling: the detect stage sets each path's threshold on its own nulls.
// With `selfcal` the exposures are first self-calibrated in detector coordinates (libs/stack
// selfCalibrate, dithers from the DITHX/DITHY keywords): a detector-fixed pattern that moves with the
// dithers is noise correlated between exposures, which neither the co-add nor Noise2Noise removes (issue
// 14); the co-add, the nulls and the denoiser then all see the corrected exposures.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage } from '@asteris/core';
import { backgroundMap, makeBackground } from '@asteris/extract';
import { exposureDithers, FieldError, loadField, readExposureStack, type FieldBand } from '@asteris/field';
import { writeFits, type Image } from '@asteris/fits';
import { coadd, nullStacks, robustSigma, selfCalibrate, COADD_METHODS, type CoaddMethod } from '@asteris/stack';
import { denoiseStack } from './stack.ts';
import { combineImages, isNullSpaceModel, nullCombineWeights, type CombineWeights } from './combine.ts';
import { resolveModel, type ResolvedModel } from './models.ts';

export const IMAGES_FILES = {
  coadd: 'coadd.fits', denoised: 'denoised.fits', raw: 'raw.fits',
  /** K null co-adds, one image HDU each (NULL1 … NULLK) */
  nullCoadd: 'null_coadd.fits',
  /** the same K null stacks denoised (NULL1 … NULLK), when denoising */
  nullDenoised: 'null_denoised.fits',
  /** the detector-frame pattern removed by `selfcal` (detector grid: the aligned grid padded by the largest dither) */
  selfcalPattern: 'selfcal_pattern.fits',
} as const;

/** HDU name of null stack k (0-based) in null_coadd.fits / null_denoised.fits. */
export const nullHdu = (k: number): string => `NULL${k + 1}`;

/**
 * Null stacks of the images stage (docs/pipeline.md "Null stacks"). count K = 2 by default: the demo's 4
 * detection bands then denoise 8 more stacks (≈ +1 s each on this machine's 512² bands); a larger K
 * resolves lower false-rate targets (the calibration needs target × K × area ≥ 1).
 */
export const NullsConfigSchema = z.object({
  count: z.number().int().min(0).max(64).default(2).describe('null stacks K per detection band (0: none)'),
  mode: z.enum(['signflip', 'residual']).default('signflip').describe('signflip: balanced ±1 jackknife; residual: independent signs'),
  seed: z.number().int().default(1).describe('seed of the sign draws'),
}).strict();
export const DENOISER_NAMES = ['lite', 'lite-art', 'lite-null', 'lite-clean', 'asteris4', 'asteris8', 'none'] as const;
const MIN_FRAMES: Record<string, number> = { asteris4: 4, asteris8: 8 };

export const ImagesConfigSchema = z.object({
  denoiser: z.string().default('lite-null').describe('lite-null (default) | lite | lite-art | lite-clean | asteris4 | asteris8 | none | path to an .onnx model'),
  coadd: z.enum(COADD_METHODS as unknown as [CoaddMethod, ...CoaddMethod[]]).default('clipped-ivw').describe('clipped-ivw (default: the clipped mean\'s rejection, then inverse-variance weights) | clipped-mean | mean | median | ivw'),
  tileSize: z.number().int().min(32).max(2048).optional(),
  /** tile overlap fraction (default 0.1; `asteris denoise --overlap`) */
  overlap: z.number().min(0).lt(0.5).optional(),
  /** add back the bright clipped excess (default true; `asteris denoise --no-restore` sets false) */
  restore: z.boolean().optional(),
  nulls: NullsConfigSchema.default({ count: 2, mode: 'signflip', seed: 1 }),
  selfcal: z.boolean().default(false).describe('detector-frame self-calibration of the exposures before co-adding and denoising (needs DITHX/DITHY keywords and ≥ 3 exposures)'),
  base: z.enum(['combine', 'network']).default('combine').describe("null-space models (lite-null) with null stacks: 'combine' writes the minimum-variance unit-gain combination of the network's image and this stage's co-add, fitted on the nulls (src/combine.ts); 'network' the network's image as it is. Other models, or no nulls: the network's image"),
}).strict();
export type ImagesConfig = z.infer<typeof ImagesConfigSchema>;

export interface ImagesInputs { field: string; band: string; workers?: number }

function fieldBand(i: ImagesInputs): FieldBand {
  const b = loadField(i.field).bands.find((x) => x.name === i.band);
  if (!b) throw new Error(`${i.field}: no band ${i.band}`);
  return b;
}

/** One provenance line for the models of the given bands ('none' without a denoiser). */
export function modelSummary(denoiser: string, bands: string[]): string {
  if (denoiser === 'none') return 'none';
  const byFile = new Map<string, string[]>();
  for (const b of bands) {
    const m = bandModel(denoiser, b)!;
    const k = `${m.path.split('/').pop()} (sha256 ${m.sha256})`;
    byFile.set(k, [...(byFile.get(k) ?? []), b]);
  }
  return byFile.size === 1 ? [...byFile.keys()][0]! : [...byFile].map(([k, bs]) => `${bs.join(', ')}: ${k}`).join('; ');
}
export interface ImagesProduct { coadd: string; denoised?: string; nullCoadd?: string; nullDenoised?: string; selfcalPattern?: string }

/** The model a band is denoised with (null for 'none'); throws AsterisError when it cannot be found. */
export function bandModel(denoiser: string, band: string): ResolvedModel | null {
  return denoiser === 'none' ? null : resolveModel(denoiser, band);
}

/** Frames T a model needs: from the sidecar `<model>.onnx.json` written by the trainer, else by name. */
export function modelFrames(model: ResolvedModel | null, name: string): number {
  if (!model) return 1;
  const side = `${model.path}.json`;
  if (existsSync(side)) {
    try {
      const t = (JSON.parse(readFileSync(side, 'utf8')) as { frames?: number }).frames;
      if (typeof t === 'number' && t > 0) return t;
    } catch { /* fall through */ }
  }
  return MIN_FRAMES[name] ?? (/asteris4/i.test(model.path) ? 4 : 8);
}

const hdu = (im: Image, name?: string) => ({ ...(name ? { name } : {}), header: im.header, data: im.data, shape: [im.width, im.height] });

/**
 * K null exposure stacks (libs/stack nullStacks) as Images with the exposures' headers. Each null
 * exposure carries the smooth sky of the stack (the SExtractor-style mesh background of the robust mean)
 * as a pedestal, so a chain that normalises by the stack's statistics (ASTERIS) sees the same scaling.
 */
export function nullImages(images: Image[], o: { count: number; mode: 'signflip' | 'residual'; seed: number }): Image[][] {
  const { width: w, height: h } = images[0]!;
  const ns = nullStacks(images.map((im) => im.data), {
    count: o.count, seed: o.seed, mode: o.mode,
    pedestal: (m) => backgroundMap(makeBackground(m, w, h, { meshSize: 64, filterSize: 3 })),
  });
  return ns.stacks.map((st) => st.map((data, t) => ({ ...images[t]!, data })));
}

function nullHeader(im: Image, k: number, o: { count: number; mode: string; seed: number }): Image {
  const h = im.header.clone();
  h.set('ASTNULL', k + 1, `null stack ${k + 1} of ${o.count} (${o.mode}, seed ${o.seed})`);
  h.addHistory(`ASTERIS null stack ${k + 1}/${o.count}: ${o.mode} of the exposure residuals about their robust mean (libs/stack nullStacks); no static sky`);
  return { ...im, header: h };
}

/**
 * Replaces each exposure's data by its detector-frame self-calibrated version (in place; headers gain
 * SELFCAL) and writes the removed pattern. Errors (FieldError/StackError) name the file or the problem.
 */
function selfCalibrateStack(band: FieldBand, images: Image[], dir: string): { patternRms: number; pad: number } {
  if (images.length < 3) throw new FieldError(`band ${band.name} has ${images.length} exposure(s); self-calibration (selfcal) needs ≥ 3 dithered exposures`, band.exposures[0]);
  const { width: w, height: h } = images[0]!;
  const r = selfCalibrate(images.map((im) => im.data), w, h, exposureDithers(band, { images, errs: [], dqs: [] }));
  images.forEach((im, t) => {
    const hd = im.header.clone();
    hd.set('SELFCAL', true, 'detector-frame self-calibrated (libs/stack selfCalibrate)');
    images[t] = { ...im, header: hd, data: r.frames[t]! };
  });
  const pw = w + 2 * r.pad;
  writeFits(join(dir, IMAGES_FILES.selfcalPattern), [{ data: r.pattern, shape: [pw, r.pattern.length / pw] }]);
  return { patternRms: robustSigma(r.pattern), pad: r.pad };
}

/** The null-calibrated combination of a null-space model's image and the stage's co-add (src/combine.ts), with provenance. */
function combinedImage(r: { denoised: Image; coadd: Image }, base: Image, w: CombineWeights, method: CoaddMethod): Image {
  const h = r.denoised.header.clone();
  h.set('ASTBASE', 'combine', 'R + a(D - R) + b(C - R), a b fitted on the nulls');
  h.set('ASTALPHA', Number(w.alpha.toFixed(6)), "a: weight of the network's correction D - R");
  h.set('ASTBETA', Number(w.beta.toFixed(6)), `b: weight of the ${method} co-add C - R`);
  h.addHistory(`null-space model combined with the ${method} co-add: minimum-variance unit-gain combination fitted on the null stacks (libs/asteris/src/combine.ts)`);
  return { ...r.denoised, header: h, data: combineImages({ raw: r.coadd.data, den: r.denoised.data, base: base.data }, w) };
}

export const imagesStage = defineStage<ImagesInputs, ImagesConfig, ImagesProduct>({
  name: 'images',
  package: '@asteris/asteris',
  schema: ImagesConfigSchema,
  files: IMAGES_FILES,
  dataFiles: (i, c) => [...fieldBand(i).exposures, ...(c.denoiser === 'none' ? [] : [bandModel(c.denoiser, i.band)!.path])],
  async run(i, c, dir, ctx) {
    const band = fieldBand(i);
    const stack = readExposureStack(band);
    let selfcal: { patternRms: number; pad: number } | undefined;
    if (c.selfcal) selfcal = selfCalibrateStack(band, stack.images, dir);
    // JWST VAR_RNOISE, where the exposures carry it, sets the ivw weights (the resample step's 'ivm'), ERR the clip and errors
    const weightVars = stack.varRnoise?.map((v) => v?.data ?? null);
    const co = coadd(stack.images, stack.errs, c.coadd, weightVars ? { weightVars } : {});
    writeFits(join(dir, IMAGES_FILES.coadd), [hdu(co.image), { ...hdu(co.err, 'ERR'), header: co.err.header }]);
    const model = bandModel(c.denoiser, band.name);
    const K = stack.images.length >= 2 ? c.nulls.count : 0;
    const nulls = K > 0 ? nullImages(stack.images, c.nulls) : [];
    // each null co-add with the exposures' own ERR (the clip sees the same per-exposure noise)
    const nullCo = nulls.map((st) => coadd(st, stack.errs, c.coadd, weightVars ? { weightVars } : {}).image);
    if (K > 0) writeFits(join(dir, IMAGES_FILES.nullCoadd), nullCo.map((im, k) => hdu(nullHeader(im, k, c.nulls), nullHdu(k))));
    if (!model) return { ...(K > 0 ? { nulls: K } : {}), ...(selfcal ? { selfcal } : {}) };
    const opts = { model: model.path, band: band.name, tileSize: c.tileSize, workers: i.workers, overlap: c.overlap, restoreClipPart: c.restore };
    const total = 1 + K;
    const res = await denoiseStack(stack.images, { ...opts, onProgress: (done, n) => ctx?.progress(done, n * total, `${band.name}: denoised tiles`) });
    const nres: { denoised: Image; coadd: Image }[] = [];
    for (let k = 0; k < K; k++) {
      nres.push(await denoiseStack(nulls[k]!, { ...opts, onProgress: (done, n) => ctx?.progress(n * (k + 1) + done, n * total, `${band.name}: denoised null ${k + 1}/${K}`) }));
    }
    // a null-space model's image and the co-add, combined with weights fitted on the nulls (src/combine.ts);
    // the field and every null get the same weights, so the detect stage's calibration sees the same image
    let w: CombineWeights | undefined;
    if (c.base === 'combine' && K > 0 && isNullSpaceModel(model.path)) {
      w = nullCombineWeights(nres.map((r, k) => ({ raw: r.coadd.data, den: r.denoised.data, base: nullCo[k]!.data })), co.image.width, co.image.height) ?? undefined;
    }
    const output = (r: { denoised: Image; coadd: Image }, base: Image): Image => (w ? combinedImage(r, base, w, c.coadd) : r.denoised);
    writeFits(join(dir, IMAGES_FILES.denoised), [hdu(output(res, co.image))]);
    writeFits(join(dir, IMAGES_FILES.raw), [hdu(res.coadd)]);
    if (K > 0) writeFits(join(dir, IMAGES_FILES.nullDenoised), nres.map((r, k) => hdu(nullHeader(output(r, nullCo[k]!), k, c.nulls), nullHdu(k))));
    const { model: name, tileSize, nExposures: exposures, frames, box, norm, nTiles, workers, modelSha256, secondsNet } = res.info;
    return { model: name, tileSize, exposures, frames, box, norm, nTiles, workers, modelPath: model.path, modelSha256, secondsNet, base: w ? { coadd: c.coadd, alpha: w.alpha, beta: w.beta, sigma: w.sigma } : 'network', ...(K > 0 ? { nulls: K } : {}), ...(selfcal ? { selfcal } : {}) };
  },
  read: (dir) => ({
    coadd: join(dir, IMAGES_FILES.coadd),
    ...(existsSync(join(dir, IMAGES_FILES.denoised)) ? { denoised: join(dir, IMAGES_FILES.denoised) } : {}),
    ...(existsSync(join(dir, IMAGES_FILES.nullCoadd)) ? { nullCoadd: join(dir, IMAGES_FILES.nullCoadd) } : {}),
    ...(existsSync(join(dir, IMAGES_FILES.nullDenoised)) ? { nullDenoised: join(dir, IMAGES_FILES.nullDenoised) } : {}),
    ...(existsSync(join(dir, IMAGES_FILES.selfcalPattern)) ? { selfcalPattern: join(dir, IMAGES_FILES.selfcalPattern) } : {}),
  }),
});
