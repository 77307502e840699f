// One field's stage chain — images (per band) → detect → photometry → select, plus the co-add path's
// photometry and selection for the candidate ratio — as the runner (run.ts) and `asteris completeness`
// (completeness-real.ts) both build it. Only job specs are made here; engines run them.
import type { Stage } from '@asteris/core';
import { NIRCAM_FWHM_ARCSEC } from '@asteris/sim';
import { imagesStage } from '@asteris/asteris';
import { detectStage } from '@asteris/extract';
import { photometryStage } from '@asteris/photometry';
import { selectStage } from '@asteris/select';
import type { JobSpec } from './engine.ts';
import type { Plan } from './validate.ts';
import type { RunConfig } from './config.ts';

/** A reference to an upstream job's product (or one field of it). */
export const ref = (id: string, pick?: string) => ({ $product: id, ...(pick ? { pick } : {}) });

/** PSF FWHM (arcsec) of a detection image: the mean of its bands' NIRCam FWHMs (0.12″ for a band not in the table). */
export function detectionPsfFwhm(bands: string[]): number {
  const v = bands.map((b) => NIRCAM_FWHM_ARCSEC[b.toUpperCase()] ?? 0.12);
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/** Makes a job spec: stage, id, inputs, config, deps and a display label. */
export type JobMaker = (stage: Stage<any, any, any>, id: string, inputs: unknown, config: unknown, deps: string[], label: string) => JobSpec;

export interface ChainSpec {
  /** job id prefix ('' or e.g. 'f0/inj1/') */
  prefix: string;
  /** display label of a job in this chain */
  label: (s: string) => string;
  /** the field directory, or an inject job's field product */
  field: string | { $product: string; pick?: string };
  deps: string[];
  plan: Plan;
  pixelScale: number;
  /** the main field's detect job: an injected copy reuses its thresholds (and makes no nulls) */
  main?: string;
  /** also the co-add path's photometry and selection (main field of a denoised run with injections) */
  coaddPath?: boolean;
}
export interface ChainIds { detect: string; select: string; images: Record<string, unknown>; img: (b: string) => string; coaddSelect: string | null }

/** Appends one field's chain to `jobs`. Null stacks only where thresholds are calibrated: the main field's detection bands, bank detector. */
export function fieldChain(jobs: JobSpec[], job: JobMaker, cfg: RunConfig, s: ChainSpec): ChainIds {
  const { prefix: P, label: L, field, deps, plan, main } = s;
  const img = (b: string) => `${P}images:${b}`;
  const wantNulls = (b: string) => !main && plan.detectBands.includes(b) && (cfg.extract.detector ?? 'bank') === 'bank';
  for (const b of plan.bands) {
    jobs.push(job(imagesStage, img(b), { field, band: b, workers: cfg.workers },
      { denoiser: cfg.denoiser, coadd: cfg.coadd, base: cfg.base, tileSize: cfg.tileSize, selfcal: cfg.selfcal, nulls: wantNulls(b) ? cfg.nulls : { ...cfg.nulls, count: 0 } }, deps, L(`images:${b}`)));
  }
  const images = Object.fromEntries(plan.bands.map((b) => [b, ref(img(b))]));
  jobs.push(job(detectStage, `${P}detect`, {
    images: plan.detectBands.map((b) => ref(img(b))), ...(main ? { thresholdsFrom: ref(main) } : {}),
    bank: { pixelScale: s.pixelScale, psfFwhmArcsec: detectionPsfFwhm(plan.detectBands) },
  }, { bands: plan.detectBands, mode: cfg.detectMode, extract: cfg.extract }, [...plan.detectBands.map(img), ...(main ? [main] : [])], L('detect')));
  jobs.push(job(photometryStage, `${P}photometry`, { field, detect: ref(`${P}detect`), images, refBand: plan.detectBands[0], workers: cfg.workers },
    cfg.photometry, [`${P}detect`, ...plan.bands.map(img), ...deps], L('photometry')));
  jobs.push(job(selectStage, `${P}select`, { catalogue: ref(`${P}photometry`), bands: plan.bands, ...(main ? {} : { stampImages: images }) },
    { presets: plan.presets }, [`${P}photometry`, ...(main ? [] : plan.bands.map(img))], L('select')));
  // the co-add path's candidates (photometry on the co-add only, from the co-add's own detections): the
  // candidate ratio denoised / co-add at equal null false rate
  let coaddSelect: string | null = null;
  if (s.coaddPath) {
    const coImages = Object.fromEntries(plan.bands.map((b) => [b, { coadd: ref(img(b), 'coadd') }]));
    jobs.push(job(photometryStage, `${P}coadd/photometry`, { field, detect: ref(`${P}detect`, 'coaddDetect'), images: coImages, refBand: plan.detectBands[0], workers: cfg.workers },
      cfg.photometry, [`${P}detect`, ...plan.bands.map(img), ...deps], L('co-add path: photometry')));
    coaddSelect = `${P}coadd/select`;
    jobs.push(job(selectStage, coaddSelect, { catalogue: ref(`${P}coadd/photometry`), bands: plan.bands }, { presets: plan.presets }, [`${P}coadd/photometry`], L('co-add path: select')));
  }
  return { detect: `${P}detect`, select: `${P}select`, images, img, coaddSelect };
}
