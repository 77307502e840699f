// Published binned UV-LF points from the CoReCon compilation (data/external/corecon_uvlf_z8plus,
// Garaldi 2023 JOSS 8, 5407; each row cites its paper). The z column carries the README's correction
// of the Donnan+24 z labels.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCsvText } from './candidates.ts';
import { LumfuncError } from './errors.ts';

export interface PublishedPoint {
  source: string;
  z: number;
  M: number;
  dMleft?: number;
  dMright?: number;
  logPhi: number;
  /** dex; Infinity for an unbounded lower error, NaN when none is given. */
  errUp: number;
  errDown: number;
  upperLimit: boolean;
  lowerLimit: boolean;
  fromPlot: boolean;
  reference: string;
}

/** Repository path of the CoReCon CSV (resolved from this file, so it works from any cwd). */
export const CORECON_UVLF_CSV = fileURLToPath(new URL('../../../data/external/corecon_uvlf_z8plus/uvlf_binned_z8plus.csv', import.meta.url));

export function readCoreconPoints(path: string = CORECON_UVLF_CSV): PublishedPoint[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LumfuncError(`cannot read CoReCon CSV (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  const { header, rows } = readCsvText(text, path);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new LumfuncError(`missing column '${name}'`, path);
    return i;
  };
  const c = {
    source: col('source'), z: col('z'), M: col('M_UV'), dl: col('dM_left'), dr: col('dM_right'), lp: col('log10_phi'),
    up: col('err_up_dex'), dn: col('err_down_dex'), ul: col('upper_limit'), ll: col('lower_limit'), plot: col('extracted_from_plot'), ref: col('reference'),
  };
  const num = (s: string) => (s === '' ? NaN : s === 'inf' ? Infinity : Number(s));
  return rows.map((r) => ({
    source: r[c.source],
    z: num(r[c.z]),
    M: num(r[c.M]),
    dMleft: Number.isFinite(num(r[c.dl])) ? num(r[c.dl]) : undefined,
    dMright: Number.isFinite(num(r[c.dr])) ? num(r[c.dr]) : undefined,
    logPhi: num(r[c.lp]),
    errUp: num(r[c.up]),
    errDown: num(r[c.dn]),
    upperLimit: r[c.ul] === 'True',
    lowerLimit: r[c.ll] === 'True',
    fromPlot: r[c.plot] === 'True',
    reference: r[c.ref],
  }));
}

/** Points of one source at one redshift (|z − z0| < 0.01). */
export function selectPoints(points: PublishedPoint[], source: string, z: number): PublishedPoint[] {
  return points.filter((p) => p.source === source && Math.abs(p.z - z) < 0.01).sort((a, b) => a.M - b.M);
}
