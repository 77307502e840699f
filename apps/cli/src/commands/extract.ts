// `asteris extract IMAGE… --out DIR` (issue 4): SExtractor-compatible source extraction (docs/extract.md).
// One image → detection and measurement on it; several images (each with --err/--wht) → detection on their
// inverse-variance-weighted (or χ-mean) stack, measurement on the stack. Writes DIR/catalogue.csv,
// DIR/segmentation.fits and, with --check-images, DIR/background.fits and DIR/rms.fits.
import type { Command } from 'commander';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { csvLine, writeAllSync, writeFileAtomicWith } from '@asteris/core';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

export interface ExtractCliOptions {
  out: string;
  hdu?: string;
  err?: string[];
  wht?: string[];
  var?: string[];
  weightImage?: string;
  weightType?: string;
  weightGain?: boolean;
  noiseKernel?: string;
  compat?: string;
  detectMode?: string;
  detectThresh?: string;
  absolute?: boolean;
  minarea?: string;
  deblendNthresh?: string;
  deblendMincont?: string;
  clean?: boolean;
  cleanParam?: string;
  filter?: string;
  kernelFwhm?: string;
  apertures?: string;
  autoParams?: string;
  backSize?: string;
  backFiltersize?: string;
  gain?: string;
  saturation?: string;
  threads?: string;
  checkImages?: boolean;
}

