// Forced multiband photometry on the detection apertures (docs/photometry.md).
//
// For every band: convert to nJy → (optionally) PSF-match to the broadest PSF → calibrate correlated
// noise with empty apertures → measure every detection in circular apertures of several radii and in
// the detection Kron ellipse → scale the chosen circular aperture to total flux.
import { sumCircle, sumEllipse } from '@asteris/extract';
import { nJyPerPixelScale, type Image } from '@asteris/fits';
import { PhotometryError } from '../errors.ts';
import { catalogueColumns, magAB, magErrAB, PHOT_FLAG_KRON_CROWDED, PHOT_FLAG_MASKED, PHOT_FLAG_TRUNCATED,
  PHOT_FLAG_UNMEASURED, type Catalogue, type CatalogueRow } from '../catalogue/catalogue.ts';
import { convolveImagePair, squaredKernel } from '../psf/convolve.ts';
import { eeModel, halfLightRadius, type EeModel, type EeTable } from '../psf/ee.ts';
import { matchingKernel, type MatchingKernelOptions } from '../psf/matching.ts';
import { checkPsf, type Psf } from '../psf/psf.ts';
import { rescaleVarianceLocally, type RescaleResult } from '../noise/rescale.ts';
import { calibrateEmptyApertures, depthRatio, nmad, noiseFactor, type NoiseCalibration } from '../noise/empty.ts';
import { annulusMedian, calibrateLocalApertures, DEFAULT_BACKGROUND, sourceMask, subtractMeshBackground, type BackgroundMode, type BackgroundSettings } from './background.ts';

/** The parts of @asteris/extract's ExtractResult that photometry reads (structurally compatible). */
export interface DetectionSource {
  id: number; x: number; y: number; a: number; b: number; theta: number; kronRadius: number;
  flags: number; snr: number;
}
export interface Detection {
  sources: DetectionSource[];
  segmentation: Int32Array;
}

export interface BandInput {
  name: string;
  image: Image;
  /** per-pixel 1σ error map in the image's units (e.g. ERR, or 1/√WHT) */
  err?: Image;
  /** PSF stamp on the image pixel grid (any normalisation: it is unit-summed; light outside the stamp comes from the EE table) */
  psf?: Psf;
  /** nJy per data unit; default from the header (BUNIT/PIXAR_SR via @asteris/fits) */
  nJyPerUnit?: number;
}

export interface ForcedPhotometryOptions {
  /** circular aperture radii in pixels; default [2.5, 4, 6.25, 12.5] (D = 0.2, 0.32, 0.5, 1.0″ at 0.04″/px) */
  apertureRadii?: number[];
  /** index of the radius whose flux is scaled to total (default: the radius closest to 4 px) */
  totalAperture?: number;
  /** 'kron' (default): aperture × extendedness from the reference band's Kron/aperture ratio ÷ EE; 'psf': aperture ÷ EE */
  total?: 'kron' | 'psf';
  /** minimum S/N of the reference-band aperture flux to trust its Kron/aperture ratio (default 10) */
  kronSnrMin?: number;
  /** PSF-match all bands with a PSF to the target (default true) */
  homogenise?: boolean;
  /** target band of the homogenisation (default: the PSF with the largest half-light radius) */
  targetBand?: string;
  kernel?: MatchingKernelOptions;
  /** encircled-energy table (ETC) for light outside PSF stamps or bands without stamps */
  eeTable?: EeTable;
  /** arcsec per pixel (needed to use the EE table) */
  pixelScale?: number;
  noise?: { nApertures?: number; buffer?: number; seed?: number; extraRadii?: number[];
    /** place calibration apertures only in this box (hold-out validation) */
    region?: { x0: number; x1: number; y0: number; y1: number };
    /** rescale the per-pixel error map to the local blank-sky NMAD in cells of this many pixels
     *  before calibrating correlations (default 128; 0 disables) */
    rescaleCell?: number;
    /** depth classes of the calibration (see NoiseCalibrationOptions.depthBins; default 8) */
    depthBins?: number;
    /** accept calibration-aperture centres only where this is true (hold-out validation) */
    select?: (x: number, y: number) => boolean };
  /** detection-grid pixel → (ra, dec) in degrees, e.g. (x, y) => wcs.pixelToSky(x, y) */
  pixelToSky?: (x: number, y: number) => [number, number];
  /** background subtraction (docs/photometry.md §10): 'mesh' (default) — SExtractor-style mesh background
   *  with the grown detection segmentation as mask, subtracted before PSF matching; 'local' — mesh plus a
   *  local annulus per source (BACKPHOTO_TYPE LOCAL), its uncertainty added to the errors;
   *  'empty-median' — one constant per band (median empty-aperture flux; legacy, biased on gradients);
   *  'none' — the images are already background-subtracted. An object sets the mesh/annulus parameters. */
  background?: BackgroundMode | (Partial<BackgroundSettings> & { mode?: BackgroundMode });
  /** progress messages */
  log?: (msg: string) => void;
}

