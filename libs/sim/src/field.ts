// The field format on disk (docs/field-format.md): loading and validating a field directory, and
// reading one band's exposure stack. Errors are FieldError with the file and the problem.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { readFits, type Header, type Image, type ImageHdu } from '@asteris/fits';
import { SPEC_KIND } from './spec.ts';

export class FieldError extends Error {
  override name = 'FieldError';
  constructor(message: string, public file?: string) { super(file ? `${file}: ${message}` : message); }
}

export interface FieldBand {
  name: string;
  exposures: string[];      // absolute file paths, sorted
  psfFile?: string;         // absolute path
  psfSource?: string;       // e.g. 'model:gauss+moffat' or 'file:data/external/...'
  unit: string;             // BUNIT of the exposures, e.g. 'MJy/sr'
  zeropoint?: number;       // AB zero point of pixel values
  depth5sigma?: number;
}

export interface Field {
  dir: string;
  name: string;
  pixelScale: number;
  bands: FieldBand[];
  width?: number;
  height?: number;
  truthFile?: string;       // absolute path when present
  simulated: boolean;
  /** The parsed field.json (extra keys preserved). */
  meta: Record<string, unknown>;
}

export interface ExposureStack {
  images: Image[];
  errs: (Image | null)[];
  /** DQ arrays (JWST bits; 1 = DO_NOT_USE) where present. */
  dqs: (Int32Array | null)[];
}

/** True when `dir/field.json` is a simulation spec rather than a generated field. */
export function isFieldSpec(dir: string): boolean {
  const p = join(dir, 'field.json');
  if (!existsSync(p)) return false;
  try { return JSON.parse(readFileSync(p, 'utf8')).kind === SPEC_KIND; } catch { return false; }
}

function listExposures(dir: string, band: string): string[] {
  const d = join(dir, band);
  if (!existsSync(d) || !statSync(d).isDirectory()) return [];
  return readdirSync(d).filter((f) => /\.fits(\.gz)?$/i.test(f) && !f.startsWith('.')).sort().map((f) => join(d, f));
}

/** Load and validate `<dir>/field.json` (no pixel data is read). */
/**
 * Reads a field directory. Problems with the field as a whole throw FieldError. With `opts.problems`,
 * per-band problems (a listed exposure missing, a band without exposures, a missing PSF file) are
 * collected there instead, so that a caller can report every problem of a field at once.
 */
