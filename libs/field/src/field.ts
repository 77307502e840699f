// The field format on disk (docs/field-format.md): loading and validating a field directory, and
// reading one band's exposure stack. Errors are FieldError with the file and the problem.
// This module is the one definition of the format and of "same pixel grid" (sameGrid below).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { readFits, ZERO_POINT_KEYS, type Header, type Image, type ImageHdu } from '@asteris/fits';

/** `kind` of a field.json that is a simulation spec (libs/sim generates the field from it). */
export const SPEC_KIND = 'asteris-field-spec';
/** The field description file of a field directory. */
export const FIELD_JSON = 'field.json';
/** Per-band empirical PSFs of a field (written by `asteris psf`): psf/<BAND>.fits. */
export const PSF_DIR = 'psf';

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
  /** true when field.json gives `unit` (then used for exposures whose header lacks BUNIT) */
  unitGiven?: boolean;
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
  /** read-noise variance maps (JWST `VAR_RNOISE`, units of SCI²) where present: the co-add's weights (docs/field-format.md) */
  varRnoise?: (Image | null)[];
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
  return readdirSync(d).filter((f) => /\.fits(\.gz)?$/i.test(f) && !f.startsWith('.')).sort(naturalCompare).map((f) => join(d, f));
}

/** Natural order (exp2 before exp10), the order of the ASTERIS reference and our trainer (issue #14). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Image size (NAXIS1, NAXIS2) of an exposure's science HDU. */
export function exposureShape(file: string): { width: number; height: number } {
  let hdus;
  try { hdus = readFits(file); } catch (e) { throw new FieldError(`cannot read exposure: ${(e as Error).message}`, file); }
  const sci = pickHdu(hdus, 'SCI') ?? (hdus.find((x) => x.kind === 'image' && x.data) as ImageHdu | undefined);
  if (!sci) throw new FieldError('no image data (expected a SCI extension or an image in the primary HDU)', file);
  return { width: sci.shape[0] ?? 0, height: sci.shape[1] ?? 1 };
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
    // Documented PSF order (docs/field-format.md): bands[].psf, then psf/<BAND>.fits, then the built-in model.
    if (!psfFile && existsSync(join(dir, PSF_DIR, `${bname}.fits`))) psfFile = join(dir, PSF_DIR, `${bname}.fits`);
    if (bb.unit !== undefined && (typeof bb.unit !== 'string' || !bb.unit)) throw new FieldError(`bands[${i}].unit must be a non-empty string, got ${JSON.stringify(bb.unit)}`, fj);
    if (bb.zeropoint !== undefined && (typeof bb.zeropoint !== 'number' || !Number.isFinite(bb.zeropoint))) {
      throw new FieldError(`bands[${i}].zeropoint must be a number (AB magnitude of one data unit), got ${JSON.stringify(bb.zeropoint)}`, fj);
    }
    const unit = typeof bb.unit === 'string' && bb.unit ? bb.unit : 'MJy/sr';
    const zp = typeof bb.zeropoint === 'number' ? bb.zeropoint : undefined;
    return { name: bname, exposures, psfFile, psfSource: typeof bb.psfSource === 'string' ? bb.psfSource : undefined, unit, unitGiven: typeof bb.unit === 'string', zeropoint: zp,
      depth5sigma: typeof bb.depth5sigma === 'number' ? bb.depth5sigma : undefined };
  });
  for (const k of ['width', 'height'] as const) {
    if (meta[k] !== undefined && !(typeof meta[k] === 'number' && Number.isInteger(meta[k]) && (meta[k] as number) > 0)) throw new FieldError(`${k} must be a positive integer (pixels), got ${JSON.stringify(meta[k])}`, fj);
  }
  // width/height come from the FITS (NAXIS1/2 of the first exposure); field.json's, when given, must agree.
  let width = meta.width as number | undefined;
  let height = meta.height as number | undefined;
  const first = bands.find((b) => b.exposures.length)?.exposures[0];
  if (first && (width === undefined || height === undefined)) {
    const shape = exposureShape(first);
    width ??= shape.width;
    height ??= shape.height;
  }
  let truthFile: string | undefined;
  const t = typeof meta.truth === 'string' ? meta.truth : 'truth.csv';
  if (existsSync(join(dir, t))) truthFile = join(dir, t);
  return {
    dir, name, pixelScale, bands,
    width, height,
    truthFile, simulated: meta.simulated === true, meta,
  };
}

const WCS_KEYS = ['CRVAL1', 'CRVAL2', 'CRPIX1', 'CRPIX2', 'CD1_1', 'CD1_2', 'CD2_1', 'CD2_2', 'CDELT1', 'CDELT2', 'PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'];

export function wcsSignature(h: Header): number[] { return WCS_KEYS.map((k) => h.getNumber(k) ?? NaN); }

/**
 * The one definition of "same pixel grid": equal shape and equal WCS (CRPIX within 1e-3 px, the other
 * keywords within 1e-7 relative). Returns the difference, or undefined when the grids agree.
 */
export function sameGrid(a: { width: number; height: number; wcs: number[] }, b: { width: number; height: number; wcs: number[] }): string | undefined {
  if (a.width !== b.width || a.height !== b.height) return `shape ${b.width}×${b.height} differs from ${a.width}×${a.height}`;
  const d = sameWcs(a.wcs, b.wcs);
  return d ? `WCS differs: ${d}` : undefined;
}

