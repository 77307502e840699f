// A tiny field directory written in milliseconds (for the field and pipeline validation tests).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Header, writeFits } from '@asteris/fits';

export interface TinyBand { name: string; n: number; filter?: string; nan?: number[]; noUnit?: boolean; files?: string[] }

/** Writes <dir>/field.json and <dir>/<BAND>/<file>.fits (16×16, TAN WCS, MJy/sr + PIXAR_SR unless noUnit). */
export function tinyField(dir: string, bands: TinyBand[], meta: Record<string, unknown> = {}, size = 16): string {
  mkdirSync(dir, { recursive: true });
  for (const b of bands) {
    mkdirSync(join(dir, b.name), { recursive: true });
    const files = b.files ?? Array.from({ length: b.n }, (_, k) => `${b.name.toLowerCase()}_exp${k + 1}.fits`);
    files.forEach((f, k) => {
      const h = new Header();
      for (const [key, v] of Object.entries({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: size / 2, CRPIX2: size / 2, CRVAL1: 53.1, CRVAL2: -27.8, CD1_1: -1.1111e-5, CD1_2: 0, CD2_1: 0, CD2_2: 1.1111e-5 })) h.set(key, v);
      if (!b.noUnit) { h.set('BUNIT', 'MJy/sr'); h.set('PIXAR_SR', 3.76e-14); }
      h.set('FILTER', b.filter ?? b.name);
      const data = new Float32Array(size * size).map((_, i) => ((i * 7919 + k * 104729) % 1000) / 1000 - 0.5);
      if (b.nan?.includes(k)) data.fill(NaN);
      writeFits(join(dir, b.name, f), [{ header: h, data, shape: [size, size] }]);
    });
  }
  writeFileSync(join(dir, 'field.json'), JSON.stringify({ name: 'tiny', pixelScale: 0.04, bands: bands.map((b) => b.name), ...meta }));
  return dir;
}
