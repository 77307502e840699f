// truth.csv: one row per simulated source (docs/field-format.md).
import { abMagFromNJy } from '@asteris/astro';
import { toCsv } from '@asteris/core';
import type { TruthSource } from './populations.ts';

/** `v` rounded to `digits` decimals in its shortest form ('' when not finite). */
export function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return '';
  return Number(v.toFixed(digits)).toString();
}

export const TRUTH_COLUMNS = ['id', 'kind', 'x', 'y', 'ra', 'dec', 'z', 'M_UV', 're_arcsec', 'sersic_n', 'axis_ratio', 'pa_deg', 'point', 'weight'] as const;

export function truthCsv(sources: readonly TruthSource[], bands: readonly string[]): string {
  const head = [...TRUTH_COLUMNS, ...bands.flatMap((b) => [`flux_${b}`, `mag_${b}`])];
  const rows: string[][] = [];
  for (const s of sources) {
    const row = [String(s.id), s.kind, fmt(s.x, 4), fmt(s.y, 4), fmt(s.ra, 8), fmt(s.dec, 8), fmt(s.z, 4), fmt(s.muv, 4),
      fmt(s.re, 5), fmt(s.n, 3), fmt(s.q, 4), fmt(s.pa, 2), s.point ? '1' : '0', fmt(s.weight, 6)];
    for (const b of bands) {
      const f = s.flux[b];
      row.push(fmt(f, 6), Number(fmt(f, 6)) > 0 ? fmt(abMagFromNJy(f), 4) : ''); // no magnitude next to a printed flux of 0
    }
    rows.push(row);
  }
  return toCsv(head, rows);
}
