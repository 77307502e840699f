// `asteris psf IMAGE [--err ERR | --wht WHT] --out psf/<BAND>.fits` (issue 13): empirical PSF of an image
// from its own unsaturated, isolated point sources (@asteris/photometry buildEpsf; docs/psf.md). Writes
// the detector-sampled PSF as the primary HDU (unit sum, centred, PIXELSCL = the image's pixel scale: what
// a field's psf/<BAND>.fits holds) and the oversampled ePSF as the 'OVERSAMP' extension.
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.ts';

export interface PsfCliOptions {
  out: string;
  err?: string;
  wht?: string;
  hdu?: string;
  oversample?: string;
  size?: string;
  snrMin?: string;
  maxStars?: string;
  saturation?: string;
  pixelScale?: string;
  band?: string;
  quiet?: boolean;
}

function num(v: string | undefined, name: string, ok: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name}: invalid value '${v}'`);
  return n;
}

export interface PsfCliResult { out: string; nStars: number; fwhmPx: number; fwhmArcsec: number; pixelScale: number; oversample: number; size: number }

export async function runPsf(image: string, o: PsfCliOptions, log: (m: string) => void = () => {}): Promise<PsfCliResult> {
  const fits = await import('@asteris/fits');
  const ph = await import('@asteris/photometry');
  if (o.err && o.wht) throw new UsageError('psf: give --err or --wht, not both');
  if (!/\.fits?$/i.test(o.out)) throw new UsageError(`--out must end in .fits (got '${o.out}')`);
  const oversample = num(o.oversample, 'oversample', (n) => Number.isInteger(n) && n >= 1 && n <= 4) ?? 2;
  const size = num(o.size, 'size', (n) => Number.isInteger(n) && n >= 7 && n % 2 === 1) ?? 35;
  const snrMin = num(o.snrMin, 'snr-min', (n) => n > 0);
  const maxStars = num(o.maxStars, 'max-stars', (n) => Number.isInteger(n) && n >= 3);
  const saturation = num(o.saturation, 'saturation', () => true);
  const hdu = o.hdu ? { hdu: /^\d+$/.test(o.hdu) ? Number(o.hdu) : o.hdu } : {};
  const img = fits.readImage(image, hdu);
  let wcs: InstanceType<typeof fits.Wcs> | undefined;
  try { wcs = fits.Wcs.fromHeader(img.header, image); } catch { wcs = undefined; }
  const pixelScale = num(o.pixelScale, 'pixel-scale', (n) => n > 0) ?? wcs?.pixelScaleArcsec();
  if (!pixelScale) throw new UsageError(`psf: ${image} has no WCS; give --pixel-scale (arcsec per pixel)`);
  let err: Float32Array | undefined;
  const noisePath = o.err ?? o.wht;
  if (noisePath) {
    const n = fits.readImage(noisePath);
    if (n.width !== img.width || n.height !== img.height) {
      throw new UsageError(`psf: ${noisePath} is ${n.width}×${n.height} but ${image} is ${img.width}×${img.height}`);
    }
    err = o.err ? Float32Array.from(n.data) : Float32Array.from(n.data, (w) => (w > 0 ? 1 / Math.sqrt(w) : NaN));
  }
  const r = ph.buildEpsf({ data: img.data, width: img.width, height: img.height },
    { err, oversample, size, snrMin, maxStars, saturation, log });
  const band = o.band ?? (img.header.get('FILTER') as string | undefined);
  const common = (h: InstanceType<typeof fits.Header>): void => {
    if (band) h.set('FILTER', String(band));
    h.set('PSFTYPE', 'EPSF', 'empirical PSF, asteris psf (docs/psf.md)');
    h.set('NSTARS', r.nStars, 'stars used');
    h.set('FWHMPIX', Number(r.fwhm.toFixed(4)), 'FWHM of the detector-sampled PSF (image pixels)');
    h.set('FWHMAS', Number((r.fwhm * pixelScale).toFixed(5)), 'FWHM (arcsec)');
    h.set('EPSFOS', oversample, 'oversampling of the OVERSAMP extension');
    h.set('SRCIMG', image.length > 60 ? image.slice(-60) : image);
  };
  const h0 = new fits.Header();
  h0.set('PIXELSCL', pixelScale, 'arcsec per pixel (the image grid)');
  h0.set('OVERSAMP', 1, 'detector-sampled');
  h0.set('NORMALIZ', 'unit sum');
  common(h0);
  const h1 = new fits.Header();
  h1.set('PIXELSCL', pixelScale / oversample, 'arcsec per fine-grid node');
  h1.set('OVERSAMP', oversample);
  h1.set('PIXINTEG', true, 'ePSF: already pixel-integrated; sample it, do not block-sum it');
  common(h1);
  mkdirSync(dirname(o.out) || '.', { recursive: true });
  fits.writeFits(o.out, [
    { header: h0, data: Float32Array.from(r.psf.data), shape: [size, size] },
    { name: 'OVERSAMP', header: h1, data: Float32Array.from(r.oversampled.data), shape: [r.oversampled.size, r.oversampled.size] },
  ]);
  return { out: o.out, nStars: r.nStars, fwhmPx: r.fwhm, fwhmArcsec: r.fwhm * pixelScale, pixelScale, oversample, size };
}

export function register(program: Command): void {
  program
    .command('psf')
    .description('build an empirical PSF (ePSF) from the point sources of an image; writes psf/<BAND>.fits for a field')
    .argument('<image>', 'image FITS (SCI extension or first image HDU)')
    .requiredOption('--out <psf.fits>', 'output PSF file, e.g. field/psf/F444W.fits')
    .option('--err <err.fits>', '1σ error map of the image')
    .option('--wht <wht.fits>', 'inverse-variance weight map of the image')
    .option('--hdu <name|index>', 'image HDU (default: SCI or the first image)')
    .option('--oversample <n>', 'fine-grid factor of the OVERSAMP extension, 1–4 (default 2)')
    .option('--size <px>', 'PSF stamp size in image pixels, odd (default 35)')
    .option('--snr-min <snr>', 'minimum S/N of a PSF star (default 100)')
    .option('--max-stars <n>', 'use at most this many stars (default 60)')
    .option('--saturation <value>', 'pixel value (image units) at or above which a star is saturated')
    .option('--pixel-scale <arcsec>', 'pixel scale when the image has no WCS')
    .option('--band <NAME>', 'FILTER keyword of the output (default: the image FILTER)')
    .option('--quiet', 'no progress messages')
    .action(async (image: string, o: PsfCliOptions) => {
      const res = await runPsf(image, o, o.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`));
      process.stdout.write(`psf: ${res.nStars} stars, FWHM ${res.fwhmPx.toFixed(3)} px (${res.fwhmArcsec.toFixed(4)}″), ${res.size}×${res.size} at ${res.pixelScale}″/px + ${res.oversample}× oversampled → ${res.out}\n`);
    });
}
