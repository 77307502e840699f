// One band of a simulated field: PSF → noiseless scene → N exposures written to disk one at a time
// (so memory stays bounded by a few images). Runs in a worker thread or in-process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Header, tanWcs, writeFits } from '@asteris/fits';
import { makeExposure, normaliseCorrelationKernel, type NoiseParams } from './noise.ts';
import { psfKernel, type PsfKernel } from './psf/kernel.ts';
import { addPointExact, renderScene, type RenderSource } from './render.ts';
import { deriveSeed, Rng } from '@asteris/core';

export interface WcsSpec { crval: [number, number]; crpix0: [number, number]; scaleArcsec: number; rotationDeg: number }

export interface BandJob {
  band: string;
  width: number; height: number;
  oversample: number;
  pixelScale: number;
  psf: { prefer?: 'real' | 'model'; file?: string; radiusArcsec: number };
  sources: RenderSource[];
  noise: Omit<NoiseParams, 'correlationKernel'> & { correlation?: number[][] };
  nexp: number;
  seed: number;
  outDir: string;           // field directory
  fieldName: string;
  wcs: WcsSpec;
  exptime: number;
  writePsf: boolean;
  extraCards?: Record<string, string | number | boolean>;
}

export interface BandResult {
  band: string;
  exposures: string[];       // relative to outDir
  psfFile?: string;          // relative to outDir
  psfSource: string;
  psfDescription: string;
  sigmaExp: number;          // nJy/pix
  skyNJy: number;
  timings: { psf: number; render: number; exposures: number };
}

/** MJy/sr per nJy/pixel for a pixel of solid angle `pixarSr`. */
export function mjysrPerNJy(pixarSr: number): number { return 1 / (pixarSr * 1e15); }

export function pixarSr(scaleArcsec: number): number { const r = (scaleArcsec / 3600) * (Math.PI / 180); return r * r; }

/** JWST-like header cards for a NIRCam exposure (jwst datamodels keyword names). */
export function exposureHeader(job: Pick<BandJob, 'band' | 'wcs' | 'exptime' | 'fieldName' | 'nexp' | 'pixelScale' | 'seed'>, index: number): Header {
  const h = new Header();
  const lw = ['F277W', 'F356W', 'F410M', 'F444W', 'F250M', 'F300M', 'F335M', 'F360M', 'F430M', 'F460M', 'F480M'].includes(job.band);
  const om = pixarSr(job.pixelScale);
  h.set('TELESCOP', 'JWST', 'telescope used to acquire the data');
  h.set('INSTRUME', 'NIRCAM', 'instrument used to acquire the data');
  h.set('DETECTOR', lw ? 'NRCALONG' : 'NRCA1', 'detector (simulated)');
  h.set('MODULE', 'A', 'NIRCam module');
  h.set('CHANNEL', lw ? 'LONG' : 'SHORT', 'NIRCam channel');
  h.set('FILTER', job.band, 'filter element');
  h.set('PUPIL', 'CLEAR', 'pupil element');
  h.set('EXPTYPE', 'NRC_IMAGE', 'exposure type');
  h.set('TARGNAME', job.fieldName, 'simulated field');
  h.set('EXPOSURE', index + 1, 'exposure number in this band');
  h.set('NEXPOSUR', job.nexp, 'number of exposures in this band');
  h.set('XPOSURE', job.exptime, '[s] effective exposure time');
  h.set('EXPTIME', job.exptime, '[s] exposure time');
  h.set('EFFEXPTM', job.exptime, '[s] effective exposure time');
  h.set('BUNIT', 'MJy/sr', 'physical units of the array values');
  h.set('PIXAR_SR', om, '[sr] nominal pixel area');
  h.set('PIXAR_A2', job.pixelScale * job.pixelScale, '[arcsec^2] nominal pixel area');
  h.set('PHOTMJSR', 1.0, 'data already in MJy/sr');
  h.set('ABZP', -6.10 - 2.5 * Math.log10(om), 'AB zero point of MJy/sr pixel values');
  h.set('ORIGIN', 'ASTERIS-SIM', 'simulated by libs/sim (asteris simulate)');
  h.set('SIMSEED', job.seed, 'simulation seed');
  const w = tanWcs({ crval: job.wcs.crval, crpix0: job.wcs.crpix0, scaleArcsec: job.wcs.scaleArcsec, rotationDeg: job.wcs.rotationDeg });
  w.toHeader(h);
  return h;
}

function sciName(band: string, i: number): string {
  return `${band}/${band.toLowerCase()}_exp${String(i + 1).padStart(2, '0')}.fits`;
}

/**
 * The pixel-integrated PSF at `pixelScale` (odd size, centred on the central pixel, unit sum): the
 * continuous PSF integrated over each pixel, i.e. an exactly rendered point source at a pixel centre.
 */
