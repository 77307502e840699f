// The null-stack chain shared by the depth benchmark and the null-rate test (issue 14): the same
// co-add / denoise → background → bank detection on a stack and on its null stacks.
import { backgroundMap, bankNoise, detectBank, detectionBank, makeBackground, type BankDetection, type BankKernel } from '@asteris/extract';
import { Header, type Image } from '@asteris/fits';
import { bankFilter, robustStd } from '@asteris/extract';
import { calibrateNullThreshold, coaddArrays, destripeRows, exposureCovariance, exposureSigmas, glsStack, glsWeights, nullFalseRate, nullStacks, type FalseRate } from '@asteris/stack';
import { combineImages, denoiseStack, isNullSpaceModel, nullCombineWeights, resolveModel, type CombineWeights } from '../src/index.ts';

/**
 * coadd / coadd-ivw: @asteris/stack 'clipped-mean' / 'clipped-ivw'; gls: glsStack with given weights;
 * den: the model's own image (the network's output); den-ivw: a null-space model's correction put on the
 * clipped-ivw co-add (C + D − R, the naive rebase); den-comb: the images stage's default for a null-space
 * model, R + α(D − R) + β(C − R) with C the clipped-ivw co-add and α, β fitted on the field's null stacks
 * (src/combine.ts; pass them as `combo`, from comboWeightsOf).
 */
export type Path = 'coadd' | 'coadd-ivw' | 'den' | 'den-ivw' | 'den-comb' | 'gls';

// the network's output and raw mean per stack (content hash → result): den, den-ivw and den-comb of one
// stack, and the same null stacks of several chains, run the network once
const netMemo = new Map<string, { den: Float32Array; raw: Float32Array }>();
function stackKey(frames: Float32Array[], model: string, tile: number): string {
  let h = 2166136261 >>> 0;
  for (const f of frames) {
    const u = new Uint32Array(f.buffer, f.byteOffset, f.length);
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 16777619) >>> 0;
  }
  return `${model}|${tile}|${frames.length}|${frames[0]?.length}|${h}`;
}
async function networkImages(frames: Float32Array[], w: number, h: number, model: string, tile: number): Promise<{ den: Float32Array; raw: Float32Array }> {
  const k = stackKey(frames, model, tile);
  const hit = netMemo.get(k);
  if (hit) return hit;
  const r = await denoiseStack(toImages(frames, w, h), { model, tileSize: tile, workers: 0 });
  const v = { den: r.denoised.data, raw: r.coadd.data };
  if (netMemo.size > 256) netMemo.clear();
  netMemo.set(k, v);
  return v;
}

export function toImages(frames: Float32Array[], w: number, h: number): Image[] {
  return frames.map((data) => { const hd = new Header(); hd.set('BUNIT', 'nJy'); hd.set('FILTER', 'F277W'); return { width: w, height: h, data, header: hd }; });
}

/** Background-subtracted image (SExtractor-style 64 px mesh model, the extractor's default chain). */
export function subtractBackground(data: Float32Array, w: number, h: number): Float32Array {
  const bg = backgroundMap(makeBackground(data, w, h, { meshSize: 64, filterSize: 3 }));
  return Float32Array.from(data, (v, i) => v - bg[i]!);
}

/** Background-subtracted and (destripe) row-whitened detection image (libs/stack destripeRows). */
export function prepare(data: Float32Array, w: number, h: number, destripe: boolean): Float32Array {
  const b = subtractBackground(data, w, h);
  return destripe ? destripeRows(b, w, h).data : b;
}

/**
 * GLS weights of a stack for point-source detection: the between-exposure covariance of the PSF-filtered,
 * background-subtracted, destriped exposures (libs/stack exposureCovariance; each exposure's own σ from
 * its filtered map), then w = Σ⁻¹1/(1ᵀΣ⁻¹1).
 */
export function glsWeightsOf(frames: Float32Array[], w: number, h: number, psf: BankKernel): number[] {
  const ff = frames.map((f) => bankFilter(prepare(f, w, h, true), w, h, psf));
  return glsWeights(exposureCovariance(ff, { sigmas: ff.map((f) => robustStd(f)) })).weights;
}

/** The path's detection image of an exposure stack: clipped-mean co-add, its inverse-variance-weighted variant (clipped-ivw), GLS stack (weights), or the model's denoised image. */
export async function pathImage(frames: Float32Array[], w: number, h: number, path: Path, model: string, tile = 256, sigmas?: number[], weights?: number[], combo?: CombineWeights): Promise<Float32Array> {
  if (path === 'gls') return glsStack(frames, { weights, ...(sigmas ? { sigmas } : {}) });
  // the clip uses each exposure's noise (its ERR): a null exposure inherits the ERR of the exposure it
  // came from (a residual has only (N−1)/N of its variance, and a tighter clip would remove more of
  // the one-signed artefacts than on the field)
  const co = (method: 'clipped-mean' | 'clipped-ivw') => coaddArrays(frames, frames.map(() => null), method, sigmas ? { sigmas } : {}).data;
  if (path === 'coadd' || path === 'coadd-ivw') return co(path === 'coadd' ? 'clipped-mean' : 'clipped-ivw');
  const n = await networkImages(frames, w, h, model, tile);
  if (path === 'den' || !isNullSpaceModel(resolveModel(model).path)) return n.den;
  if (path === 'den-ivw') return combineImages({ raw: n.raw, den: n.den, base: co('clipped-ivw') }, { alpha: 1, beta: 1 });
  if (!combo) throw new Error('pathImage den-comb: pass the combination weights (comboWeightsOf)');
  return combineImages({ raw: n.raw, den: n.den, base: co('clipped-ivw') }, combo);
}

