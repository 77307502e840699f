// `asteris photometry --detect det.fits --band F115W=sci.fits[,err=|wht=…][,psf=…] … --out catalog.csv` (issue 4).
// Detection on one image, forced multiband photometry on the same apertures (docs/photometry.md).
import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { writeFileAtomic } from '@asteris/core';
import { UsageError } from '../errors.ts';

export interface PhotometryCliOptions {
  detect: string;
  band: string[];
  out: string;
  fits?: string;
  radii?: string;
  radiiArcsec?: string;
  totalAperture?: string;
  total?: string;
  target?: string;
  homogenise?: boolean;
  background?: string;
  eeTable?: string;
  nEmpty?: string;
  seed?: string;
  detectThresh?: string;
  minarea?: string;
  pixelScale?: string;
  meta?: boolean;
  threads?: string;
}

export interface BandSpec {
  name: string;
  sci: string;
  err?: string;
  wht?: string;
  psf?: string;
  psfscale?: number;
  psfplane?: number;
  hdu?: string;
  zp?: number;
}

const BAND_KEYS = new Set(['err', 'wht', 'psf', 'psfscale', 'psfplane', 'hdu', 'zp']);

/** Parses `NAME=sci.fits[,err=e.fits|,wht=w.fits][,psf=p.fits][,psfscale=″][,psfplane=k][,hdu=SCI][,zp=ZP]`. */
export function parseBandSpec(spec: string): BandSpec {
  const parts = spec.split(',');
  const first = parts[0].indexOf('=');
  if (first <= 0 || first === parts[0].length - 1) {
    throw new UsageError(`--band '${spec}': expected NAME=image.fits[,err=…|wht=…][,psf=…]`);
  }
  const b: BandSpec = { name: parts[0].slice(0, first).trim(), sci: parts[0].slice(first + 1).trim() };
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    const k = eq > 0 ? p.slice(0, eq).trim().toLowerCase() : '';
    const v = eq > 0 ? p.slice(eq + 1).trim() : '';
    if (!BAND_KEYS.has(k) || !v) throw new UsageError(`--band ${b.name}: unknown or empty option '${p}' (known: ${[...BAND_KEYS].join(', ')})`);
    if (k === 'psfscale' || k === 'psfplane' || k === 'zp') {
      const n = Number(v);
      if (!Number.isFinite(n) || (k === 'psfscale' && !(n > 0)) || (k === 'psfplane' && !(Number.isInteger(n) && n >= 0))) {
        throw new UsageError(`--band ${b.name}: invalid ${k} '${v}'`);
      }
      b[k] = n;
    } else {
      (b as unknown as Record<string, string>)[k] = v;
    }
  }
  if (b.err && b.wht) throw new UsageError(`--band ${b.name}: give err= or wht=, not both`);
  return b;
}

function numList(v: string | undefined, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  const out = v.split(',').map((s) => Number(s.trim()));
  if (!out.length || out.some((n) => !(n > 0 && Number.isFinite(n)))) throw new UsageError(`--${name}: expected positive numbers separated by commas (got '${v}')`);
  return out;
}

