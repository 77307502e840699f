// denoiseStack (contracts.md): Image-level entry point with model resolution, worker pool and
// FITS provenance.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Header, Image } from '@asteris/fits';
import { setStackTimeKeys } from '@asteris/stack';
import { AsterisError } from './errors.ts';
import { denoiseFrames, type CoreOptions, type CoreResult } from './denoise.ts';
import { inProcessRunner, poolRunner, type TileRunner } from './infer/runner.ts';
import { resolveModel, type ResolvedModel } from './models.ts';
import { tileGrid } from './tiling.ts';

export const ASTERIS_TS_VERSION = '0.1.0';

/** The preprocessing and tiling options of `denoiseFrames` (denoise.ts), plus model selection and threads. */
export interface DenoiseOptions
  extends Pick<CoreOptions, 'overlap' | 'restoreClipPart' | 'clipPartMode' | 'clipSigma' | 'zeroIsMissing' | 'masks' | 'onProgress'> {
  /** 'lite' | 'asteris4' | 'asteris8' | path to an .onnx file */
  model: 'lite' | 'asteris4' | 'asteris8' | string;
  /** tile edge (multiple of 8); default 256; reference 800 */
  tileSize?: number;
  /** worker threads, each with its own ORT session and intraOpNumThreads 1; 0 = one in-process session (default: 2 when ≥ 2 tiles and cores) */
  workers?: number;
  /** frames T when the ONNX input shape does not fix it */
  frames?: number;
  /** filter name used to choose SW/LW ASTERIS models (default: header FILTER) */
  band?: string;
  /** inject a runner (tests); bypasses model loading */
  runner?: TileRunner;
}

export interface DenoiseInfo extends Omit<CoreResult, 'denoised' | 'coadd'> {
  model: string;
  modelPath: string;
  modelSha256: string;
  tileSize: number;
  workers: number;
  nExposures: number;
}

export function checkStack(images: Image[]): { width: number; height: number } {
  if (images.length === 0) throw new AsterisError('empty exposure stack');
  const { width, height } = images[0]!;
  images.forEach((im, t) => {
    if (im.width !== width || im.height !== height || im.data.length !== width * height) {
      throw new AsterisError(`exposure ${t} is ${im.width}×${im.height}, exposure 0 is ${width}×${height}; exposures must be aligned on one pixel grid`);
    }
  });
  return { width, height };
}

/** Header of an output product: the first exposure's header (BUNIT, PIXAR_SR, WCS kept) + provenance. */
export function provenanceHeader(base: Header, images: Image[], info: DenoiseInfo, product: 'denoised' | 'coadd', restore: boolean, overlap: number, clipPartMode: 'median' | 'mean' = 'median'): Header {
  const h = base.clone();
  for (const k of ['XTENSION', 'EXTNAME', 'EXTVER', 'PCOUNT', 'GCOUNT', 'BSCALE', 'BZERO', 'BLANK', 'DATASUM', 'CHECKSUM']) h.delete(k);
  const xp = images.map((i) => i.header.getNumber('XPOSURE'));
  if (xp.every((v) => v !== undefined && Number.isFinite(v))) h.set('XPOSURE', xp.reduce((a, b) => a! + b!, 0)!, '[s] summed exposure time of the stack');
  setStackTimeKeys(h, images.map((i) => i.header));
  h.set('ASTPROD', product, 'ASTERIS product: denoised | coadd (same preproc)');
  h.set('ASTMODEL', info.model.length > 60 ? basename(info.model) : info.model, 'ASTERIS model name or file');
  h.set('ASTMFILE', basename(info.modelPath), 'ONNX file');
  h.set('ASTMSHA', info.modelSha256, 'SHA-256 of the ONNX file (first 16 hex)');
  h.set('ASTNEXP', info.nExposures, 'exposures in the stack');
  h.set('ASTNFRM', info.frames, 'super-frames T fed to the network');
  h.set('ASTTILE', info.tileSize, '[pix] tile edge (reference 800)');
  h.set('ASTOVLP', overlap, 'tile overlap fraction');
  h.set('ASTSTRID', info.stride, '[pix] tile stride');
  h.set('ASTCUT', info.cut, '[pix] hard-cut margin on interior tile sides');
  h.set('ASTNTILE', info.nTiles, 'tiles processed');
  h.set('ASTCLIP', 3, '[sigma] global iterative winsorisation');
  h.set('ASTCLPLO', info.norm.lo, 'winsorisation lower limit (BUNIT)');
  h.set('ASTCLPHI', info.norm.hi, 'winsorisation upper limit (BUNIT)');
  h.set('ASTMU', info.norm.mu, 'median of winsorised stack (BUNIT)');
  h.set('ASTSIGMA', info.norm.sigma, 'std of winsorised stack (BUNIT)');
  h.set('ASTSCALE', 4, 'normalisation Y = (X-ASTMU)/ASTSIGMA/ASTSCALE + 1');
  h.set('ASTBIAS', info.bias, 'whole-stack median removed (normalised units)');
  h.set('ASTCAP', info.cap, 'overshoot cap (normalised units)');
  h.set('ASTRESTO', restore, 'bright clipped excess R added back');
  h.set('ASTRMODE', clipPartMode, 'R = temporal median (reference) | mean of excess');
  h.set('ASTBOX', `${info.box.x0}:${info.box.x1},${info.box.y0}:${info.box.y1}`, '0-based valid box x0:x1,y0:y1 (NaN outside)');
  h.set('ASTVERS', ASTERIS_TS_VERSION, 'libs/asteris version');
  h.addHistory(
    product === 'denoised'
      ? `ASTERIS denoised (${info.model}, T=${info.frames}, tile ${info.tileSize}); pixels above ~3 sigma per exposure come from the temporal median of the clipped excess${restore ? '' : ' (NOT restored: bright sources flattened)'}`
      : `Co-add baseline: mean of ${info.frames} super-frames through the same ASTERIS clipping/normalisation${restore ? ' + R' : ''}`,
  );
  return h;
}