/**
 * Per-aperture fluxes (nJy, not corrected to total) on the PSF-matched images: circular [radius][source]
 * and the detection Kron ellipse [source] (NaN without a valid ellipse; other segments left out).
 */
export interface ApertureFluxes {
  radii: number[];
  flux: Record<string, Float64Array[]>;
  fluxErr: Record<string, Float64Array[]>;
  kron: Record<string, Float64Array>;
  kronErr: Record<string, Float64Array>;
}

/** What one band's measurement returns (plain data: it crosses the worker-thread boundary unchanged). */
export interface BandMeasurement {
  name: string;
  /** [radius][source] aperture flux / calibrated error (nJy) */
  aper: Float64Array[];
  aperErr: Float64Array[];
  aperFlags: Int32Array;
  kron: Float64Array;
  kronErr: Float64Array;
  kronCrowded: Uint8Array;
  noise: NoiseCalibration;
  sigmaPix: number;
  sky: number;
  rescale: RescaleResult | null;
  kernelSize?: number;
  /** mesh background subtracted (nJy/px): range and SExtractor-style global values; null without mesh */
  meshBackground?: { min: number; max: number; globalBack: number; globalRms: number; nBadMeshes: number } | null;
  /** per-source local annulus level (nJy/px) subtracted; absent unless background mode 'local' */
  localSky?: Float64Array;
  /** empty-aperture factor per catalogue radius for the local-annulus measurement (mode 'local') */
  localFactor?: number[];
}

interface BandResult extends BandMeasurement {
  ee: EeModel;
}

/** Settings shared by every band (plain data, structured-cloneable). */
export interface BandPlan {
  width: number;
  height: number;
  radii: number[];
  iTot: number;
  calRadii: number[];
  rescaleCell: number;
  background: BackgroundSettings;
  noise: { nApertures?: number; buffer?: number; seed?: number; depthBins?: number; region?: { x0: number; x1: number; y0: number; y1: number } };
  kernel?: MatchingKernelOptions;
  targetName?: string;
}

/** One band's pixels as the measurement needs them (a BandInput, or its cloneable part in a worker). */
export interface BandPixels {
  name: string;
  image: { data: ArrayLike<number> };
  err?: { data: ArrayLike<number> };
  psf?: Psf;
}

/** Validated inputs, the target PSF and the per-band plan of a forcedPhotometry call. */
export interface PhotometryJob {
  det: Detection;
  bands: BandInput[];
  opts: ForcedPhotometryOptions;
  names: string[];
  columns: Catalogue['columns'];
  plan: BandPlan;
  homogenise: boolean;
  target?: BandInput;
  refBand: BandInput;
  /** nJy per data unit of every band */
  scales: number[];
  /** PSF each band is matched to (undefined: not convolved) */
  matchTo: (Psf | undefined)[];
  totalMode: 'kron' | 'psf';
  kronSnrMin: number;
}

function nJyScale(band: BandInput): number {
  if (band.nJyPerUnit !== undefined) {
    if (!(band.nJyPerUnit > 0)) throw new PhotometryError(`nJyPerUnit must be > 0 (got ${band.nJyPerUnit})`, band.name);
    return band.nJyPerUnit;
  }
  try {
    return nJyPerPixelScale(band.image.header);
  } catch (err) {
    throw new PhotometryError(`cannot convert the image units to nJy (${(err as Error).message}); give nJyPerUnit`, band.name);
  }
}

/**
 * Forced photometry of every detection in every band. `det.segmentation` must have the shape of every
 * band image. Single-threaded; `forcedPhotometryParallel` gives the same bytes on a worker pool.
 */
export function forcedPhotometry(
  det: Detection, bands: BandInput[], opts: ForcedPhotometryOptions = {},
): Catalogue {
  const job = preparePhotometry(det, bands, opts);
  const log = opts.log ?? (() => {});
  const measured = bands.map((b, k) =>
    measureBand(b, job.scales[k], job.matchTo[k], det.sources, det.segmentation, job.plan, log, opts.noise?.select));
  return assembleCatalogue(job, measured);
}