function num(v: string | undefined, name: string, check: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name}: invalid value '${v}'`);
  return n;
}

export async function runPhotometry(o: PhotometryCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<string[]> {
  const fits = await import('@asteris/fits');
  const ex = await import('@asteris/extract');
  const ph = await import('@asteris/photometry');
  if (!o.band?.length) throw new UsageError('give at least one --band NAME=image.fits');
  const specs = o.band.map(parseBandSpec);
  const radiiPx = numList(o.radii, 'radii');
  const radiiArcsec = numList(o.radiiArcsec, 'radii-arcsec');
  if (radiiPx && radiiArcsec) throw new UsageError('give --radii (pixels) or --radii-arcsec, not both');
  const total = o.total ?? 'kron';
  if (total !== 'kron' && total !== 'psf') throw new UsageError(`--total must be 'kron' or 'psf' (got '${o.total}')`);
  const background = o.background ?? 'mesh';
  if (!(ph.BACKGROUND_MODES as readonly string[]).includes(background)) throw new UsageError(`--background must be one of ${ph.BACKGROUND_MODES.join(', ')} (got '${background}')`);
  const nEmpty = num(o.nEmpty, 'n-empty', (n) => Number.isInteger(n) && n >= 50);
  const threads = num(o.threads, 'threads', (n) => Number.isInteger(n) && n >= 1);
  const seed = num(o.seed, 'seed', (n) => Number.isInteger(n) && n >= 0);
  const totalAperture = num(o.totalAperture, 'total-aperture', (n) => Number.isInteger(n) && n >= 0);
  const thresh = num(o.detectThresh, 'detect-thresh', (n) => n > 0);
  const minArea = num(o.minarea, 'minarea', (n) => Number.isInteger(n) && n > 0);
  if (!/\.(csv|fits)$/i.test(o.out)) throw new UsageError(`--out must end in .csv or .fits (got '${o.out}')`);

  // ---- detection
  const detSpec = parseBandSpec(`det=${o.detect}`);
  const det = fits.readImage(detSpec.sci, detSpec.hdu ? { hdu: detSpec.hdu } : {});
  let wcs: InstanceType<typeof fits.Wcs> | undefined;
  try { wcs = fits.Wcs.fromHeader(det.header, detSpec.sci); } catch { wcs = undefined; }
  const pixelScale = num(o.pixelScale, 'pixel-scale', (n) => n > 0) ?? wcs?.pixelScaleArcsec();
  const weight = detSpec.err
    ? { type: 'rms' as const, data: fits.readImage(detSpec.err).data }
    : detSpec.wht ? { type: 'weight' as const, data: fits.readImage(detSpec.wht).data } : undefined;
  const t0 = Date.now();
  const res = ex.extractSources(det, { threshold: thresh, minArea, weight, maps: false, file: detSpec.sci });
  log(`detection: ${res.sources.length} sources in ${detSpec.sci} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);

  // ---- bands
  const bands = specs.map((s) => {
    const image = fits.readImage(s.sci, s.hdu ? { hdu: s.hdu } : {});
    let err: typeof image | undefined;
    if (s.err) err = fits.readImage(s.err);
    if (s.wht) {
      const w = fits.readImage(s.wht);
      err = { ...w, data: Float32Array.from(w.data, (v) => (v > 0 ? 1 / Math.sqrt(v) : NaN)) };
    }
    if (err && (err.width !== image.width || err.height !== image.height)) {
      throw new ph.PhotometryError(`error map ${err.width}×${err.height} does not match the image ${image.width}×${image.height}`, s.name);
    }
    const psf = s.psf ? loadPsf(fits, ph, s, pixelScale) : undefined;
    const nJyPerUnit = s.zp !== undefined ? 10 ** (-0.4 * (s.zp - 31.4)) : undefined;
    if (nJyPerUnit === undefined) {
      try {
        fits.nJyPerPixelScale(image.header, s.sci);
      } catch (e) {
        throw new Error(`${s.sci}: cannot convert its pixel values to nJy (no usable BUNIT/PIXAR_SR or zero-point keyword); give the AB zero point in --band ${s.name}=${s.sci},zp=<AB zero point>`);
      }
    }
    return { name: s.name, image, err, psf, nJyPerUnit };
  });
  let eeTable;
  if (o.eeTable !== 'none') {
    const path = o.eeTable ?? ph.EE_TABLE_PATHS.LW;
    if (o.eeTable || existsSync(path)) eeTable = ph.loadEeTable(path);
  }
  const apertureRadii = radiiPx ?? (radiiArcsec
    ? radiiArcsec.map((r) => {
      if (!pixelScale) throw new UsageError('--radii-arcsec needs a WCS in the detection image or --pixel-scale');
      return Math.round((r / pixelScale) * 1e6) / 1e6;
    })
    : pixelScale ? [0.1, 0.16, 0.25, 0.5].map((r) => Math.round((r / pixelScale) * 1e6) / 1e6) : undefined);
  const t1 = Date.now();
  // the photometry stage's own measurement (config checked by its schema; bands on a pool of worker
  // threads, same bytes as one thread; small jobs stay on this thread)
  const config: import('@asteris/photometry').PhotometryConfig = {
    ...(apertureRadii ? { apertureRadii } : {}), ...(totalAperture !== undefined ? { totalAperture } : {}), total,
    ...(o.homogenise !== undefined ? { homogenise: o.homogenise } : {}), ...(o.target ? { targetBand: o.target } : {}),
    background: background as (typeof ph.BACKGROUND_MODES)[number],
    ...(nEmpty !== undefined || seed !== undefined ? { noise: { ...(nEmpty !== undefined ? { nApertures: nEmpty } : {}), ...(seed !== undefined ? { seed } : {}) } } : {}),
  };
  log(`photometry: background ${background}\n`);
  const cat = await ph.measurePhotometry(res, bands, config, {
    pixelScale, eeTable, pixelToSky: wcs ? (x, y) => wcs!.pixelToSky(x, y) : undefined, log: (m) => log(`${m}\n`),
    threads: threads ?? defaultThreads(),
  });
  log(`photometry: ${cat.rows.length} sources × ${bands.length} bands (${((Date.now() - t1) / 1000).toFixed(1)} s)\n`);

  // Each file is written atomically; if any of them fails, the ones already written are removed so
  // that no incomplete set of products is left behind.
  const written: string[] = [];
  try {
    if (/\.fits$/i.test(o.out)) ph.writeCatalogueFits(o.out, cat);
    else ph.writeCatalogueCsv(o.out, cat);
    written.push(o.out);
    if (o.fits) { ph.writeCatalogueFits(o.fits, cat); written.push(o.fits); }
    if (o.meta !== false) {
      const metaPath = o.out.replace(/\.(csv|fits)$/i, '.meta.json');
      writeFileAtomic(metaPath, JSON.stringify({ detect: o.detect, inputs: specs, ...cat.meta }, null, 2) + '\n');
      written.push(metaPath);
    }
  } catch (err) {
    for (const f of written) rmSync(f, { force: true });
    throw err;
  }
  log(`wrote ${written.join(', ')}\n`);
  return written;
}

