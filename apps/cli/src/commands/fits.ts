// `asteris fits info FILE...` and `asteris fits header FILE [--hdu N|NAME]` (issue 2).
// Like astropy's `fitsinfo` / `fitsheader`: one line per HDU with index, EXTNAME, type, BITPIX,
// dimensions (NAXIS1 × NAXIS2 × ...), BUNIT, FILTER and a WCS summary (projection, centre, pixel scale).
import type { Command } from 'commander';
import { FitsError, Wcs, findHdu, readFits, type Hdu } from '@asteris/fits';

export function register(program: Command): void {
  const fits = program.command('fits').description('inspect FITS files (info, header)');
  fits
    .command('info')
    .description('list every HDU: index, name, type, BITPIX, dimensions, BUNIT, FILTER, WCS')
    .argument('<files...>', 'FITS files (.fits, .fits.gz, tile-compressed)')
    .action((files: string[]) => {
      let failed = 0;
      let lastError: unknown;
      files.forEach((f, i) => {
        try {
          if (i > 0) process.stdout.write('\n');
          process.stdout.write(fitsInfo(f));
        } catch (e) {
          failed++;
          lastError = e;
          if (files.length > 1) process.stderr.write(`asteris: error: ${(e as Error).message}\n`);
        }
      });
      if (failed === 1 && files.length === 1) throw lastError;
      if (failed) throw new Error(`${failed} of ${files.length} files could not be read`);
    });
  fits
    .command('header')
    .description('print the header cards of one HDU (default: all HDUs)')
    .argument('<file>', 'FITS file')
    .option('--hdu <n|name>', 'HDU index (0 = primary) or EXTNAME')
    .action((file: string, opts: { hdu?: string }) => {
      process.stdout.write(fitsHeader(file, opts.hdu));
    });
}

/**
 * Header text made safe for a terminal: control bytes (C0, DEL, C1) in cards from a hostile or broken
 * file would otherwise be executed by the terminal (escape sequences, bells, cursor moves); they are
 * shown as `\xNN` instead. FITS allows only printable ASCII in headers (FITS 4.0 §4.1.2.1).
 */
export function escapeControl(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function hduType(h: Hdu): string {
  if (h.kind === 'table') return h.tableType === 'TABLE' ? 'TableHDU' : 'BinTableHDU';
  if (h.compression) return `CompImageHDU(${h.compression})`;
  return h.index === 0 ? 'PrimaryHDU' : 'ImageHDU';
}

function dims(h: Hdu): string {
  if (h.kind === 'table') return `${h.nrows}R x ${h.columnInfo.length}C`;
  return h.shape.length ? h.shape.join(' x ') : '()';
}

/** One-line WCS summary: 'TAN 34.303236 -5.111342 0.0400"/px', '-' when none, or the reason. */
export function wcsSummary(h: Hdu): string {
  if (h.kind !== 'image' || h.shape.length < 2) return '-';
  const ct = h.header.getString('CTYPE1')?.trim();
  if (!ct) return '-';
  try {
    const w = Wcs.fromHeader(h.header);
    const s = w.summary(h.shape[0], h.shape[1]);
    return `${s.projection} centre ${s.ra.toFixed(6)} ${s.dec >= 0 ? '+' : ''}${s.dec.toFixed(6)} ${s.scaleArcsec.toFixed(4)}"/px`;
  } catch (e) {
    return e instanceof FitsError ? `(${e.problem})` : '-';
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join('  ').trimEnd()).join('\n') + '\n';
}

export function fitsInfo(file: string): string {
  const hdus = readFits(file);
  const rows: string[][] = [['No.', 'Name', 'Type', 'BITPIX', 'Dimensions', 'BUNIT', 'FILTER', 'WCS']];
  for (const h of hdus) {
    rows.push([
      String(h.index), h.name || '-', hduType(h), String(h.bitpix), dims(h),
      h.header.getString('BUNIT')?.trim() || '-', h.header.getString('FILTER')?.trim() || '-', wcsSummary(h),
    ]);
  }
  let out = `Filename: ${escapeControl(file)}\n` + table(rows.map((r) => r.map(escapeControl)));
  const warnings = hdus.flatMap((h) => h.header.warnings.map((w) => `HDU ${h.index}: ${w}`));
  if (warnings.length) {
    out += `note: ${warnings.length} header problem(s) tolerated, e.g. ${escapeControl(warnings.slice(0, 2).join('; '))}\n`;
  }
  return out;
}

export function fitsHeader(file: string, which?: string): string {
  const hdus = readFits(file);
  const chosen = which === undefined ? hdus : [findHdu(hdus, which, file)];
  const parts = chosen.map((h) => {
    const title = chosen.length > 1 ? `# HDU ${h.index} ${h.name ? `(${escapeControl(h.name)})` : ''}\n`.replace(' \n', '\n') : '';
    return title + h.header.toCards().map((c) => escapeControl(c.trimEnd())).join('\n') + '\nEND\n';
  });
  return parts.join('\n');
}