export function loadField(dirIn: string, opts: { problems?: string[] } = {}): Field {
  const collect = opts.problems;
  const problem = (msg: string, file: string): void => {
    const err = new FieldError(msg, file);
    if (collect) collect.push(err.message); else throw err;
  };
  const dir = resolve(dirIn);
  if (!existsSync(dir)) throw new FieldError('field directory does not exist', dir);
  if (!statSync(dir).isDirectory()) throw new FieldError('is not a directory (a field is a directory with field.json)', dir);
  const fj = join(dir, 'field.json');
  if (!existsSync(fj)) throw new FieldError('no field.json (not a field directory, or the simulation did not finish)', dir);
  let meta: Record<string, unknown>;
  try { meta = JSON.parse(readFileSync(fj, 'utf8')); } catch (e) { throw new FieldError(`not valid JSON (${(e as Error).message})`, fj); }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new FieldError('must contain a JSON object', fj);
  if (meta.kind === SPEC_KIND) {
    throw new FieldError(`is a simulation spec, not a field: generate it first (asteris simulate --spec ${fj} --out <dir>, or ensureField())`, fj);
  }
  const name = typeof meta.name === 'string' && meta.name ? meta.name : dir.split('/').pop() ?? 'field';
  const pixelScale = meta.pixelScale;
  if (typeof pixelScale !== 'number' || !(pixelScale > 0)) throw new FieldError(`pixelScale must be a positive number (arcsec/pixel), got ${JSON.stringify(pixelScale)}`, fj);
  if (!Array.isArray(meta.bands) || meta.bands.length === 0) throw new FieldError('bands must be a non-empty array', fj);
  const seen = new Set<string>();
  const bands: FieldBand[] = meta.bands.map((b: unknown, i: number) => {
    const bb = (typeof b === 'string' ? { name: b } : b) as Record<string, unknown>;
    if (!bb || typeof bb.name !== 'string' || !bb.name) throw new FieldError(`bands[${i}] needs a "name"`, fj);
    const bname = bb.name.toUpperCase();
    if (seen.has(bname)) throw new FieldError(`band ${bname} listed twice`, fj);
    seen.add(bname);
    let exposures: string[];
    if (Array.isArray(bb.exposures)) {
      exposures = bb.exposures.flatMap((e: unknown, k: number) => {
        if (typeof e !== 'string') throw new FieldError(`bands[${i}].exposures[${k}] must be a path string`, fj);
        const p = isAbsolute(e) ? e : join(dir, e);
        if (!existsSync(p)) { problem(`exposure listed for band ${bname} does not exist`, p); return []; }
        return [p];
      });
    } else {
      exposures = listExposures(dir, bb.name);
      if (!exposures.length && bname !== bb.name) exposures = listExposures(dir, bname);
    }
    if (!exposures.length) problem(`band ${bname} has no exposures (expected ${join(dir, bb.name)}/*.fits or an "exposures" list)`, fj);
    let psfFile: string | undefined;
    if (typeof bb.psf === 'string' && bb.psf) {
      psfFile = isAbsolute(bb.psf) ? bb.psf : join(dir, bb.psf);
      if (!existsSync(psfFile)) { problem(`PSF file for band ${bname} does not exist`, psfFile); psfFile = undefined; }
    }
    const unit = typeof bb.unit === 'string' && bb.unit ? bb.unit : 'MJy/sr';
    const zp = typeof bb.zeropoint === 'number' ? bb.zeropoint : undefined;
    return { name: bname, exposures, psfFile, psfSource: typeof bb.psfSource === 'string' ? bb.psfSource : undefined, unit, zeropoint: zp,
      depth5sigma: typeof bb.depth5sigma === 'number' ? bb.depth5sigma : undefined };
  });
  let truthFile: string | undefined;
  const t = typeof meta.truth === 'string' ? meta.truth : 'truth.csv';
  if (existsSync(join(dir, t))) truthFile = join(dir, t);
  return {
    dir, name, pixelScale, bands,
    width: typeof meta.width === 'number' ? meta.width : undefined,
    height: typeof meta.height === 'number' ? meta.height : undefined,
    truthFile, simulated: meta.simulated === true, meta,
  };
}

const WCS_KEYS = ['CRVAL1', 'CRVAL2', 'CRPIX1', 'CRPIX2', 'CD1_1', 'CD1_2', 'CD2_1', 'CD2_2', 'CDELT1', 'CDELT2', 'PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'];

function wcsSignature(h: Header): number[] { return WCS_KEYS.map((k) => h.getNumber(k) ?? NaN); }

function sameWcs(a: number[], b: number[]): string | undefined {
  for (let i = 0; i < WCS_KEYS.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (Number.isNaN(x) !== Number.isNaN(y)) return `${WCS_KEYS[i]} present in one exposure only`;
    const tol = WCS_KEYS[i].startsWith('CRPIX') ? 1e-3 : 1e-9 + 1e-7 * Math.abs(x);
    if (Math.abs(x - y) > tol) return `${WCS_KEYS[i]} differs (${y} vs ${x})`;
  }
  return undefined;
}

function pickHdu(hdus: ReturnType<typeof readFits>, name: string): ImageHdu | undefined {
  const h = hdus.find((x) => x.kind === 'image' && x.name.toUpperCase() === name && x.data);
  return h && h.kind === 'image' ? h : undefined;
}