/** Validates the inputs and fixes everything that is common to the bands (radii, target PSF, units). */
export function preparePhotometry(det: Detection, bands: BandInput[], opts: ForcedPhotometryOptions = {}): PhotometryJob {
  if (bands.length === 0) throw new PhotometryError('no bands given');
  const width = bands[0].image.width;
  const height = bands[0].image.height;
  const npx = width * height;
  if (det.segmentation.length !== npx) {
    throw new PhotometryError(`segmentation has ${det.segmentation.length} pixels but band images are ${width}×${height}`, bands[0].name);
  }
  const names = bands.map((b) => b.name);
  const columns = catalogueColumns(names); // validates names / duplicates
  for (const b of bands) {
    if (b.image.width !== width || b.image.height !== height || b.image.data.length !== npx) {
      throw new PhotometryError(`image is ${b.image.width}×${b.image.height}, detection grid is ${width}×${height}`, b.name);
    }
    if (b.err && (b.err.width !== width || b.err.height !== height)) {
      throw new PhotometryError(`error map is ${b.err.width}×${b.err.height}, image is ${width}×${height}`, b.name);
    }
    if (b.psf) checkPsf(b.psf, `band ${b.name} PSF`);
  }
  const log = opts.log ?? (() => {});
  const radii = opts.apertureRadii ?? [2.5, 4, 6.25, 12.5];
  if (radii.length === 0 || radii.some((r) => !(r > 0))) throw new PhotometryError(`aperture radii must be > 0 (got ${radii.join(', ')})`);
  const iTot = opts.totalAperture ?? radii.reduce((best, r, i) => (Math.abs(r - 4) < Math.abs(radii[best] - 4) ? i : best), 0);
  if (!(iTot >= 0 && iTot < radii.length)) throw new PhotometryError(`totalAperture ${iTot} is not an index into ${radii.length} radii`);
  const totalMode = opts.total ?? 'kron';
  const kronSnrMin = opts.kronSnrMin ?? 10;

  // ---- target PSF (broadest)
  const withPsf = bands.filter((b) => b.psf);
  const homogenise = (opts.homogenise ?? true) && withPsf.length >= 2;
  let target: BandInput | undefined;
  if (opts.targetBand) {
    target = bands.find((b) => b.name === opts.targetBand);
    if (!target) throw new PhotometryError(`target band ${opts.targetBand} is not among the bands (${names.join(', ')})`);
    if (homogenise && !target.psf) throw new PhotometryError('target band has no PSF', target.name);
  } else if (withPsf.length) {
    let best = -1;
    for (const b of withPsf) {
      const r = halfLightRadius(b.psf!);
      if (r > best) { best = r; target = b; }
    }
  }
  const refBand = target ?? bands[0];
  log(`photometry: ${det.sources.length} sources, ${bands.length} bands, ${homogenise ? `PSF-matched to ${target!.name}` : 'no PSF matching'}`);
  const scales = bands.map(nJyScale);
  const matchTo = bands.map((b) => (homogenise && b.psf && b !== target ? target!.psf : undefined));
  const extraRadii = opts.noise?.extraRadii ?? [1, 1.5, 2, 3, 5, 8, 12, 16];
  const calRadii = [...new Set([...radii, ...extraRadii])].sort((a, b) => a - b);
  const n = opts.noise ?? {};
  const plan: BandPlan = {
    width, height, radii, iTot, calRadii, rescaleCell: n.rescaleCell ?? 128, background: backgroundSettings(opts.background, radii),
    noise: { nApertures: n.nApertures, buffer: n.buffer, seed: n.seed, depthBins: n.depthBins, region: n.region }, kernel: opts.kernel,
    targetName: target?.name,
  };
  return { det, bands, opts, names, columns, plan, homogenise, target, refBand, scales, matchTo, totalMode, kronSnrMin };
}

/**
 * One band: nJy and variance → local noise equalisation → PSF matching (when `matchTo` is given) →
 * empty-aperture calibration → circular and Kron apertures of every source. Pure: the same inputs give
 * the same bytes in any thread.
 */
