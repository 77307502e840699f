// Source injection into an existing field (real or mock): the instrument for completeness, purity and
// effective volumes. The same artificial sources (positions, shapes, SED-consistent fluxes) are added
// to every exposure of every band; pixels away from them are left bit-for-bit unchanged. Noise is not
// added (sources are noiseless, as in standard injection–recovery; the background noise is the field's).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readFits, writeFits, nJyPerPixelScale, Wcs, type Hdu, type WriteHdu } from '@asteris/fits';
import { abMagFromNJy, defaultCosmology, nJyFromAbMag } from '@asteris/astro';
import { loadField, FieldError, type Field } from '@asteris/field';
import { makeHighz } from './populations.ts';
import { fileKernel, modelKernel, psfKernel, REPO_ROOT, type PsfKernel } from './psf/kernel.ts';
import { renderScene, type RenderSource } from './render.ts';
import { Rng, toCsv, writeFileAtomic, TMP_MARK } from '@asteris/core';
import { resolveOversample } from './simulate.ts';
import { fmt } from './truth.ts';
import { pixelPsf } from './bandjob.ts';

export type InjectKind = 'point' | 'sersic' | 'highz';

export interface InjectOptions {
  n: number;
  /** Magnitude range [bright, faint]: AB in every band (flat f_ν) for point/sersic; apparent rest-1500 Å for highz. */
  mag: [number, number];
  kind: InjectKind;
  seed?: number;
  /** Redshift range for 'highz' (default 8.5–17). */
  zRange?: [number, number];
  /** UV slope for 'highz': mean and σ (default −2.2 ± 0.25). */
  beta?: [number, number];
  /**
   * 'highz' nebular lines: median rest-frame EW (Å) of [OIII]λλ4960,5008 + Hβ, drawn log-normal with 0.2 dex
   * scatter, Hα at 0.8× (the simulator's high-z recipe, sed.ts). Default 0: continuum only. At z 8.5–9.5 the
   * lines sit in F444W/F410M and brighten what a line-emitting population is detected in (issue 15).
   */
  ewOiiiHb?: number;
  /** Keep sources this many pixels from the edge (default 10). */
  margin?: number;
  /** Half-light radius range for 'sersic' (arcsec, log-uniform; default 0.03–0.3). */
  reRange?: [number, number];
  /** Sub-pixel oversampling used for rendering (default 'auto', as in simulateField). */
  oversample?: number | 'auto';
  /** Explicit sources instead of random ones (x, y in pixels; fluxes per band in nJy). */
  sources?: InjectedSource[];
}

export interface InjectedSource {
  id: number; kind: InjectKind; x: number; y: number; ra: number; dec: number;
  z: number; muv: number; mag: number; re: number; n: number; q: number; pa: number;
  flux: Record<string, number>;
}

export interface InjectResult { field: Field; sources: InjectedSource[]; listFile: string }

/**
 * The pixel-integrated PSF of a field band at sampling `pitch` (normally field.pixelScale): the PSF the
 * field used (recorded psfSource), else its PSF file, else the default for the band, integrated over
 * each `pitch` cell (exact, see pixelPsf); odd size, centred, unit sum. For photometry / aperture corrections.
 */
export function bandPsf(field: Field, bandName: string, pitch: number = field.pixelScale): PsfKernel {
  const k = renderPsf(field, bandName, pitch);
  const pp = pixelPsf(k, pitch);
  return { ...k, data: Float64Array.from(pp.data), size: pp.size, pitch };
}

/** Point-sampled PSF kernel at `pitch` for rendering into a field band (see psf/kernel.ts). */
const BUILTIN_MODEL = 'model:gauss+moffat';

export function renderPsf(field: Field, bandName: string, pitch: number): PsfKernel {
  const b = field.bands.find((x) => x.name === bandName)!;
  const src = b.psfSource;
  // the built-in model only when it is the one recorded; another generator's model name (e.g. a test
  // generator's 'model:independent-sim') means the field's own PSF file describes it
  if (src === BUILTIN_MODEL) return modelKernel(bandName, pitch, radiusOf(field));
  if (src?.startsWith('model:') && !b.psfFile) {
    throw new FieldError(`band ${bandName}: psfSource '${src}' is not a model this program knows ('${BUILTIN_MODEL}') and the band has no PSF file`, join(field.dir, 'field.json'));
  }
  if (src?.startsWith('file:')) {
    const p = src.slice(5);
    const abs = p.startsWith('/') ? p : join(REPO_ROOT, p);
    if (existsSync(abs)) return fileKernel(bandName, abs, pitch, radiusOf(field));
  }
  // the file's own scale keywords first (an oversampled PSF file), the field's pixel scale only without them
  if (b.psfFile) return fileKernel(bandName, b.psfFile, pitch, radiusOf(field), undefined, field.pixelScale);
  return psfKernel(bandName, pitch, { radiusArcsec: radiusOf(field) });
}

function radiusOf(field: Field): number {
  const spec = field.meta.spec as { psfRadius?: number } | undefined;
  return spec?.psfRadius ?? 2.0;
}

