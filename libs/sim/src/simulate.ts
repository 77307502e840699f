// simulateField(spec, outDir): the whole mock field. The catalogue (with per-band SED fluxes) is drawn
// in the calling thread; bands are then rendered and their exposures written by a small worker pool
// (one band per task, exposures streamed to disk one at a time). Seeds are derived per band and per
// exposure, so the bytes do not depend on the number of workers or their scheduling.
import { mkdirSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tanWcs } from '@asteris/fits';
import { ensureDir, tmpSibling, WorkerJobError, WorkerPool, workerExecArgv, writeFileAtomic } from '@asteris/core';
import { nJyFromAbMag } from '@asteris/astro';
import { runBandJob, pixarSr, type BandJob, type BandResult } from './bandjob.ts';
import { DEFAULT_SKY_MJYSR, drizzleKernel } from './noise.ts';
import { drawCatalogue, type TruthSource } from './populations.ts';
import { bandDepth, parseSpec, SPEC_KIND, SpecError, type FieldSpec, type FieldSpecInput } from './spec.ts';
import { truthCsv } from './truth.ts';
import { autoOversample, type RenderSource } from './render.ts';
import { NIRCAM_FWHM_ARCSEC } from './psf/model.ts';

export const FIELD_FORMAT = 'asteris-field/1';
/** Radius of the depth aperture (0.2″ diameter) in arcsec. */
export const DEPTH_APERTURE_RADIUS = 0.1;
export const EXPOSURE_TIME_S = 1100;

export interface SimulateOptions {
  /** Worker threads (default min(2, bands)); 0 runs everything in the calling thread. */
  workers?: number;
  onProgress?: (msg: string) => void;
}

export interface SimulateResult {
  dir: string;
  fieldJson: string;
  truth: TruthSource[];
  bands: BandResult[];
  seconds: number;
}

/** Per-exposure σ (nJy/pixel) that gives a 5σ point-source depth `depth` in a 0.2″-diameter aperture for `nexp` exposures. */
export function sigmaPerExposure(depth: number, nexp: number, pixelScale: number): number {
  const area = Math.PI * (DEPTH_APERTURE_RADIUS / pixelScale) ** 2;
  return (nJyFromAbMag(depth) / 5 / Math.sqrt(area)) * Math.sqrt(nexp);
}

/** Read a spec file (JSON) and validate it. */
export function readSpecFile(path: string): FieldSpec {
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SpecError('no such file', path);
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new SpecError('is a directory: give the spec file (e.g. data/demo/field.json)', path);
    throw new SpecError(`not valid JSON (${(e as Error).message})`, path);
  }
  return parseSpec(raw, path);
}

function buildJobs(spec: FieldSpec, truth: TruthSource[], outDir: string): BandJob[] {
  const wcs = { crval: spec.crval as [number, number], crpix0: [(spec.width - 1) / 2, (spec.height - 1) / 2] as [number, number], scaleArcsec: spec.pixelScale, rotationDeg: spec.rotation };
  const om = pixarSr(spec.pixelScale);
  const corr = spec.noise.correlation === 'drizzle' ? drizzleKernel() : spec.noise.correlation;
  return spec.bands.map((b) => {
    const sources: RenderSource[] = truth.map((s) => ({ x: s.x, y: s.y, flux: s.flux[b.name], point: s.point, n: s.n, re: s.re / spec.pixelScale, q: s.q, pa: s.pa }));
    const depth = bandDepth(spec, b);
    const skyMJy = b.sky ?? DEFAULT_SKY_MJYSR[b.name] ?? 0.2;
    const psfOpt = b.psf === undefined || b.psf === 'real' ? { prefer: 'real' as const } : b.psf === 'model' ? { prefer: 'model' as const } : { file: resolve(b.psf) };
    return {
      band: b.name, width: spec.width, height: spec.height, oversample: resolveOversample(spec.oversample, b.name, spec.pixelScale), pixelScale: spec.pixelScale,
      psf: { ...psfOpt, radiusArcsec: spec.psfRadius },
      sources,
      noise: {
        sigmaExp: sigmaPerExposure(depth, spec.nexp, spec.pixelScale), sky: skyMJy * om * 1e15,
        readFraction: spec.noise.readFraction, oneOverFFraction: spec.noise.oneOverFFraction,
        skyVariation: spec.noise.skyVariation, skyGradient: spec.noise.skyGradient, subtractSky: spec.noise.subtractSky,
        cosmicRayRate: spec.noise.cosmicRayRate, hotPixelRate: spec.noise.hotPixelRate, hotPixelFlagged: spec.noise.hotPixelFlagged,
        snowballRate: spec.noise.snowballRate, artefacts: spec.noise.artefacts, correlation: corr,
      },
      nexp: spec.nexp, seed: spec.seed, outDir, fieldName: spec.name, wcs, exptime: EXPOSURE_TIME_S, writePsf: spec.writePsf,
      extraCards: { SIMDEPTH: depth },
    } satisfies BandJob;
  });
}