/** 2 threads unless the machine is already busy (1-min load average above the core count), as before. */
function defaultThreads(): number {
  const cores = availableParallelism();
  return loadavg()[0] > cores ? 1 : Math.min(2, cores);
}

type FitsMod = typeof import('@asteris/fits');
type PhotMod = typeof import('@asteris/photometry');

/** PSF file → stamp on the image grid: plane `psfplane` of a cube, resampled when its pixel scale differs. */
function loadPsf(fits: FitsMod, ph: PhotMod, s: BandSpec, imageScale: number | undefined) {
  const hdu = fits.readFits(s.psf!).find((h) => h.kind === 'image' && h.data) as import('@asteris/fits').ImageHdu | undefined;
  if (!hdu) throw new ph.PhotometryError('no image data in the PSF file', s.name, s.psf);
  const [w, h] = hdu.shape;
  const planes = hdu.shape.slice(2).reduce((a, b) => a * b, 1);
  const k = s.psfplane ?? 0;
  if (k >= planes) throw new ph.PhotometryError(`psfplane ${k} but the PSF file has ${planes} plane(s)`, s.name, s.psf);
  const data = Float32Array.from(hdu.data!.subarray(k * w * h, (k + 1) * w * h));
  const fov = hdu.header.getNumber('FOV');
  const psfScale = s.psfscale ?? hdu.header.getNumber('PIXELSCL') ?? (fov && w ? fov / w : undefined) ?? imageScale;
  if (w === h && w % 2 === 1 && (!psfScale || !imageScale || Math.abs(psfScale / imageScale - 1) < 0.01)) {
    return { data: Float64Array.from(data), size: w };
  }
  if (!psfScale || !imageScale) {
    throw new ph.PhotometryError('PSF stamp is not square and odd-sized, and its pixel scale is unknown (give psfscale=)', s.name, s.psf);
  }
  let size = Math.round((Math.max(w, h) * psfScale) / imageScale);
  if (size % 2 === 0) size -= 1;
  return ph.resamplePsf(data, w, h, psfScale, Math.max(3, size), imageScale);
}

export function register(program: Command): void {
  program
    .command('photometry')
    .description('detect sources on one image and measure forced, PSF-matched multiband photometry (catalogue CSV/FITS)')
    .requiredOption('--detect <spec>', 'detection image: det.fits[,err=rms.fits|,wht=wht.fits][,hdu=SCI]')
    .requiredOption('--band <spec...>', 'one per band: NAME=sci.fits[,err=…|,wht=…][,psf=psf.fits][,psfscale=″/px][,psfplane=k][,hdu=…][,zp=AB]')
    .requiredOption('--out <catalog.csv|catalog.fits>', 'output catalogue (a .meta.json with the noise calibration is written next to it)')
    .option('--fits <catalog.fits>', 'also write the catalogue as a FITS table')
    .option('--radii <px,...>', 'circular aperture radii in pixels')
    .option('--radii-arcsec <r,...>', 'circular aperture radii in arcsec (default 0.1,0.16,0.25,0.5)')
    .option('--total-aperture <index>', 'which radius is scaled to total flux (default: the one closest to 4 px)')
    .option('--total <kron|psf>', "total-flux method (default 'kron')")
    .option('--target <band>', 'PSF-matching target band (default: the broadest PSF)')
    .option('--no-homogenise', 'do not PSF-match the bands')
    .option('--background <mesh|local|empty-median|none>', "sky subtraction: mesh (SExtractor-style masked mesh background, the default), local (mesh + annulus median per source, BACKPHOTO_TYPE LOCAL), empty-median (one constant per band), none (already subtracted)")
    .option('--ee-table <path|none>', 'encircled-energy table: a path, LW, SW or none (default: the bundled ETC v2 LW table)')
    .option('--n-empty <n>', 'empty apertures per radius for the noise calibration (default 1000)')
    .option('--seed <n>', 'random seed of the empty apertures (default 1)')
    .option('--detect-thresh <sigma>', 'detection threshold in σ (default 1.5)')
    .option('--minarea <px>', 'minimum detection area (default 5)')
    .option('--pixel-scale <arcsec>', 'pixel scale when the detection image has no WCS')
    .option('--no-meta', 'do not write the .meta.json sidecar')
    .option('--threads <n>', 'worker threads for the bands (default 2 for big jobs on a machine that is not busy; 1 = single-threaded; same bytes either way)')
    .action(async (o: PhotometryCliOptions) => { await runPhotometry(o); });
}