/**
 * The images stage's combination weights for a stack (src/combine.ts): its null stacks as the stage makes
 * them (2 sign-flip nulls, seed 1, the smooth-sky pedestal), each through the network and the clipped-ivw
 * co-add, fitted with the PSF's FWHM.
 */
export async function comboWeightsOf(frames: Float32Array[], w: number, h: number, model: string, sigmas: number[], psfFwhmPx: number, tile = 256): Promise<CombineWeights> {
  const inputs = [];
  for (const st of skyNulls(frames, w, h, 2, 1)) {
    const n = await networkImages(st, w, h, model, tile);
    inputs.push({ raw: n.raw, den: n.den, base: coaddArrays(st, st.map(() => null), 'clipped-ivw', { sigmas }).data });
  }
  const c = nullCombineWeights(inputs, w, h, psfFwhmPx);
  if (!c) throw new Error(`comboWeightsOf: a ${w}×${h} stack is too small to fit the combination`);
  return c;
}

/**
 * `count` sign-flip null stacks of `frames` (seeded) as the images stage makes them: each carries the field's
 * smooth sky (the mesh background of the robust mean), so a chain that normalises by the stack's std
 * (ASTERIS) sees the same scaling as on the field.
 */
function skyNulls(frames: Float32Array[], w: number, h: number, count: number, seed: number): Float32Array[][] {
  return nullStacks(frames, { count, seed, mode: 'signflip', pedestal: (m) => backgroundMap(makeBackground(m, w, h, { meshSize: 64, filterSize: 3 })) }).stacks;
}

export interface NullChain {
  bank: BankKernel[];
  /** σ_k of each kernel from the null images */
  sigma: number[];
  /** background-subtracted null detection images */
  nulls: Float32Array[];
  /** detections on each null at the base threshold */
  nullDet: BankDetection[][];
  areaArcmin2: number;
  /** the nulls and the field were row-whitened (destripeRows) */
  destripe?: boolean;
  /** detectBank sub-pixel refinement */
  refine?: boolean;
  /**
   * S/N unit of the field: each filtered map's own robust std (true) instead of the nulls' σ_k. The nulls
   * lack what is static on the sky (background-model residuals, the dithered pattern's coherent part),
   * so after row whitening they underestimate the wide kernels' noise by ≈ 9 % (measured), which inflates
   * those kernels' S/N on the field and costs the point sources threshold
   */
  selfSigma?: boolean;
}

/** Run K null stacks of `frames` through the path and the bank (base threshold `base`). */
export async function nullChain(frames: Float32Array[], w: number, h: number, path: Path, o: { model: string; K: number; seed: number; bank: BankKernel[]; base: number; pixScale: number; destripe?: boolean; refine?: boolean; weights?: number[]; selfSigma?: boolean; combo?: CombineWeights }): Promise<NullChain> {
  const nulls: Float32Array[] = [];
  const sig = exposureSigmas(frames); // the field's exposure noise (as the images stage's co-add without ERR maps)
  for (const st of skyNulls(frames, w, h, o.K, o.seed)) nulls.push(prepare(await pathImage(st, w, h, path, o.model, 256, sig, o.weights, o.combo), w, h, !!o.destripe));
  const sigma = bankNoise(nulls.map((data) => ({ data, width: w, height: h })), o.bank);
  const nullDet = nulls.map((data) => detectBank({ data, width: w, height: h }, o.bank, { threshold: o.base, ...(o.selfSigma ? {} : { sigma }), background: 0 }));
  return { bank: o.bank, sigma, nulls, nullDet, areaArcmin2: (w * h * o.pixScale * o.pixScale) / 3600, destripe: !!o.destripe, refine: !!o.refine, selfSigma: !!o.selfSigma };
}

export function detectWith(chain: NullChain, img: Float32Array, w: number, h: number, threshold: number): BankDetection[] {
  const sigma = chain.selfSigma ? undefined : chain.sigma; // undefined: detectBank takes each filtered map's robust std
  return detectBank({ data: img, width: w, height: h }, chain.bank, { threshold, ...(sigma ? { sigma } : {}), background: 0, refine: !!chain.refine });
}

export function calibrate(chain: NullChain, target: number): { threshold: number; resolved: boolean } & FalseRate {
  return calibrateNullThreshold({ scores: chain.nullDet.map((d) => d.map((q) => q.snr)), areaArcmin2: chain.areaArcmin2 }, target, 0);
}
export function nullRate(chain: NullChain, threshold: number): FalseRate {
  return nullFalseRate({ scores: chain.nullDet.map((d) => d.map((q) => q.snr)), areaArcmin2: chain.areaArcmin2 }, threshold);
}
export { detectionBank };