export function measureBand(
  b: BandPixels, s: number, matchTo: Psf | undefined, sources: DetectionSource[], seg: Int32Array, plan: BandPlan,
  log: (msg: string) => void = () => {}, select?: (x: number, y: number) => boolean,
): BandMeasurement {
  const { width, height, radii, iTot, calRadii } = plan;
  const npx = width * height;
  const ns = sources.length;
  let data: Float32Array = new Float32Array(npx);
  for (let i = 0; i < npx; i++) data[i] = b.image.data[i] * s;
  let variance: Float32Array = new Float32Array(npx);
  let sigmaPix: number;
  if (b.err) {
    for (let i = 0; i < npx; i++) {
      const e = b.err.data[i] * s;
      variance[i] = e > 0 && Number.isFinite(e) ? e * e : NaN;
    }
    let ns7 = 0;
    const sig = new Float64Array(Math.ceil(npx / 7));
    for (let i = 0; i < npx; i += 7) if (variance[i] > 0) sig[ns7++] = Math.sqrt(variance[i]);
    const sorted = sig.subarray(0, ns7).sort(); // typed-array sort: numeric ascending
    sigmaPix = ns7 ? sorted[Math.floor(ns7 / 2)] : NaN;
  } else {
    // constant per-pixel σ from the blank-sky pixels (NMAD), correlated-noise factor fixes the rest
    const sky: number[] = [];
    for (let i = 0; i < npx; i += 3) if (seg[i] === 0 && data[i] === data[i]) sky.push(data[i]);
    sigmaPix = nmad(sky);
    if (!(sigmaPix > 0)) throw new PhotometryError('cannot estimate the pixel noise (no blank finite pixels); give an error map', b.name);
    variance.fill(sigmaPix * sigmaPix);
    for (let i = 0; i < npx; i++) if (data[i] !== data[i]) variance[i] = NaN;
  }
  // pixels without a valid error (zero weight, NaN) are bad data too: NaN them so that neither the
  // convolution nor the apertures use their values
  for (let i = 0; i < npx; i++) if (!(variance[i] > 0)) { data[i] = NaN; variance[i] = NaN; }
  const bg = plan.background;
  let mask: Uint8Array | undefined;
  let meshBackground: BandMeasurement['meshBackground'] = null;
  if (bg.mode === 'mesh' || bg.mode === 'local') {
    mask = sourceMask(seg, data, width, height, bg.maskGrow);
    const r = subtractMeshBackground(data, width, height, mask, bg);
    meshBackground = { min: r.min, max: r.max, globalBack: r.globalBack, globalRms: r.globalRms, nBadMeshes: r.nBadMeshes };
    log(`  ${b.name}: mesh background ${bg.meshSize} px subtracted (${r.min.toExponential(2)} … ${r.max.toExponential(2)} nJy/px)`);
  }
  const cell = plan.rescaleCell;
  const rescale = cell > 0 ? rescaleVarianceLocally(data, variance, seg, width, height, cell) : null;
  let kernelSize: number | undefined;
  if (matchTo && b.psf) {
    const kernel = matchingKernel(b.psf, matchTo, plan.kernel);
    kernelSize = kernel.size;
    // data ⊗ K and variance ⊗ K² in one pass (one complex FFT per tile)
    [data, variance] = convolveImagePair(data, variance, width, height, kernel, squaredKernel(kernel));
    log(`  ${b.name}: PSF-matched to ${plan.targetName} (kernel ${kernel.size}×${kernel.size})`);
  }
  const noise = calibrateEmptyApertures(data, variance, seg, width, height, {
    radii: calRadii, nApertures: plan.noise.nApertures, buffer: plan.noise.buffer, seed: plan.noise.seed,
    region: plan.noise.region, select, depthBins: plan.noise.depthBins,
  });
  const fac = radii.map((r) => {
    const f = noise.factor[calRadii.indexOf(r)];
    return Number.isFinite(f) ? f : noiseFactor(noise, Math.PI * r * r);
  });
  let sky = 0;
  if (bg.mode === 'empty-median') {
    const k = calRadii.reduce((best, r, i) => (Math.abs(r - 8) < Math.abs(calRadii[best] - 8) ? i : best), 0);
    const m = noise.median[k];
    if (Number.isFinite(m)) sky = m / (Math.PI * calRadii[k] * calRadii[k]);
  }
  log(`  ${b.name}: correlated-noise factor ${fac.map((f) => f.toFixed(2)).join(', ')} (α=${noise.alpha.toFixed(3)}, β=${noise.beta.toFixed(3)})`);
  const aper = radii.map(() => new Float64Array(ns));
  const aperErr = radii.map(() => new Float64Array(ns));
  const aperFlags = new Int32Array(ns);
  const kron = new Float64Array(ns).fill(NaN);
  const kronErr = new Float64Array(ns).fill(NaN);
  const kronCrowded = new Uint8Array(ns);
  const localSky = bg.mode === 'local' ? new Float64Array(ns) : undefined;
  const inner = bg.localInner ?? Math.max(16, 1.5 * Math.max(...radii));
  let localFac: number[] | undefined;
  let kronScale = 1;
  if (localSky) {
    // empty apertures measured exactly as the sources are: aperture − area × ring median
    localFac = calibrateLocalApertures(data, variance, mask!, width, height, radii, inner, bg.localWidth,
      plan.noise.nApertures ?? 1000, plan.noise.seed ?? 1, (x, y, r) => sumCircle(data, width, height, x, y, r, { variance }));
    localFac = localFac.map((f, j) => (Number.isFinite(f) ? f : fac[j]));
    const jMax = radii.indexOf(Math.max(...radii));
    kronScale = localFac[jMax] / fac[jMax];
    log(`  ${b.name}: local annulus ${inner}–${inner + bg.localWidth} px, calibrated factor ${localFac.map((f) => f.toFixed(2)).join(', ')}`);
  }
  sources.forEach((src, i) => {
    if (!(Number.isFinite(src.x) && Number.isFinite(src.y))) {
      radii.forEach((_, j) => { aper[j][i] = NaN; aperErr[j][i] = NaN; });
      aperFlags[i] |= PHOT_FLAG_UNMEASURED;
      return;
    }
    let skyHere = sky;
    if (localSky) {
      const ann = annulusMedian(data, width, height, mask!, src.x, src.y, inner, bg.localWidth);
      // too few free ring pixels (crowded): fall back to the mesh-subtracted value (sky 0)
      if (Number.isFinite(ann.median)) skyHere = ann.median;
      localSky[i] = skyHere;
    }
    radii.forEach((r, j) => {
      const res = sumCircle(data, width, height, src.x, src.y, r, { variance });
      if (res.flags & 0x0040 /* ALLMASKED */) {
        aper[j][i] = NaN; aperErr[j][i] = NaN;
        if (j === iTot) aperFlags[i] |= PHOT_FLAG_UNMEASURED;
        return;
      }
      aper[j][i] = res.sum - skyHere * res.area;
      // depth class of this aperture (noise.depthLogVar): the factor varies with depth on real mosaics
      const dr = depthRatio(noise, calRadii.indexOf(r), res.area > 0 ? res.sumVar / res.area : NaN);
      aperErr[j][i] = Math.sqrt(res.sumVar) * (localFac ? localFac[j] : fac[j]) * dr;
      if (j === iTot) {
        if (res.flags & 0x0010) aperFlags[i] |= PHOT_FLAG_TRUNCATED;
        if (res.flags & 0x0020) aperFlags[i] |= PHOT_FLAG_MASKED;
      }
    });
    if (hasKron(src)) {
      // Kron ellipse of the detection, other segments left out and the sum scaled to the full area
      const res = sumEllipse(data, width, height, src.x, src.y, src.a, src.b, src.theta, src.kronRadius,
        { variance, seg, segId: src.id, maskMode: 'ignore' });
      const full = Math.PI * src.a * src.b * src.kronRadius * src.kronRadius;
      const frac = full > 0 ? res.area / full : 0;
      if (frac < 0.9) kronCrowded[i] = 1;
      if (frac > 0) {
        kron[i] = (res.sum - skyHere * res.area) / frac;
        kronErr[i] = (Math.sqrt(res.sumVar) / frac) * noiseFactor(noise, full) * kronScale;
      }
    }
  });
  return { name: b.name, aper, aperErr, aperFlags, kron, kronErr, kronCrowded, noise, sigmaPix, sky, rescale, kernelSize,
    meshBackground, ...(localSky ? { localSky, localFactor: localFac } : {}) };
}