function fieldGeometry(field: Field): { width: number; height: number; header: ReturnType<typeof readFits>[number]['header'] } {
  const hdus = readFits(field.bands[0].exposures[0]);
  const sci = hdus.find((h) => h.kind === 'image' && h.name.toUpperCase() === 'SCI' && h.data) ?? hdus.find((h) => h.kind === 'image' && h.data);
  if (!sci || sci.kind !== 'image') throw new FieldError('no image data', field.bands[0].exposures[0]);
  return { width: sci.shape[0], height: sci.shape[1], header: sci.header };
}

/** Draw the artificial sources (deterministic in seed). */
export function drawInjections(field: Field, width: number, height: number, pixToSky: (x: number, y: number) => [number, number], opts: InjectOptions): InjectedSource[] {
  const rng = new Rng((opts.seed ?? 1) ^ 0x6a09e667);
  const margin = opts.margin ?? 10;
  const bands = field.bands.map((b) => b.name);
  const [m1, m2] = opts.mag;
  if (!(m2 >= m1)) throw new RangeError(`--mag must be bright:faint, got ${m1}:${m2}`);
  if (!(opts.n >= 0 && Number.isInteger(opts.n))) throw new RangeError(`n must be a non-negative integer, got ${opts.n}`);
  const out: InjectedSource[] = [];
  const cosmo = defaultCosmology();
  const ctx = { spec: { populations: { highz: { betaMean: opts.beta?.[0] ?? -2.2, betaSigma: opts.beta?.[1] ?? 0.25, reKpc: 0.35, reSigmaDex: 0.2, ewOiiiHb: 0 } } } as never,
    bands, pixToSky, areaArcmin2: 0 };
  // line EWs from their own stream: with or without lines, the same positions, redshifts, magnitudes and shapes
  const ewRng = new Rng(((opts.seed ?? 1) ^ 0x3c6ef372) >>> 0);
  const [za, zb] = opts.zRange ?? [8.5, 17];
  const [ra1, ra2] = opts.reRange ?? [0.03, 0.3];
  for (let i = 0; i < opts.n; i++) {
    const x = rng.uniform(margin, width - 1 - margin), y = rng.uniform(margin, height - 1 - margin);
    const mag = rng.uniform(m1, m2);
    const [ra, dec] = pixToSky(x, y);
    if (opts.kind === 'highz') {
      const z = rng.uniform(za, zb);
      const muv = mag - cosmo.distanceModulus(z) + 2.5 * Math.log10(1 + z);
      const t = makeHighz(ctx, rng, z, muv, x, y, { ewOiiiHb: opts.ewOiiiHb ? ewRng.logNormal(opts.ewOiiiHb, 0.2) : 0 });
      out.push({ id: i + 1, kind: 'highz', x, y, ra, dec, z, muv, mag, re: t.re, n: 1, q: t.q, pa: t.pa, flux: t.flux });
    } else {
      const f = nJyFromAbMag(mag);
      const flux: Record<string, number> = {};
      for (const b of bands) flux[b] = f;
      const sersic = opts.kind === 'sersic';
      const re = sersic ? ra1 * Math.pow(ra2 / ra1, rng.random()) : 0;
      const n = sersic ? rng.uniform(0.5, 4) : NaN;
      out.push({ id: i + 1, kind: opts.kind, x, y, ra, dec, z: NaN, muv: NaN, mag, re, n, q: sersic ? rng.uniform(0.3, 1) : 1, pa: sersic ? rng.uniform(0, 180) : 0, flux });
    }
  }
  return out;
}

export function injectionCsv(list: readonly InjectedSource[], bands: readonly string[]): string {
  const head = ['id', 'kind', 'x', 'y', 'ra', 'dec', 'z', 'M_UV', 'mag_in', 're_arcsec', 'sersic_n', 'axis_ratio', 'pa_deg', ...bands.flatMap((b) => [`flux_${b}`, `mag_${b}`])];
  const rows: string[][] = [];
  for (const s of list) {
    const r = [String(s.id), s.kind, fmt(s.x, 4), fmt(s.y, 4), fmt(s.ra, 8), fmt(s.dec, 8), fmt(s.z, 4), fmt(s.muv, 4), fmt(s.mag, 4), fmt(s.re, 5), fmt(s.n, 3), fmt(s.q, 4), fmt(s.pa, 2)];
    for (const b of bands) { const f = s.flux[b]; r.push(fmt(f, 6), Number(fmt(f, 6)) > 0 ? fmt(abMagFromNJy(f), 4) : ''); }
    rows.push(r);
  }
  return toCsv(head, rows);
}

function toWriteHdus(hdus: Hdu[]): WriteHdu[] {
  return hdus.map((h) => h.kind === 'image'
    ? { header: h.header, name: h.index === 0 ? undefined : h.name, data: h.data, shape: h.data ? h.shape : undefined }
    : { header: h.header, name: h.name, table: h.columns as never });
}

