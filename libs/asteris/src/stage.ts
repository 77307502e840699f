// Stage "images" (docs/pipeline.md): per band, the co-add (libs/stack) and, unless the denoiser is
// 'none', the ASTERIS-denoised image. Each band resolves ITS OWN model (resolveModel(denoiser, band):
// e.g. lite_nrcshort.onnx for SW bands, lite_nrclong.onnx for LW), and that model's bytes enter the band's
// cache key through dataFiles.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage } from '@asteris/core';
import { loadField, readExposureStack, type FieldBand } from '@asteris/field';
import { writeFits, type Image } from '@asteris/fits';
import { coadd, COADD_METHODS, type CoaddMethod } from '@asteris/stack';
import { denoiseStack } from './stack.ts';
import { resolveModel, type ResolvedModel } from './models.ts';

export const IMAGES_FILES = { coadd: 'coadd.fits', denoised: 'denoised.fits', raw: 'raw.fits' } as const;
export const DENOISER_NAMES = ['lite', 'asteris4', 'asteris8', 'none'] as const;
const MIN_FRAMES: Record<string, number> = { asteris4: 4, asteris8: 8 };

export const ImagesConfigSchema = z.object({
  denoiser: z.string().default('lite').describe('lite | asteris4 | asteris8 | none | path to an .onnx model'),
  coadd: z.enum(COADD_METHODS as unknown as [CoaddMethod, ...CoaddMethod[]]).default('clipped-mean'),
  tileSize: z.number().int().min(32).max(2048).optional(),
  /** tile overlap fraction (default 0.1; `asteris denoise --overlap`) */
  overlap: z.number().min(0).lt(0.5).optional(),
  /** add back the bright clipped excess (default true; `asteris denoise --no-restore` sets false) */
  restore: z.boolean().optional(),
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
export interface ImagesProduct { coadd: string; denoised?: string }

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

export const imagesStage = defineStage<ImagesInputs, ImagesConfig, ImagesProduct>({
  name: 'images',
  package: '@asteris/asteris',
  schema: ImagesConfigSchema,
  files: IMAGES_FILES,
  dataFiles: (i, c) => [...fieldBand(i).exposures, ...(c.denoiser === 'none' ? [] : [bandModel(c.denoiser, i.band)!.path])],
  async run(i, c, dir, ctx) {
    const band = fieldBand(i);
    const stack = readExposureStack(band);
    const co = coadd(stack.images, stack.errs, c.coadd);
    writeFits(join(dir, IMAGES_FILES.coadd), [hdu(co.image), { ...hdu(co.err, 'ERR'), header: co.err.header }]);
    const model = bandModel(c.denoiser, band.name);
    if (!model) return {};
    const res = await denoiseStack(stack.images, { model: model.path, band: band.name, tileSize: c.tileSize, workers: i.workers,
      overlap: c.overlap, restoreClipPart: c.restore,
      onProgress: (done, total) => ctx?.progress(done, total, `${band.name}: denoised tiles`) });
    writeFits(join(dir, IMAGES_FILES.denoised), [hdu(res.denoised)]);
    writeFits(join(dir, IMAGES_FILES.raw), [hdu(res.coadd)]);
    const { model: name, tileSize, nExposures: exposures, frames, box, norm, nTiles, workers, modelSha256, secondsNet } = res.info;
    return { model: name, tileSize, exposures, frames, box, norm, nTiles, workers, modelPath: model.path, modelSha256, secondsNet };
  },
  read: (dir) => ({
    coadd: join(dir, IMAGES_FILES.coadd),
    ...(existsSync(join(dir, IMAGES_FILES.denoised)) ? { denoised: join(dir, IMAGES_FILES.denoised) } : {}),
  }),
});