function num(v: string | undefined, name: string, ok: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name}: invalid value '${v}'`);
  return n;
}

function numList(v: string | undefined, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  const out = v.split(',').map((s) => Number(s.trim()));
  if (!out.length || out.some((n) => !(n > 0 && Number.isFinite(n)))) throw new UsageError(`--${name}: expected positive numbers separated by commas (got '${v}')`);
  return out;
}

/** SExtractor-style cell text: finite numbers as String() (−0 → '0'), anything non-finite 'nan'. */
function cellText(v: number): string {
  return Number.isFinite(v) ? String(v) : 'nan';
}


export async function runExtract(images: string[], o: ExtractCliOptions): Promise<{ n: number; files: string[] }> {
  const fits = await import('@asteris/fits');
  const ex = await import('@asteris/extract');
  if (!images.length) throw new UsageError('extract: give at least one image');
  const hdu = o.hdu;
  const read = (p: string) => fits.readImage(p, hdu ? { hdu: /^\d+$/.test(hdu) ? Number(hdu) : hdu } : {});
  const errs = o.err ?? [], whts = o.wht ?? [], vars = o.var ?? [];
  // SExtractor-style WEIGHT_IMAGE + WEIGHT_TYPE (MAP_VAR / MAP_WEIGHT relative, rescaled to the background σ)
  const compat = o.compat ?? 'none';
  if (compat !== 'none' && compat !== 'sextractor') throw new UsageError(`--compat: expected sextractor or none (got '${compat}')`);
  if (o.weightType !== undefined && o.weightImage === undefined) throw new UsageError('--weight-type needs --weight-image FILE');
  let sexWeight: { type: 'rms' | 'var' | 'weight'; relative: boolean } | null = null;
  if (o.weightImage !== undefined) {
    const t = (o.weightType ?? 'MAP_WEIGHT').toUpperCase();
    if (t !== 'MAP_RMS' && t !== 'MAP_VAR' && t !== 'MAP_WEIGHT') throw new UsageError(`--weight-type: expected MAP_RMS, MAP_VAR or MAP_WEIGHT (got '${o.weightType}')`);
    sexWeight = ex.weightTypeFromSextractor(t);
    if (images.length !== 1) throw new UsageError('--weight-image: one image only (use --err/--wht/--var per image for a stack)');
  }
  if (o.weightGain && !(o.weightImage || errs.length || whts.length || vars.length)) throw new UsageError('--weight-gain needs a weight map');
  const nNoise = errs.length + whts.length + vars.length + (sexWeight ? 1 : 0);
  if ([errs, whts, vars, sexWeight ? [1] : []].filter((l) => l.length).length > 1) throw new UsageError('extract: use one of --err, --wht, --var or --weight-image');
  if (nNoise && nNoise !== images.length) throw new UsageError(`extract: ${images.length} image(s) but ${nNoise} noise map(s)`);
  const thresh = num(o.detectThresh, 'detect-thresh', (n) => n > 0);
  const filter = o.filter ?? 'conv';
  if (!['conv', 'matched', 'none'].includes(filter)) throw new UsageError(`--filter: expected conv, matched or none (got '${filter}')`);
  const fwhm = num(o.kernelFwhm, 'kernel-fwhm', (n) => n > 0);
  const auto = numList(o.autoParams, 'auto-params');
  if (auto && auto.length !== 2) throw new UsageError('--auto-params: expected K,RMIN');
  const opts: Record<string, unknown> = {
    threshold: thresh, thresholdType: o.absolute ? 'absolute' : 'relative',
    minArea: num(o.minarea, 'minarea', (n) => Number.isInteger(n) && n >= 1),
    deblendNThresh: num(o.deblendNthresh, 'deblend-nthresh', (n) => Number.isInteger(n) && n >= 1),
    deblendMinCont: num(o.deblendMincont, 'deblend-mincont', (n) => n >= 0 && n <= 1),
    clean: o.clean !== false, cleanParam: num(o.cleanParam, 'clean-param', (n) => n > 0),
    filter, kernel: fwhm ? ex.gaussianKernel(fwhm) : undefined,
    apertures: numList(o.apertures, 'apertures'), autoParams: auto as [number, number] | undefined,
    backSize: num(o.backSize, 'back-size', (n) => Number.isInteger(n) && n >= 1),
    backFilterSize: num(o.backFiltersize, 'back-filtersize', (n) => Number.isInteger(n) && n >= 1),
    gain: num(o.gain, 'gain', (n) => n >= 0), saturation: num(o.saturation, 'saturation', () => true),
    maps: !!o.checkImages,
  };
  // Noise covariance kernel: measured (default), none (white; the default with --compat sextractor) or a file.
  const nk = o.noiseKernel ?? (compat === 'sextractor' ? 'none' : 'auto');
  if (nk === 'auto' || nk === 'none') opts.noiseKernel = nk;
  else {
    let text: string;
    if (/\.fits?(\.gz)?$/i.test(nk)) {
      const k = read(nk);
      if (k.width !== k.height || k.width % 2 !== 1) throw new UsageError(`--noise-kernel ${nk}: expected a square kernel of odd size (got ${k.width}×${k.height})`);
      const rows: number[][] = [];
      for (let j = 0; j < k.height; j++) rows.push(Array.from(k.data.subarray(j * k.width, (j + 1) * k.width)));
      text = JSON.stringify(rows);
    } else {
      try { text = readFileSync(nk, 'utf8'); } catch { throw new UsageError(`--noise-kernel ${nk}: cannot read the file (or give auto or none)`); }
    }
    opts.noiseKernel = ex.parseCovariance(text, `noise kernel ${nk}`);
  }
  if (o.weightGain) opts.weightGain = true;
  for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k];
  const threads = num(o.threads, 'threads', (n) => Number.isInteger(n) && n >= 1);

  // One image that will be extracted with worker threads is read straight into shared memory (extract's
  // readImageShared: no second copy for BITPIX −32). Threads are used above 32 Mpx by default, i.e. for
  // float32 files above 128 MiB; the file size decides before reading. On one thread a plain read has the
  // lower peak (docs/extract.md, "Memory").
  const threadsFor = (w: number, h: number) => threads ?? ex.defaultExtractThreads(w, h);
  const likelyThreaded = (p: string) => {
    if (threads !== undefined) return threads > 1;
    try { return statSync(p).size > 4 * 32 * 2 ** 20; } catch { return false; } // read() words the error
  };
  let det = images.length === 1 && likelyThreaded(images[0]!)
    ? ex.readImageShared(images[0]!, hdu ? { hdu: /^\d+$/.test(hdu) ? Number(hdu) : hdu } : {})
    : read(images[0]!);
  const file = images.length === 1 ? images[0]! : `${images.length}-band detection stack`;
  if (images.length > 1) {
    const mode = o.detectMode ?? 'ivw';
    if (mode !== 'ivw' && mode !== 'chi-mean') throw new UsageError(`--detect-mode: expected ivw or chi-mean (got '${mode}')`);
    if (!nNoise) throw new UsageError('extract: several images need --err, --wht or --var for each');
    const ims = images.map(read);
    const noise = (errs.length ? errs : whts.length ? whts : vars).map((p) => {
      const im = read(p);
      if (whts.length) im.data = im.data.map((w) => (w > 0 ? 1 / Math.sqrt(w) : NaN));
      else if (vars.length) im.data = im.data.map((v) => (v > 0 ? Math.sqrt(v) : NaN));
      return im;
    });
    const stack = ex.detectionImage(ims, noise, mode);
    det = stack.image;
    opts.weight = { type: 'rms', data: stack.rms };
  } else if (nNoise) {
    const wfile = (o.weightImage ?? errs[0] ?? whts[0] ?? vars[0])!;
    const m = read(wfile);
    if (m.width !== det.width || m.height !== det.height) {
      throw new UsageError(`${wfile}: weight map is ${m.width}×${m.height} but the image ${images[0]} is ${det.width}×${det.height}`);
    }
    opts.weight = sexWeight
      ? { type: sexWeight.type, data: m.data, scaleToBackground: sexWeight.relative }
      : { type: errs.length ? 'rms' : whts.length ? 'weight' : 'var', data: m.data, ...(compat === 'sextractor' && !errs.length ? { scaleToBackground: true } : {}) };
  }
  // Without a weight map the default noise model takes σ per pixel from the background RMS map (SExtractor's
  // WEIGHT_TYPE BACKGROUND) so that errors follow the depth; --compat sextractor keeps one global σ (NONE).
  if (!opts.weight && compat !== 'sextractor') opts.weight = { type: 'background' };
  opts.file = file;
  // Memory: subtract the background in place (det.data is not used again) unless SATUR_LEVEL needs the raw
  // values, and with worker threads move the pixels into a SharedArrayBuffer once, dropping the original,
  // so that the extraction holds a single copy of the image (docs/extract.md, "Memory").
  if (opts.saturation === undefined) {
    opts.inPlace = true;
    if (threadsFor(det.width, det.height) > 1 && !(det.data.buffer instanceof SharedArrayBuffer)) {
      const sh = new Float32Array(new SharedArrayBuffer(det.data.byteLength));
      sh.set(det.data);
      det = { ...det, data: sh };
    }
  }
  const res = await ex.extractSourcesParallel(det, opts as never, threads ? { threads } : {});

  mkdirSync(o.out, { recursive: true });
  let wcs: { pixelToSky(x: number, y: number): [number, number] } | null = null;
  try { wcs = det.header ? fits.Wcs.fromHeader(det.header) : null; } catch { wcs = null; }
  const aps = (opts.apertures as number[] | undefined) ?? [5];
  const head = ['id', 'x', 'y', 'ra', 'dec', 'xwin', 'ywin', 'a', 'b', 'theta', 'kron_radius', 'flux_iso', 'fluxerr_iso',
    'flux_auto', 'fluxerr_auto', ...aps.flatMap((d) => [`flux_aper_${d}`, `fluxerr_aper_${d}`]), 'flux_radius', 'npix', 'peak', 'flags', 'snr'];
  // written in blocks of rows (no catalogue-sized string), atomically
  const row = (s: (typeof res.sources)[number]) => {
    const [ra, dec] = wcs ? wcs.pixelToSky(s.x, s.y) : [NaN, NaN];
    return [s.id, s.x, s.y, ra, dec, s.xwin, s.ywin, s.a, s.b, s.theta, s.kronRadius, s.fluxIso, s.fluxIsoErr,
      s.fluxAuto, s.fluxAutoErr, ...s.fluxAper.flatMap((f, i) => [f, s.fluxAperErr[i]]), s.fluxRadius, s.npix, s.peak, s.flags, s.snr]
      .map(cellText);
  };
  const catPath = join(o.out, 'catalogue.csv');
  writeFileAtomicWith(catPath, (fd) => {
    writeAllSync(fd, Buffer.from(csvLine(head) + '\n'));
    for (let i0 = 0; i0 < res.sources.length; i0 += 2000) {
      const block = res.sources.slice(i0, i0 + 2000).map((s) => csvLine(row(s)));
      writeAllSync(fd, Buffer.from(block.join('\n') + '\n'));
    }
  });
  const segPath = join(o.out, 'segmentation.fits');
  const segHeader = det.header && typeof det.header.clone === 'function' ? det.header.clone() : undefined;
  // streamed from the row runs: the full-size Int32 map is never built (docs/extract.md, "Memory")
  fits.writeFits(segPath, [{ ...(segHeader ? { header: segHeader } : {}), data: ex.segRunsSource(res.segmentationRuns), shape: [res.width, res.height] }]);
  const files = [catPath, segPath];
  if (o.checkImages) {
    const b = join(o.out, 'background.fits');
    const r = join(o.out, 'rms.fits');
    fits.writeFits(b, [{ data: res.background, shape: [res.width, res.height] }]);
    fits.writeFits(r, [{ data: res.rms, shape: [res.width, res.height] }]);
    files.push(b, r);
  }
  return { n: res.sources.length, files };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('extract')
    .description('detect and measure sources (SExtractor-compatible); writes catalogue.csv and segmentation.fits')
    .argument('<images...>', 'FITS image(s); several images are stacked for detection (need --err/--wht/--var each)')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--hdu <name|index>', 'image HDU (default SCI or the first image)')
    .option('--err <file>', 'σ map per image (repeatable)', collect)
    .option('--wht <file>', 'inverse-variance weight per image (repeatable)', collect)
    .option('--var <file>', 'variance map per image (repeatable)', collect)
    .option('--weight-image <file>', 'WEIGHT_IMAGE: a weight map read with SExtractor semantics (--weight-type)')
    .option('--weight-type <type>', 'WEIGHT_TYPE of --weight-image: MAP_RMS (absolute σ), MAP_VAR or MAP_WEIGHT (relative, rescaled to the background σ; default)')
    .option('--weight-gain', 'WEIGHT_GAIN: with --gain, the gain scales as 1/σ² of the weight map')
    .option('--noise-kernel <auto|none|file>', 'noise covariance kernel: auto (measured on the source-masked sky; default), none (white, as SExtractor), or a .json/.fits kernel')
    .option('--compat <mode>', 'sextractor: reproduce source-extractor 2.25 (white noise, no kernel); none (default)')
    .option('--detect-mode <mode>', 'multi-image detection stack: ivw | chi-mean', 'ivw')
    .option('--detect-thresh <σ>', 'DETECT_THRESH (default 1.5)')
    .option('--absolute', 'the threshold is absolute (data units), not in σ')
    .option('--minarea <n>', 'DETECT_MINAREA (default 5)')
    .option('--deblend-nthresh <n>', 'DEBLEND_NTHRESH (default 32)')
    .option('--deblend-mincont <c>', 'DEBLEND_MINCONT (default 0.005; 1 = off)')
    .option('--no-clean', 'disable cleaning')
    .option('--clean-param <β>', 'CLEAN_PARAM (default 1.0)')
    .option('--filter <type>', 'conv | matched | none (default conv, 3×3 pyramid)')
    .option('--kernel-fwhm <px>', 'Gaussian detection kernel of this FWHM instead of the 3×3 default')
    .option('--apertures <d1,d2,…>', 'PHOT_APERTURES diameters in pixels (default 5)')
    .option('--auto-params <k,rmin>', 'PHOT_AUTOPARAMS (default 2.5,3.5)')
    .option('--back-size <px>', 'BACK_SIZE (default 64)')
    .option('--back-filtersize <n>', 'BACK_FILTERSIZE (default 3)')
    .option('--gain <e/unit>', 'gain for the source Poisson error term (default none)')
    .option('--saturation <level>', 'SATUR_LEVEL for FLAGS 4')
    .option('--threads <n>', 'threads (default: 1 up to 32 Mpx, else all cores, at most 8)')
    .option('--check-images', 'also write background.fits and rms.fits')
    .action(async (images: string[], o: ExtractCliOptions) => {
      const r = await runExtract(images, o);
      console.log(`extract: ${r.n} sources → ${r.files.join(', ')}`);
    });
}