/**
 * Denoise one band's exposure stack (aligned, same grid). Returns the denoised image and the co-add
 * from the same preprocessing (the fair baseline), both on the input grid.
 */
export async function denoiseStack(images: Image[], opts: DenoiseOptions): Promise<{ denoised: Image; coadd: Image; info: DenoiseInfo }> {
  const { width, height } = checkStack(images);
  const band = opts.band ?? images[0]!.header.getString('FILTER');
  let model: ResolvedModel;
  let runner: TileRunner;
  let workers = 0;
  if (opts.runner) {
    model = { name: opts.model, path: opts.model, sha256: 'injected', defaultTile: 256 };
    runner = opts.runner;
  } else {
    model = resolveModel(opts.model, band);
    const tile = opts.tileSize ?? model.defaultTile;
    const nTiles = tileGrid(width, height, tile, opts.overlap ?? 0.1, 8).length;
    workers = opts.workers ?? (nTiles >= 2 && availableParallelism() >= 2 ? Math.min(2, availableParallelism()) : 0);
    runner = workers > 0
      ? await poolRunner(model.path, { frames: opts.frames, workers })
      : await inProcessRunner(model.path, { frames: opts.frames });
  }
  const tileSize = opts.tileSize ?? model.defaultTile;
  const overlap = opts.overlap ?? 0.1;
  const restore = opts.restoreClipPart ?? true;
  let res: CoreResult;
  try {
    res = await denoiseFrames(images.map((i) => i.data), width, height, runner, {
      tileSize, overlap, restoreClipPart: restore, clipPartMode: opts.clipPartMode, clipSigma: opts.clipSigma, zeroIsMissing: opts.zeroIsMissing,
      masks: opts.masks, concurrency: Math.max(1, workers), onProgress: opts.onProgress,
    });
  } finally {
    if (!opts.runner) await runner.close();
  }
  const { denoised, coadd, ...rest } = res;
  const info: DenoiseInfo = { ...rest, model: model.name, modelPath: model.path, modelSha256: model.sha256, tileSize, workers, nExposures: images.length };
  const base = images[0]!.header;
  return {
    denoised: { width, height, data: denoised, header: provenanceHeader(base, images, info, 'denoised', restore, overlap, opts.clipPartMode) },
    coadd: { width, height, data: coadd, header: provenanceHeader(base, images, info, 'coadd', restore, overlap, opts.clipPartMode) },
    info,
  };
}
