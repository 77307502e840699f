// Reading the selection stage's candidate catalogue (CSV) for the LF. Column names are matched
// case-insensitively with common aliases; M_UV is recomputed from a band flux when absent.

import { readFileSync } from 'node:fs';
import { NIRCAM_UV_BANDS, absoluteMagnitudeUV, Cosmology, defaultCosmology, uvBandForRedshift } from '@asteris/astro';
import { CsvError, csvMessage, parseCsv } from '@asteris/core';
import { LumfuncError } from './errors.ts';
import type { LfCandidate } from './binned.ts';

const Z_COLS = ['z', 'z_phot', 'zphot', 'z_best', 'z_a', 'photoz'];
const M_COLS = ['m_uv', 'muv', 'm1500', 'm_1500', 'abs_mag_uv'];
const W_COLS = ['weight', 'w', 'p_bin'];
const ID_COLS = ['id', 'name'];

/**
 * Reads candidates: needs a redshift column (z, z_phot, zphot, …) and either an M_UV column
 * (M_UV, MUV, M1500, …) or `flux_<BAND>` columns in nJy (M_UV then from the band nearest rest 1500 Å
 * redward of Lyα, β from a `beta` column or −2). Optional `weight`. Rows with non-finite z/M are rejected
 * with an error naming the row, unless `skipInvalid`.
 */
export interface CandidateReadOptions {
  cosmo?: Cosmology;
  /** Skip rows with invalid values instead of failing; each skip is appended to `skipped`. */
  skipInvalid?: boolean;
  /** each skipped row: its line, and the reason in the one CSV error wording (`line L, column C: problem`) */
  skipped?: Array<{ row: number; reason: string }>;
}

export function readCandidatesCsv(path: string, opts: CandidateReadOptions = {}): LfCandidate[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LumfuncError(`cannot read candidates (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  const { header, rows, lines } = readCsvText(text, path);
  return candidatesFromTable(header, rows, path, opts, lines);
}

/** RFC 4180 CSV with a header row (@asteris/core), malformed input reported as a LumfuncError naming the file. */
export function readCsvText(text: string, file?: string): { header: string[]; rows: string[][]; lines: number[] } {
  try {
    return parseCsv(text, { file });
  } catch (e) {
    if (e instanceof CsvError) throw new LumfuncError(e.reason, file);
    throw e;
  }
}

export function candidatesFromTable(
  header: string[], rows: string[][], file?: string, opts: CandidateReadOptions = {},
  /** the input line of each row (default: row k on line k + 2, after the header) */
  lines: number[] = rows.map((_, k) => k + 2),
): LfCandidate[] {
  const lower = header.map((h) => h.toLowerCase());
  const find = (names: string[]) => {
    for (const n of names) {
      const i = lower.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const zi = find(Z_COLS);
  if (zi < 0) throw new LumfuncError(`no redshift column (looked for ${Z_COLS.join(', ')})`, file);
  const mi = find(M_COLS);
  const wi = find(W_COLS);
  const ii = find(ID_COLS);
  const bi = find(['beta']);
  const fluxCols = new Map<string, number>();
  lower.forEach((h, i) => {
    const m = /^flux_(f\d{3,4}[wmn]2?)$/.exec(h);
    if (m) fluxCols.set(m[1].toUpperCase(), i);
  });
  if (mi < 0 && fluxCols.size === 0) throw new LumfuncError(`no M_UV column (looked for ${M_COLS.join(', ')}) and no flux_<BAND> columns`, file);
  const cosmo = opts.cosmo ?? defaultCosmology();
  const out: LfCandidate[] = [];
  rows.forEach((r, k) => {
    const z = Number(r[zi]);
    let M = mi >= 0 ? Number(r[mi]) : NaN;
    let why: string | null = null;
    const line = lines[k] ?? k + 2;
    // the one CSV error wording (@asteris/core csvMessage): line L, column C: problem
    const bad = (i: number, problem: string) => csvMessage(`${JSON.stringify(r[i] ?? '')} ${problem}`, { line, column: header[i] });
    if (!(r[zi] !== '' && Number.isFinite(z) && z > 0)) why = bad(zi, 'is not a positive redshift');
    else if (mi >= 0) {
      if (!(r[mi] !== '' && Number.isFinite(M))) why = bad(mi, 'is not a number');
    } else {
      const bands = NIRCAM_UV_BANDS.filter((b) => fluxCols.has(b.name));
      const band = uvBandForRedshift(z, bands);
      const b = bands.find((x) => x.name === band);
      if (!b) why = csvMessage(`no flux_<BAND> column samples rest 1500 Å at z = ${z}`, { line });
      else {
        const ci = fluxCols.get(b.name)!;
        const f = Number(r[ci]);
        if (!(r[ci] !== '' && f > 0)) why = bad(ci, `is not a positive flux (M_UV needs it at z = ${z})`);
        else {
          const beta = bi >= 0 && r[bi] !== '' && Number.isFinite(Number(r[bi])) ? Number(r[bi]) : -2;
          M = absoluteMagnitudeUV(31.4 - 2.5 * Math.log10(f), z, { pivotA: b.pivotA, beta, cosmo });
        }
      }
    }
    const w = wi >= 0 && r[wi] !== '' ? Number(r[wi]) : 1;
    if (!why && !(w >= 0 && Number.isFinite(w))) why = bad(wi, 'is not a weight ≥ 0');
    if (why) {
      if (opts.skipInvalid) { opts.skipped?.push({ row: line, reason: why }); return; }
      throw new LumfuncError(`${why} (use --skip-invalid to skip such rows)`, file);
    }
    out.push({ id: ii >= 0 ? r[ii] : String(k + 1), z, M_UV: M, weight: w });
  });
  return out;
}