export function sameWcs(a: number[], b: number[]): string | undefined {
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
  const images: Image[] = [], errs: (Image | null)[] = [], dqs: (Int32Array | null)[] = [], vars: (Image | null)[] = [];
  let ref: { w: number; h: number; wcs: number[]; file: string; bunit?: string } | undefined;
  for (const file of band.exposures) {
    let hdus;
    try { hdus = readFits(file); } catch (e) { throw new FieldError(`cannot read exposure: ${(e as Error).message}`, file); }
    const sciHdu = pickHdu(hdus, 'SCI') ?? (hdus.find((x) => x.kind === 'image' && x.data) as ImageHdu | undefined);
    if (!sciHdu) throw new FieldError('no image data (expected a SCI extension or an image in the primary HDU)', file);
    const sci = toImage(sciHdu, file);
    if (!sci.data.some((v) => Number.isFinite(v))) throw new FieldError(`every pixel of band ${band.name}'s exposure is NaN (no valid data); remove it from the field`, file);
    // field.json's unit / zero point stand in for a header without BUNIT / a zero-point keyword.
    if (!sci.header.has('BUNIT') && band.unitGiven) sci.header.set('BUNIT', band.unit);
    if (band.zeropoint !== undefined && !sci.header.has('BUNIT') && !ZERO_POINT_KEYS.some((k) => sci.header.has(k))) sci.header.set(ZERO_POINT_KEYS[0], band.zeropoint);
    // inherit primary keywords the SCI header lacks (JWST puts FILTER etc. in the primary)
    const prim = hdus[0];
    if (prim !== sciHdu && prim.kind === 'image') {
      for (const k of ['FILTER', 'TELESCOP', 'INSTRUME', 'XPOSURE', 'EXPTIME', ...DITHER_KEYS]) {
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
    const varHdu = pickHdu(hdus, 'VAR_RNOISE');
    let vr: Image | null = null;
    if (varHdu) {
      vr = toImage(varHdu, file);
      if (vr.width !== sci.width || vr.height !== sci.height) throw new FieldError(`VAR_RNOISE shape ${vr.width}×${vr.height} differs from SCI ${sci.width}×${sci.height}`, file);
      if (!vr.data.some((v) => v > 0 && Number.isFinite(v))) throw new FieldError('VAR_RNOISE has no finite positive value (it is a variance, units of SCI²); remove the extension or fix it', file);
    }
    images.push(sci); errs.push(err); dqs.push(dq); vars.push(vr);
  }
  return { images, errs, dqs, ...(vars.some((v) => v) ? { varRnoise: vars } : {}) };
}

/** Header keywords of an exposure's dither on the aligned grid (docs/field-format.md "Dither offsets"). */
export const DITHER_KEYS = ['DITHX', 'DITHY'] as const;

/**
 * Integer dither offsets of a band's exposures for detector-frame self-calibration: sky pixel (x, y) of
 * exposure t was detector pixel (x + DITHX, y + DITHY), in pixels of the aligned grid (only differences
 * between exposures matter). Read from each exposure's SCI header (or its primary). Throws FieldError
 * naming the first file without them.
 */
export function exposureDithers(band: FieldBand, stack: ExposureStack): [number, number][] {
  return stack.images.map((im, t) => {
    const file = band.exposures[t] ?? band.name;
    const v = DITHER_KEYS.map((k) => im.header.get(k));
    if (v.some((q) => q === undefined || q === null)) {
      throw new FieldError(`self-calibration needs the exposure's dither offset on the aligned grid: header keywords ${DITHER_KEYS.join('/')} (integer pixels; sky pixel (x, y) was detector pixel (x + DITHX, y + DITHY)) are missing`, file);
    }
    if (v.some((q) => typeof q !== 'number' || !Number.isInteger(q))) throw new FieldError(`${DITHER_KEYS.join('/')} = ${v.map(String).join(', ')}: dither offsets must be integer pixels`, file);
    return v as [number, number];
  });
}

export type PsfChoice = { kind: 'source'; source: string } | { kind: 'file'; file: string } | { kind: 'builtin'; warning: string };

/**
 * The PSF of a band, in the documented order (docs/field-format.md): bands[].psfSource (simulated fields),
 * bands[].psf or psf/<BAND>.fits in the field (e.g. written by `asteris psf`), else the built-in model,
 * with a warning naming the band.
 */
export function resolvePsf(field: Field, bandName: string): PsfChoice {
  const b = field.bands.find((x) => x.name === bandName);
  if (!b) throw new FieldError(`band ${bandName} is not in the field`, join(field.dir, FIELD_JSON));
  // a generator's own model name other than the built-in one is described by the band's PSF file
  const foreignModel = b.psfSource?.startsWith('model:') && b.psfSource !== 'model:gauss+moffat';
  if (b.psfSource && !(foreignModel && b.psfFile)) return { kind: 'source', source: b.psfSource };
  if (b.psfFile) return { kind: 'file', file: b.psfFile };
  return { kind: 'builtin', warning: `${field.dir}: no PSF for band ${bandName} (neither bands[].psf nor ${PSF_DIR}/${bandName}.fits); using the built-in model` };
}