function backgroundSettings(o: ForcedPhotometryOptions['background'], radii: number[]): BackgroundSettings {
  const s: BackgroundSettings = { ...DEFAULT_BACKGROUND, ...(typeof o === 'string' ? { mode: o } : (o ?? {})) };
  if (!['mesh', 'local', 'empty-median', 'none'].includes(s.mode)) throw new PhotometryError(`background must be mesh, local, empty-median or none (got ${String(s.mode)})`);
  if (!(s.meshSize >= 4) || !(s.filterSize >= 1) || !(s.maskGrow >= 0) || !(s.localWidth > 0) || (s.localInner !== undefined && !(s.localInner > 0))) {
    throw new PhotometryError(`invalid background settings ${JSON.stringify(s)}`);
  }
  if (s.localInner === undefined && s.mode === 'local') s.localInner = Math.max(16, 1.5 * Math.max(...radii));
  return s;
}

/** EE models (main thread: they hold closures), totals, magnitudes and metadata. */
export function assembleCatalogue(job: PhotometryJob, measured: BandMeasurement[]): Catalogue {
  const { det, bands, opts, names, columns, plan, homogenise, target, refBand, totalMode, kronSnrMin } = job;
  const { radii, iTot } = plan;
  const rTot = radii[iTot];
  const results: BandResult[] = measured.map((m, k) => {
    const b = bands[k];
    const psf = job.matchTo[k] ? target!.psf : b.psf;
    const ee = eeModel({ psf, table: opts.eeTable,
      band: homogenise && psf === target?.psf ? target!.name : b.name, pixelScale: opts.pixelScale });
    return { ...m, ee };
  });

  // ---- totals
  const ref = results[bands.indexOf(refBand)];
  const rows: CatalogueRow[] = [];
  det.sources.forEach((src, i) => {
    let flags = src.flags | 0;
    for (const r of results) flags |= r.aperFlags[i];
    // extendedness X ≥ 1: how much more light the Kron ellipse holds than for a point source
    let X = 1;
    if (totalMode === 'kron' && hasKron(src)) {
      if (ref.kronCrowded[i]) flags |= PHOT_FLAG_KRON_CROWDED;
      const fa = ref.aper[iTot][i], ea = ref.aperErr[iTot][i], fk = ref.kron[i];
      if (!ref.kronCrowded[i] && Number.isFinite(fk) && fa > 0 && fa / ea >= kronSnrMin) {
        const ratioPs = ref.ee.ellipse(src.a, src.b, src.theta, src.kronRadius) / ref.ee.circle(rTot);
        X = Math.max(1, fk / fa / ratioPs);
      }
    }
    const [ra, dec] = opts.pixelToSky ? opts.pixelToSky(src.x, src.y) : [NaN, NaN];
    const row: CatalogueRow = {
      id: src.id, x: src.x, y: src.y, ra, dec, a: src.a, b: src.b, theta: src.theta,
      kron_radius: src.kronRadius, flags, snr_det: src.snr,
    };
    for (const r of results) {
      const C = X / r.ee.circle(rTot);
      const f = r.aper[iTot][i] * C;
      const e = r.aperErr[iTot][i] * C;
      row[`flux_${r.name}`] = f;
      row[`fluxerr_${r.name}`] = e;
      row[`mag_${r.name}`] = magAB(f);
      row[`magerr_${r.name}`] = magErrAB(f, e);
    }
    rows.push(row);
  });

  const meta = {
    apertureRadii: radii, totalAperture: iTot, total: totalMode, kronSnrMin,
    homogenised: homogenise, targetBand: target?.name ?? null, referenceBand: refBand.name,
    bands: results.map((r) => ({
      name: r.name, sigmaPix: r.sigmaPix, skyPerPixel: r.sky, background: plan.background.mode,
      meshBackground: r.meshBackground ?? null, localFactor: r.localFactor ?? null, eeModel: r.ee.describe, eeTotalAperture: r.ee.circle(rTot),
      kernelSize: r.kernelSize ?? null,
      pixelNoiseRescale: r.rescale ? { cell: r.rescale.cell, global: r.rescale.global,
        min: Math.min(...r.rescale.rho), max: Math.max(...r.rescale.rho) } : null,
      noise: { radii: r.noise.radii, factor: r.noise.factor, sigmaEmpty: r.noise.sigmaEmpty, median: r.noise.median, count: r.noise.count,
        alpha: r.noise.alpha, beta: r.noise.beta },
    })),
  };
  const apertures: ApertureFluxes = { radii, flux: {}, fluxErr: {}, kron: {}, kronErr: {} };
  for (const r of results) {
    apertures.flux[r.name] = r.aper; apertures.fluxErr[r.name] = r.aperErr;
    apertures.kron[r.name] = r.kron; apertures.kronErr[r.name] = r.kronErr;
  }
  return { bands: names, columns, rows, meta, apertures };
}


function hasKron(s: DetectionSource): boolean {
  return s.a > 0 && s.b > 0 && s.kronRadius > 0 && Number.isFinite(s.a + s.b + s.kronRadius + s.theta) &&
    Number.isFinite(s.x) && Number.isFinite(s.y);
}