/** The field and the resolved output directory of an injection; throws FieldError unless `outDir` differs from the field and is new or empty. */
export function checkInjectTarget(fieldDir: string, outDir: string): { field: Field; out: string } {
  const field = loadField(fieldDir);
  const out = resolve(outDir);
  if (out === field.dir) throw new FieldError('output directory must differ from the input field', out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new FieldError('output directory exists and is not empty', out);
  return { field, out };
}

/**
 * Inject sources into every exposure of `fieldDir`, writing a new field to `outDir` (field.json, exposures,
 * PSFs and truth copied; `injected.csv` lists the injections). `outDir` must differ from `fieldDir`.
 */
export function injectSources(fieldDir: string, outDir: string, opts: InjectOptions): InjectResult {
  const { field, out } = checkInjectTarget(fieldDir, outDir);
  const { width, height, header } = fieldGeometry(field);
  let pixToSky: (x: number, y: number) => [number, number] = () => [NaN, NaN];
  try {
    const w = Wcs.fromHeader(header);
    pixToSky = (x, y) => w.pixelToSky(x, y);
  } catch { /* no WCS: ra/dec left empty */ }
  const list = opts.sources ?? drawInjections(field, width, height, pixToSky, opts);
  // Everything is written into a temporary sibling that becomes `out` only when complete, so a bad
  // exposure (or a kill) never leaves a half-written field behind.
  const finalOut = out;
  const tmpOut = `${finalOut}${TMP_MARK}${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  mkdirSync(tmpOut, { recursive: true });
  try {
    writeInjectedField(tmpOut);
  } catch (err) {
    rmSync(tmpOut, { recursive: true, force: true });
    throw err;
  }
  if (existsSync(finalOut)) rmSync(finalOut, { recursive: true, force: true });
  renameSync(tmpOut, finalOut);
  return { field: loadField(finalOut), sources: list, listFile: join(finalOut, 'injected.csv') };

  function writeInjectedField(out: string): void {
  for (const band of field.bands) {
    const os = resolveOversample(opts.oversample ?? 'auto', band.name, field.pixelScale);
    const psf = renderPsf(field, band.name, field.pixelScale / os);
    const rs: RenderSource[] = list.map((s) => ({ x: s.x, y: s.y, flux: s.flux[band.name] ?? 0, point: s.kind === 'point' || !(s.re > 0), n: s.n, re: s.re / field.pixelScale, q: s.q, pa: s.pa }));
    const scene = renderScene(rs, width, height, os, psf);
    for (const file of band.exposures) {
      const hdus = readFits(file);
      const sci = hdus.find((h) => h.kind === 'image' && h.name.toUpperCase() === 'SCI' && h.data) ?? hdus.find((h) => h.kind === 'image' && h.data);
      if (!sci || sci.kind !== 'image' || !sci.data) throw new FieldError('no image data', file);
      if (sci.shape[0] !== width || sci.shape[1] !== height) throw new FieldError(`shape ${sci.shape.join('×')} differs from ${width}×${height}`, file);
      const scale = 1 / nJyPerPixelScale(sci.header, file); // file units per nJy/pixel
      const d = sci.data;
      for (let i = 0; i < d.length; i++) { const v = scene[i]; if (v !== 0) d[i] += v * scale; }
      sci.header.addHistory(`asteris inject: ${list.length} ${opts.kind} sources added (seed ${opts.seed ?? 1})`);
      const rel = relative(field.dir, file);
      const dst = rel.startsWith('..') ? join(out, band.name, file.split('/').pop()!) : join(out, rel);
      mkdirSync(dirname(dst), { recursive: true });
      writeFits(dst, toWriteHdus(hdus));
    }
    if (band.psfFile) {
      const rel = relative(field.dir, band.psfFile);
      const dst = rel.startsWith('..') ? join(out, 'psf', band.psfFile.split('/').pop()!) : join(out, rel);
      mkdirSync(dirname(dst), { recursive: true });
      copyFileSync(band.psfFile, dst);
    }
  }
  if (field.truthFile) copyFileSync(field.truthFile, join(out, relative(field.dir, field.truthFile)));
  const bands = field.bands.map((b) => b.name);
  const listFile = join(out, 'injected.csv');
  writeFileAtomic(listFile, injectionCsv(list, bands));
  const meta = JSON.parse(readFileSync(join(field.dir, 'field.json'), 'utf8'));
  meta.injected = { file: 'injected.csv', n: list.length, kind: opts.kind, mag: opts.mag, seed: opts.seed ?? 1, from: field.dir };
  // exposure lists written relative to the new directory
  if (Array.isArray(meta.bands)) {
    meta.bands = meta.bands.map((b: Record<string, unknown>) => {
      const fb = field.bands.find((x) => x.name === String(b.name).toUpperCase());
      if (!fb) return b;
      return { ...b, exposures: fb.exposures.map((f) => { const r = relative(field.dir, f); return r.startsWith('..') ? `${fb.name}/${f.split('/').pop()}` : r; }),
        ...(fb.psfFile ? { psf: (() => { const r = relative(field.dir, fb.psfFile!); return r.startsWith('..') ? `psf/${fb.psfFile!.split('/').pop()}` : r; })() } : {}) };
    });
  }
  writeFileAtomic(join(out, 'field.json'), JSON.stringify(meta, null, 2) + '\n');
  }
}