function toImage(hdu: ImageHdu, file: string): Image {
  const [w, h] = [hdu.shape[0] ?? 0, hdu.shape[1] ?? 1];
  if (hdu.shape.slice(2).some((n) => n !== 1)) throw new FieldError(`${hdu.name || 'HDU ' + hdu.index} is ${hdu.shape.length}-D; exposures must be 2-D images`, file);
  const d = hdu.data!;
  return { width: w, height: h, data: d instanceof Float32Array ? d : Float32Array.from(d), header: hdu.header };
}

/**
 * Read all exposures of a band: SCI (or the first image HDU with data), optional ERR and DQ.
 * Checks that every exposure has the same shape and WCS, and that ERR/DQ match SCI.
 */
export function readExposureStack(band: FieldBand): ExposureStack {
  const images: Image[] = [], errs: (Image | null)[] = [], dqs: (Int32Array | null)[] = [];
  let ref: { w: number; h: number; wcs: number[]; file: string; bunit?: string } | undefined;
  for (const file of band.exposures) {
    let hdus;
    try { hdus = readFits(file); } catch (e) { throw new FieldError(`cannot read exposure: ${(e as Error).message}`, file); }
    const sciHdu = pickHdu(hdus, 'SCI') ?? (hdus.find((x) => x.kind === 'image' && x.data) as ImageHdu | undefined);
    if (!sciHdu) throw new FieldError('no image data (expected a SCI extension or an image in the primary HDU)', file);
    const sci = toImage(sciHdu, file);
    // inherit primary keywords the SCI header lacks (JWST puts FILTER etc. in the primary)
    const prim = hdus[0];
    if (prim !== sciHdu && prim.kind === 'image') {
      for (const k of ['FILTER', 'TELESCOP', 'INSTRUME', 'XPOSURE', 'EXPTIME']) {
        if (!sci.header.has(k) && prim.header.has(k)) sci.header.set(k, prim.header.get(k) as string | number | boolean | null);
      }
    }
    const wcs = wcsSignature(sci.header);
    const bunit = sci.header.getString('BUNIT');
    if (!ref) ref = { w: sci.width, h: sci.height, wcs, file, bunit };
    else {
      if (sci.width !== ref.w || sci.height !== ref.h) throw new FieldError(`shape ${sci.width}×${sci.height} differs from ${ref.w}×${ref.h} of ${ref.file}; all exposures must share one pixel grid`, file);
      const d = sameWcs(ref.wcs, wcs);
      if (d) throw new FieldError(`WCS does not match ${ref.file}: ${d}; all exposures must share one pixel grid`, file);
      if ((bunit ?? '') !== (ref.bunit ?? '')) throw new FieldError(`BUNIT '${bunit}' differs from '${ref.bunit}' in ${ref.file}`, file);
    }
    const filt = sci.header.getString('FILTER');
    if (filt && filt.toUpperCase() !== band.name.toUpperCase()) throw new FieldError(`FILTER = '${filt}' but the file is listed under band ${band.name}`, file);
    const errHdu = pickHdu(hdus, 'ERR');
    let err: Image | null = null;
    if (errHdu) {
      err = toImage(errHdu, file);
      if (err.width !== sci.width || err.height !== sci.height) throw new FieldError(`ERR shape ${err.width}×${err.height} differs from SCI ${sci.width}×${sci.height}`, file);
    }
    const dqHdu = pickHdu(hdus, 'DQ');
    let dq: Int32Array | null = null;
    if (dqHdu) {
      if ((dqHdu.shape[0] ?? 0) !== sci.width || (dqHdu.shape[1] ?? 1) !== sci.height) throw new FieldError(`DQ shape ${dqHdu.shape.join('×')} differs from SCI ${sci.width}×${sci.height}`, file);
      dq = Int32Array.from(dqHdu.data!);
    }
    images.push(sci); errs.push(err); dqs.push(dq);
  }
  return { images, errs, dqs };
}