export function pixelPsf(k: PsfKernel, pixelScale: number): { data: Float32Array; size: number } {
  const radius = ((k.size - 1) / 2) * k.pitch;
  const half = Math.ceil(radius / pixelScale);
  const size = 2 * half + 1;
  const data = new Float32Array(size * size);
  addPointExact(data, size, size, half, half, 1, k, pixelScale, radius);
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  for (let i = 0; i < data.length; i++) data[i] /= s;
  return { data, size };
}

export function runBandJob(job: BandJob): BandResult {
  const t0 = performance.now();
  const pitch = job.pixelScale / job.oversample;
  const psf = psfKernel(job.band, pitch, { prefer: job.psf.prefer, file: job.psf.file, radiusArcsec: job.psf.radiusArcsec });
  const t1 = performance.now();
  const scene = renderScene(job.sources, job.width, job.height, job.oversample, psf);
  const t2 = performance.now();
  mkdirSync(join(job.outDir, job.band), { recursive: true });
  let psfFile: string | undefined;
  if (job.writePsf) {
    mkdirSync(join(job.outDir, 'psf'), { recursive: true });
    const pp = pixelPsf(psf, job.pixelScale);
    const h = new Header();
    h.set('FILTER', job.band, 'filter');
    h.set('PIXELSCL', job.pixelScale, '[arcsec] pixel scale of this PSF image');
    h.set('PSFSRC', psf.source.slice(0, 68), 'origin of the PSF');
    h.addComment(psf.description.slice(0, 2000));
    h.addComment('Normalised to unit sum; centred on the central pixel; pixel-integrated at the field pixel scale.');
    psfFile = `psf/${job.band}.fits`;
    writeFits(join(job.outDir, psfFile), [{ header: h, data: pp.data, shape: [pp.size, pp.size] }]);
  }
  const om = pixarSr(job.pixelScale);
  const k = mjysrPerNJy(om);
  const noise: NoiseParams = { ...job.noise, correlationKernel: job.noise.correlation ? normaliseCorrelationKernel(job.noise.correlation) : undefined };
  const exposures: string[] = [];
  for (let e = 0; e < job.nexp; e++) {
    const rng = new Rng(deriveSeed(job.seed, job.band, e));
    const { sci, err, dq, meta } = makeExposure(scene, job.width, job.height, noise, rng);
    for (let i = 0; i < sci.length; i++) { sci[i] *= k; err[i] *= k; }
    const hdr = exposureHeader(job, e);
    for (const [key, v] of Object.entries(job.extraCards ?? {})) hdr.set(key, v);
    hdr.set('SIMSKY', meta.skyLevel * k, '[MJy/sr] sky level of this exposure');
    hdr.set('SIMSKYSB', noise.subtractSky ? noise.sky * k : 0, '[MJy/sr] nominal sky subtracted from SCI');
    hdr.set('SIMSKYGX', meta.skyGx, 'fractional sky gradient along x (over the field)');
    hdr.set('SIMSKYGY', meta.skyGy, 'fractional sky gradient along y (over the field)');
    hdr.set('SIMGAIN', meta.gain, '[e-/nJy] photon-noise conversion');
    hdr.set('SIMRNOIS', meta.sigmaRead * k, '[MJy/sr] read-noise sigma');
    hdr.set('SIM1FNOI', meta.sigmaOneOverF * k, '[MJy/sr] 1/f striping sigma');
    hdr.set('SIMNCR', meta.nCosmicRays, 'cosmic-ray residuals added');
    hdr.set('SIMNHOT', meta.nHotPixels, 'hot pixels added');
    hdr.set('SIMNSNOW', meta.nSnowballs, 'snowballs added');
    const prim = new Header();
    for (const key of ['TELESCOP', 'INSTRUME', 'DETECTOR', 'MODULE', 'CHANNEL', 'FILTER', 'PUPIL', 'EXPTYPE', 'TARGNAME', 'EXPOSURE', 'NEXPOSUR', 'XPOSURE', 'EXPTIME', 'EFFEXPTM', 'ORIGIN', 'SIMSEED']) {
      const v = hdr.get(key);
      if (v !== undefined) prim.set(key, v as string | number | boolean | null);
    }
    const errH = hdr.clone();
    const dqH = new Header();
    dqH.set('BUNIT', 'UNITLESS');
    const rel = sciName(job.band, e);
    writeFits(join(job.outDir, rel), [
      { header: prim },
      { name: 'SCI', header: hdr, data: sci, shape: [job.width, job.height] },
      { name: 'ERR', header: errH, data: err, shape: [job.width, job.height] },
      { name: 'DQ', header: dqH, data: dq, shape: [job.width, job.height] },
    ]);
    exposures.push(rel);
  }
  const t3 = performance.now();
  return { band: job.band, exposures, psfFile, psfSource: psf.source, psfDescription: psf.description, sigmaExp: job.noise.sigmaExp, skyNJy: job.noise.sky,
    timings: { psf: t1 - t0, render: t2 - t1, exposures: t3 - t2 } };
}
