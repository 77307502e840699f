// `asteris denoise <field> --model lite|asteris4|asteris8|<file.onnx> --out <dir>` (issue 5).
// Per band: the ASTERIS-denoised image and the co-add from the same preprocessing (the fair
// baseline), both on the exposures' pixel grid with provenance keys (docs/asteris.md).
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '@asteris/core';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
// libraries are loaded on use, so `asteris --help` and other commands stay fast (onnxruntime-node)

interface DenoiseCliOptions {
  model: string;
  out: string;
  bands?: string;
  tile?: string;
  overlap?: string;
  workers?: string;
  restore: boolean;
  ivw?: boolean;
}

function intOpt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

export async function runDenoise(fieldDir: string, o: DenoiseCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<void> {
  const [{ denoiseStack, bandModel }, { writeImage }, { loadField, readExposureStack }, { coadd }] = await Promise.all([
    import('@asteris/asteris'), import('@asteris/fits'), import('@asteris/field'), import('@asteris/stack'),
  ]);
  const field = loadField(fieldDir);
  const want = o.bands ? o.bands.split(',').map((b) => b.trim().toUpperCase()).filter(Boolean) : null;
  const bands = want ? field.bands.filter((b) => want.includes(b.name.toUpperCase())) : field.bands;
  if (want) {
    const missing = want.filter((w) => !field.bands.some((b) => b.name.toUpperCase() === w));
    if (missing.length) throw new UsageError(`field ${fieldDir} has no band(s) ${missing.join(', ')} (has ${field.bands.map((b) => b.name).join(', ')})`);
  }
  const tileSize = intOpt(o.tile, 'tile');
  const workers = intOpt(o.workers, 'workers');
  const overlap = o.overlap === undefined ? undefined : Number(o.overlap);
  if (overlap !== undefined && !(overlap >= 0 && overlap < 0.5)) throw new UsageError(`--overlap must be in [0, 0.5), got '${o.overlap}'`);
  // each band its own model (the images stage's rule: e.g. asteris4_nrcshort / _nrclong); fail fast, before reading any exposure
  if (o.model === 'none') throw new UsageError("--model none: give a model (lite, asteris4, asteris8 or an .onnx file)");
  for (const b of bands) bandModel(o.model, b.name);
  mkdirSync(o.out, { recursive: true });
  const summary: Record<string, unknown>[] = [];
  for (const band of bands) {
    const { images, errs } = readExposureStack(band);
    log(`[denoise] ${band.name}: ${images.length} exposures, ${images[0]?.width}×${images[0]?.height}, model ${o.model}\n`);
    const t0 = performance.now();
    const res = await denoiseStack(images, {
      model: o.model, tileSize, overlap, workers, restoreClipPart: o.restore, band: band.name,
      onProgress: (d, n) => log(`\r[denoise] ${band.name}: tile ${d}/${n}`),
    });
    log('\n');
    const seconds = (performance.now() - t0) / 1000;
    writeImage(join(o.out, `${band.name}_denoised.fits`), res.denoised);
    writeImage(join(o.out, `${band.name}_coadd.fits`), res.coadd);
    if (o.ivw) {
      const c = coadd(images, errs, 'ivw');
      writeImage(join(o.out, `${band.name}_ivw.fits`), c.image, [{ name: 'ERR', header: c.err.header, data: c.err.data, shape: [c.err.width, c.err.height] }]);
    }
    const { box, norm, frames, nTiles, tileSize: ts, workers: wk, modelPath, modelSha256, secondsNet } = res.info;
    summary.push({ band: band.name, exposures: images.length, frames, box, norm, nTiles, tileSize: ts, workers: wk, modelPath, modelSha256, seconds, secondsNet });
    log(`[denoise] ${band.name}: done in ${seconds.toFixed(1)} s (${((secondsNet * 1e6) / (images[0]!.width * images[0]!.height)).toFixed(1)} µs/pixel in the network stage)\n`);
  }
  writeFileAtomic(join(o.out, 'denoise.json'), JSON.stringify({ field: field.name, model: o.model, bands: summary }, null, 2));
}

export function register(program: Command): void {
  program
    .command('denoise')
    .description('ASTERIS-denoise every band of a field; also writes the co-add from the same preprocessing')
    .argument('<field>', 'field directory (field.json + <BAND>/*.fits)')
    .requiredOption('--out <dir>', 'output directory: <BAND>_denoised.fits, <BAND>_coadd.fits, denoise.json')
    .option('--model <name>', 'lite | asteris4 | asteris8 | path to an .onnx file', 'lite')
    .option('--bands <list>', 'comma-separated subset of bands')
    .option('--tile <px>', 'tile edge in pixels, multiple of 8 (default 256; reference 800)')
    .option('--overlap <f>', 'tile overlap fraction (default 0.1)')
    .option('--workers <n>', 'inference worker threads (0 = one in-process session)')
    .option('--no-restore', 'do not add back the bright clipped excess (bright sources stay flattened)')
    .option('--ivw', 'also write the inverse-variance-weighted co-add <BAND>_ivw.fits (libs/stack)')
    .action(async (field: string, o: DenoiseCliOptions) => {
      await runDenoise(field, o);
    });
}
