// `asteris denoise <field> --model lite|asteris4|asteris8|<file.onnx> --out <dir>` (issue 5).
// Per band, the images stage's products (the same Stage.run as `asteris run`) in <out>/<BAND>/:
// denoised.fits (ASTERIS), raw.fits (the co-add from the same preprocessing, the fair baseline) and
// coadd.fits (the stage's co-add with ERR: clipped-ivw, or the unclipped inverse-variance mean with --ivw), all on
// the exposures' pixel grid with provenance keys (docs/asteris.md); denoise.json sums them up.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
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
  selfcal?: boolean;
}

function intOpt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

export async function runDenoise(fieldDir: string, o: DenoiseCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<void> {
  const [{ imagesStage, ImagesConfigSchema, bandModel }, { loadField }, { parseSection, ConfigError, tmpSibling }] = await Promise.all([
    import('@asteris/asteris'), import('@asteris/field'), import('@asteris/core'),
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
  // the images stage's config: --ivw makes its co-add.fits the inverse-variance-weighted co-add
  let config;
  try {
    config = parseSection(ImagesConfigSchema, {
      denoiser: o.model, ...(o.ivw ? { coadd: 'ivw' } : {}), ...(tileSize !== undefined ? { tileSize } : {}),
      ...(overlap !== undefined ? { overlap } : {}), ...(o.restore ? {} : { restore: false }), ...(o.selfcal ? { selfcal: true } : {}),
      nulls: { count: 0 }, // null stacks serve the runner's threshold calibration, not a denoised product
    }, 'asteris denoise');
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message.replace('tileSize', '--tile'));
    throw e;
  }
  mkdirSync(o.out, { recursive: true });
  const summary: Record<string, unknown>[] = [];
  for (const band of bands) {
    log(`[denoise] ${band.name}: ${band.exposures.length} exposures, model ${o.model}\n`);
    const t0 = performance.now();
    // the runner's images stage (same Stage.run) into a temporary directory that becomes <out>/<BAND>
    const dest = join(o.out, band.name);
    const tmp = tmpSibling(dest);
    mkdirSync(tmp);
    let info: Record<string, unknown>;
    try {
      info = (await imagesStage.run({ field: field.dir, band: band.name, workers }, config, tmp, {
        progress: (d, n) => log(`\r[denoise] ${band.name}: tile ${d}/${n}`),
      })) ?? {};
      rmSync(dest, { recursive: true, force: true });
      renameSync(tmp, dest);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    log('\n');
    const seconds = (performance.now() - t0) / 1000;
    const { model: _m, ...rest } = info;
    summary.push({ band: band.name, ...rest, files: Object.values(imagesStage.files).filter((f) => existsSync(join(dest, f))).map((f) => `${band.name}/${f}`), seconds });
    const net = typeof info['secondsNet'] === 'number' && field.width && field.height ? ` (${(((info['secondsNet'] as number) * 1e6) / (field.width! * field.height!)).toFixed(1)} µs/pixel in the network stage)` : '';
    log(`[denoise] ${band.name}: done in ${seconds.toFixed(1)} s${net}\n`);
  }
  writeFileAtomic(join(o.out, 'denoise.json'), JSON.stringify({ field: field.name, model: o.model, bands: summary }, null, 2));
}

export function register(program: Command): void {
  program
    .command('denoise')
    .description('ASTERIS-denoise every band of a field; also writes the co-add from the same preprocessing')
    .argument('<field>', 'field directory (field.json + <BAND>/*.fits)')
    .requiredOption('--out <dir>', 'output directory: <BAND>/denoised.fits, <BAND>/raw.fits (same-preprocessing co-add), <BAND>/coadd.fits, denoise.json')
    .option('--model <name>', 'lite-null | lite | lite-art | lite-clean | asteris4 | asteris8 | path to an .onnx file', 'lite-null')
    .option('--bands <list>', 'comma-separated subset of bands')
    .option('--tile <px>', 'tile edge in pixels, multiple of 8 (default 256; reference 800)')
    .option('--overlap <f>', 'tile overlap fraction (default 0.1)')
    .option('--workers <n>', 'inference worker threads (0 = one in-process session)')
    .option('--no-restore', 'do not add back the bright clipped excess (bright sources stay flattened)')
    .option('--ivw', '<BAND>/coadd.fits is the unclipped inverse-variance-weighted co-add (default: clipped-ivw, the clipped mean\'s rejection then inverse-variance weights; libs/stack)')
    .option('--selfcal', 'detector-frame self-calibration of the exposures first (needs DITHX/DITHY keywords; writes <BAND>/selfcal_pattern.fits)')
    .action(async (field: string, o: DenoiseCliOptions) => {
      await runDenoise(field, o);
    });
}