/** Oversampling for a band: a fixed number, or 'auto' = pitch ≤ FWHM/1.68 using the JDox FWHM. */
export function resolveOversample(os: number | 'auto', band: string, pixelScale: number): number {
  if (os !== 'auto') return os;
  return autoOversample(NIRCAM_FWHM_ARCSEC[band] ?? 0.1, pixelScale);
}

/** Run band jobs on a pool of worker threads (or in-process when workers = 0). */
export async function runJobs(jobs: BandJob[], workers: number, onProgress?: (m: string) => void): Promise<BandResult[]> {
  const results: BandResult[] = new Array(jobs.length);
  if (workers <= 0) {
    jobs.forEach((j, i) => { results[i] = runBandJob(j); onProgress?.(`band ${j.band} done`); });
    return results;
  }
  if (jobs.length === 0) return results;
  const pool = new WorkerPool<BandJob, BandResult>(new URL('./worker-boot.mjs', import.meta.url), Math.min(workers, jobs.length), { execArgv: workerExecArgv() });
  try {
    await Promise.all(jobs.map(async (j, i) => {
      try {
        results[i] = await pool.run(j);
      } catch (e) {
        throw e instanceof WorkerJobError ? new Error(`band ${j.band}: ${e.message}`) : e;
      }
      onProgress?.(`band ${j.band} done`);
    }));
  } finally {
    await pool.close();
  }
  return results;
}

/**
 * Simulate a field described by `spec` (object or parsed spec) into `outDir` (created if needed).
 * field.json is written last, so a directory without it is never mistaken for a finished field.
 */
export async function simulateField(specInput: FieldSpecInput | FieldSpec, outDir: string, opts: SimulateOptions = {}): Promise<SimulateResult> {
  // A new (or empty) directory is filled as a temporary sibling and renamed into place, so a failed
  // run leaves nothing behind; an existing non-empty directory is updated in place (field.json last).
  const target = resolve(outDir);
  const fresh = !existsSync(target) || readdirSync(target).length === 0;
  if (!fresh) return simulateInto(specInput, target, opts);
  ensureDir(dirname(target));
  const tmp = tmpSibling(target);
  try {
    const res = await simulateInto(specInput, tmp, opts);
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
    return { ...res, dir: target, fieldJson: join(target, 'field.json') };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function simulateInto(specInput: FieldSpecInput | FieldSpec, dir: string, opts: SimulateOptions): Promise<SimulateResult> {
  const t0 = performance.now();
  const spec = parseSpec(specInput);
  ensureDir(dir);
  const fieldJson = join(dir, 'field.json');
  if (existsSync(fieldJson)) {
    // replacing a previous field: remove its marker first so a crash cannot leave a stale, mixed field
    unlinkSync(fieldJson);
  }
  const w = tanWcs({ crval: spec.crval as [number, number], crpix0: [(spec.width - 1) / 2, (spec.height - 1) / 2], scaleArcsec: spec.pixelScale, rotationDeg: spec.rotation });
  const bands = spec.bands.map((b) => b.name);
  const areaArcmin2 = (spec.width * spec.height * spec.pixelScale ** 2) / 3600;
  const truth = drawCatalogue({ spec, bands, pixToSky: (x, y) => w.pixelToSky(x, y), areaArcmin2 }, spec.seed);
  opts.onProgress?.(`catalogue: ${truth.length} sources`);
  writeFileAtomic(join(dir, 'truth.csv'), truthCsv(truth, bands));
  const jobs = buildJobs(spec, truth, dir);
  const results = await runJobs(jobs, opts.workers ?? Math.min(2, jobs.length), opts.onProgress);
  const om = pixarSr(spec.pixelScale);
  const field = {
    format: FIELD_FORMAT,
    name: spec.name,
    pixelScale: spec.pixelScale,
    width: spec.width, height: spec.height,
    crval: spec.crval,
    simulated: true,
    seed: spec.seed,
    nexp: spec.nexp,
    areaArcmin2,
    bands: results.map((r, i) => ({
      name: r.band,
      unit: 'MJy/sr',
      zeropoint: -6.10 - 2.5 * Math.log10(om),
      pixarSr: om,
      psf: r.psfFile,
      psfSource: r.psfSource,
      psfDescription: r.psfDescription,
      exposures: r.exposures,
      depth5sigma: bandDepth(spec, spec.bands[i]),
      sigmaExposureNJy: r.sigmaExp,
      oversample: jobs[i].oversample,
      skyMJySr: r.skyNJy / (om * 1e15),
    })),
    truth: 'truth.csv',
    counts: countKinds(truth),
    spec,
  };
  writeFileAtomic(fieldJson, JSON.stringify(field, null, 2) + '\n');
  return { dir, fieldJson, truth, bands: results, seconds: (performance.now() - t0) / 1000 };
}

function countKinds(truth: TruthSource[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const s of truth) c[s.kind] = (c[s.kind] ?? 0) + 1;
  return c;
}

export { SPEC_KIND };
