// Small cutouts of the real PRIMER-UDS mosaics (data/external/mophongo_primer_uds_cutouts, README there)
// for fast tests: the same pixels, CRPIX shifted so the WCS still maps them to the sky.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFits, writeFits, type ImageHdu } from '@asteris/fits';

export const UDS_DIR = fileURLToPath(new URL('../../../data/external/mophongo_primer_uds_cutouts/', import.meta.url));

/** Writes `<dir>/uds-<band>_sci.fits`, the [x0, x0+w) × [y0, y0+h) cutout of the UDS mosaic of each band; returns the paths. */
export function udsCutouts(dir: string, bands: string[], x0: number, y0: number, w: number, h: number): string[] {
  mkdirSync(dir, { recursive: true });
  return bands.map((b) => {
    const hdu = readFits(join(UDS_DIR, `uds-test-${b.toLowerCase()}_sci.fits`))[0] as ImageHdu;
    const W = hdu.shape[0]!;
    const src = hdu.data!;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = Number(src[(y0 + y) * W + x0 + x]);
    const header = hdu.header.clone();
    header.set('CRPIX1', (header.getNumber('CRPIX1') ?? 0) - x0);
    header.set('CRPIX2', (header.getNumber('CRPIX2') ?? 0) - y0);
    const file = join(dir, `uds-${b.toLowerCase()}_sci.fits`);
    writeFits(file, [{ header, data, shape: [w, h] }]);
    return file;
  });
}
