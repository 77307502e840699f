// Runs Debian's `source-extractor` (2.25) on an image with a configuration equivalent to extractSources'
// options, in a temporary directory; returns the ASCII_HEAD catalogue rows (0-based X/Y added).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFits } from '@asteris/fits';
import { readSexCat } from './sexcat.ts';

export interface SexConfig {
  detectThresh?: number; minArea?: number; deblendNThresh?: number; deblendMinCont?: number;
  clean?: boolean; cleanParam?: number; apertures?: number[]; autoParams?: [number, number];
  backSize?: number; backFilterSize?: number; maskType?: 'NONE' | 'BLANK' | 'CORRECT';
  weight?: { type: 'MAP_RMS' | 'MAP_VAR' | 'MAP_WEIGHT'; data: Float32Array };
}

export function runSourceExtractor(
  data: Float32Array, width: number, height: number, cfg: SexConfig = {},
): { rows: Record<string, number>[]; seconds: number } {
  const dir = mkdtempSync(join(tmpdir(), 'asteris-sex-'));
  try {
    const img = join(dir, 'image.fits');
    writeFits(img, [{ data, shape: [width, height] }]);
    return runSourceExtractorFile(img, width, height, cfg, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Same, on an existing FITS file (timed: the whole source-extractor process). */
export function runSourceExtractorFile(
  img: string, width: number, height: number, cfg: SexConfig = {}, workDir?: string,
): { rows: Record<string, number>[]; seconds: number } {
  const dir = workDir ?? mkdtempSync(join(tmpdir(), 'asteris-sex-'));
  try {
    const aps = cfg.apertures ?? [5];
    writeFileSync(join(dir, 'default.conv'), 'CONV NORM\n1 2 1\n2 4 2\n1 2 1\n');
    writeFileSync(join(dir, 'default.param'), [
      'NUMBER', 'X_IMAGE', 'Y_IMAGE', 'XWIN_IMAGE', 'YWIN_IMAGE', 'A_IMAGE', 'B_IMAGE', 'THETA_IMAGE',
      `FLUX_APER(${aps.length})`, `FLUXERR_APER(${aps.length})`, 'KRON_RADIUS', 'FLUX_AUTO', 'FLUXERR_AUTO',
      'FLUX_ISO', 'ISOAREA_IMAGE', 'FLUX_RADIUS', 'FLAGS',
    ].join('\n') + '\n');
    const [k, kmin] = cfg.autoParams ?? [2.5, 3.5];
    const lines = [
      'CATALOG_NAME out.cat', 'CATALOG_TYPE ASCII_HEAD', 'PARAMETERS_NAME default.param',
      'DETECT_TYPE CCD', `DETECT_MINAREA ${cfg.minArea ?? 5}`, `DETECT_THRESH ${cfg.detectThresh ?? 1.5}`,
      `ANALYSIS_THRESH ${cfg.detectThresh ?? 1.5}`, 'FILTER Y', 'FILTER_NAME default.conv',
      `DEBLEND_NTHRESH ${cfg.deblendNThresh ?? 32}`, `DEBLEND_MINCONT ${cfg.deblendMinCont ?? 0.005}`,
      `CLEAN ${cfg.clean === false ? 'N' : 'Y'}`, `CLEAN_PARAM ${cfg.cleanParam ?? 1.0}`,
      `MASK_TYPE ${cfg.maskType ?? 'CORRECT'}`, `PHOT_APERTURES ${aps.join(',')}`,
      `PHOT_AUTOPARAMS ${k},${kmin}`, 'PHOT_FLUXFRAC 0.5', 'SATUR_LEVEL 1e20', 'MAG_ZEROPOINT 0', 'GAIN 0',
      'PIXEL_SCALE 1', 'SEEING_FWHM 1', `BACK_SIZE ${cfg.backSize ?? 64}`, `BACK_FILTERSIZE ${cfg.backFilterSize ?? 3}`,
      'BACKPHOTO_TYPE GLOBAL', 'CHECKIMAGE_TYPE NONE', 'MEMORY_OBJSTACK 30000', 'MEMORY_PIXSTACK 3000000',
      'MEMORY_BUFSIZE 1024', 'VERBOSE_TYPE QUIET', 'NTHREADS 1', 'WRITE_XML N',
    ];
    if (cfg.weight) {
      writeFits(join(dir, 'weight.fits'), [{ data: cfg.weight.data, shape: [width, height] }]);
      lines.push(`WEIGHT_TYPE ${cfg.weight.type}`, 'WEIGHT_IMAGE weight.fits', 'WEIGHT_GAIN N');
    }
    writeFileSync(join(dir, 'default.sex'), lines.join('\n') + '\n');
    const t0 = performance.now();
    execFileSync('source-extractor', [img, '-c', 'default.sex'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const seconds = (performance.now() - t0) / 1000;
    const rows = readSexCat(join(dir, 'out.cat'));
    for (const r of rows) { r.x = r.X_IMAGE! - 1; r.y = r.Y_IMAGE! - 1; }
    return { rows, seconds };
  } finally {
    if (!workDir) rmSync(dir, { recursive: true, force: true });
  }
}
