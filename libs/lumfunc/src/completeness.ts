// Completeness product C(M, z): the fraction of injected galaxies recovered by the full pipeline
// (inject → denoise/co-add → extract → photometry → select), on a grid of redshift × magnitude bins
// (astro-reference §D.3). This module reads, validates and interpolates it; the pipeline writes it.

import { readFileSync } from 'node:fs';
import { Cosmology, apparentMagnitude, defaultCosmology } from '@asteris/astro';
import { LumfuncError } from './errors.ts';
import { completenessFromCounts } from './completeness-model.ts';
import { type MagnitudeTransfer, validateTransfer } from './transfer.ts';

export interface CompletenessProduct {
  /** Free-text label of how it was made (preset, field, denoiser...). */
  preset?: string;
  /** Redshift bin edges (ascending, length nz+1). */
  zEdges: number[];
  /** Magnitude bin edges (ascending, length nm+1); M_UV when axis = 'M_UV', apparent AB mag of `band` when 'mag'. */
  mEdges: number[];
  axis: 'M_UV' | 'mag';
  /** Detection/UV band of the 'mag' axis (informational). */
  band?: string;
  /** Injected and selected counts per [z][m] cell (optional when `completeness` is given directly). */
  nInjected?: number[][];
  nSelected?: number[][];
  /** Selection completeness per [z][m] cell, in [0, 1]. */
  completeness: number[][];
  /** Survey area the completeness applies to, arcmin². */
  areaArcmin2: number;
  /** 1σ uncertainty of C per [z][m] cell (from completenessFromInjections), kept when present. */
  completenessErr?: number[][];
  /** How `completeness` was obtained when it was not given directly (e.g. the logistic model for sparse cells). */
  completenessSource?: string;
  /** Cosmology used for the 'mag' ↔ M_UV conversion (default 70/0.3). */
  cosmology?: { H0: number; Om: number };
  /** M_obs − M_true of the selected injections (transfer.ts): the LF fits forward-model magnitude migration with it. */
  transfer?: MagnitudeTransfer;
  /**
   * The logistic per z row that the grid was evaluated from (completenessFromInjections): where present, C is read
   * from it at the exact magnitude instead of linearly between cell centres (completenessAt).
   */
  model?: { kind: 'logistic'; fits: Array<{ x50: number; width: number; cMax: number }> };
}

function isAscending(a: unknown): a is number[] {
  return Array.isArray(a) && a.length >= 2 && a.every((v, i) => typeof v === 'number' && Number.isFinite(v) && (i === 0 || v > (a[i - 1] as number)));
}

/** Validates an object as a completeness product; throws LumfuncError naming the problem. */
export function validateCompleteness(obj: unknown, file?: string): CompletenessProduct {
  if (!obj || typeof obj !== 'object') throw new LumfuncError('completeness product must be a JSON object', file);
  const o = obj as Record<string, unknown>;
  if (!isAscending(o.zEdges)) throw new LumfuncError('zEdges must be an ascending array of >= 2 finite numbers', file);
  if (!isAscending(o.mEdges)) throw new LumfuncError('mEdges must be an ascending array of >= 2 finite numbers', file);
  const axis = o.axis ?? 'M_UV';
  if (axis !== 'M_UV' && axis !== 'mag') throw new LumfuncError(`axis must be 'M_UV' or 'mag', got ${JSON.stringify(axis)}`, file);
  if (!(typeof o.areaArcmin2 === 'number' && o.areaArcmin2 > 0)) throw new LumfuncError('areaArcmin2 must be a positive number', file);
  const nz = o.zEdges.length - 1;
  const nm = o.mEdges.length - 1;
  const grid = (name: string, v: unknown, lo: number, hi: number): number[][] => {
    if (!Array.isArray(v) || v.length !== nz) throw new LumfuncError(`${name} must have ${nz} rows (one per z bin)`, file);
    return v.map((row, i) => {
      if (!Array.isArray(row) || row.length !== nm) throw new LumfuncError(`${name}[${i}] must have ${nm} values (one per magnitude bin)`, file);
      return row.map((x, j) => {
        if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) {
          throw new LumfuncError(`${name}[${i}][${j}] = ${JSON.stringify(x)} is not a number in [${lo}, ${hi}]`, file);
        }
        return x;
      });
    });
  };
  let completeness: number[][];
  let nInjected: number[][] | undefined;
  let nSelected: number[][] | undefined;
  if (o.nInjected !== undefined || o.nSelected !== undefined) {
    nInjected = grid('nInjected', o.nInjected, 0, Infinity);
    nSelected = grid('nSelected', o.nSelected, 0, Infinity);
  }
  let completenessSource: string | undefined = typeof o.completenessSource === 'string' ? o.completenessSource : undefined;
  // A cell without injections has unknown completeness, not 0 (issue 15): such cells, and every cell
  // when counts are sparse (< MIN_CELL injections somewhere), take a logistic per z row fitted to the counts.
  const MIN_CELL = 10;
  const sparse = nInjected ? nInjected.flat().filter((n) => n < MIN_CELL).length : 0;
  const empty = nInjected ? nInjected.flat().filter((n) => n === 0).length : 0;
  if (o.completeness !== undefined) {
    completeness = grid('completeness', o.completeness, 0, 1);
    // (a product of completenessFromInjections — it carries `model` — is already smooth and is kept as is)
    if (nInjected && nSelected && empty > 0 && o.model === undefined) {
      const model = completenessFromCounts(o.zEdges, o.mEdges, nInjected, nSelected);
      completeness = completeness.map((row, i) => row.map((c, j) => (nInjected![i][j] === 0 ? model[i][j] : c)));
      completenessSource = `${empty} cell(s) without injections filled from a logistic fit per z bin to the counts`;
    }
  } else if (nInjected && nSelected) {
    if (sparse > 0) {
      completeness = completenessFromCounts(o.zEdges, o.mEdges, nInjected, nSelected);
      completenessSource = `logistic fit per z bin to the counts (${sparse} cell(s) with < ${MIN_CELL} injections, ${empty} empty)`;
    } else {
      completeness = nInjected.map((row, i) => row.map((n, j) => Math.min(1, nSelected![i][j] / n)));
      completenessSource = 'nSelected / nInjected per cell';
    }
  } else throw new LumfuncError('needs completeness[][] or nInjected[][] + nSelected[][]', file);
  const completenessErr = o.completenessErr !== undefined ? grid('completenessErr', o.completenessErr, 0, 1) : undefined;
  let cosmology: { H0: number; Om: number } | undefined;
  if (o.cosmology !== undefined) {
    const c = o.cosmology as Record<string, unknown>;
    if (typeof c?.H0 !== 'number' || typeof c?.Om !== 'number') throw new LumfuncError('cosmology must be { H0: number, Om: number }', file);
    cosmology = { H0: c.H0, Om: c.Om };
  }
  return {
    preset: typeof o.preset === 'string' ? o.preset : undefined,
    zEdges: o.zEdges,
    mEdges: o.mEdges,
    axis,
    band: typeof o.band === 'string' ? o.band : undefined,
    nInjected,
    nSelected,
    completeness,
    completenessErr,
    completenessSource,
    areaArcmin2: o.areaArcmin2,
    cosmology,
    ...(o.transfer !== undefined ? { transfer: validateTransfer(o.transfer, file) } : {}),
    ...(o.model !== undefined ? { model: validateModel(o.model, nz, file) } : {}),
  };
}

/** The `model` of a completenessFromInjections product: one logistic (x50, width > 0, cMax in [0, 1]) per z row. */
function validateModel(m: unknown, nz: number, file?: string): NonNullable<CompletenessProduct['model']> {
  const o = m as { kind?: unknown; fits?: unknown };
  if (!o || typeof o !== 'object' || o.kind !== 'logistic') throw new LumfuncError(`model must be { kind: 'logistic', fits: [...] }, got kind ${JSON.stringify(o?.kind)}`, file);
  if (!Array.isArray(o.fits) || o.fits.length !== nz) throw new LumfuncError(`model.fits must have ${nz} entries (one per z bin)`, file);
  return {
    kind: 'logistic',
    fits: o.fits.map((f: Record<string, unknown>, i: number) => {
      const { x50, width, cMax } = f ?? {};
      if (typeof x50 !== 'number' || !Number.isFinite(x50) || typeof width !== 'number' || !(width > 0) || typeof cMax !== 'number' || !(cMax >= 0 && cMax <= 1)) {
        throw new LumfuncError(`model.fits[${i}] needs finite x50, width > 0 and cMax in [0, 1]`, file);
      }
      return { ...f, x50, width, cMax };
    }),
  };
}

/** Reads and validates `completeness.json`. */
export function readCompleteness(path: string): CompletenessProduct {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LumfuncError(`cannot read completeness product (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new LumfuncError(`not valid JSON (${(e as Error).message})`, path);
  }
  return validateCompleteness(obj, path);
}

/** A completeness product that is C = 1 everywhere (pure volume-limited LF) over the given grid. */
export function unitCompleteness(zEdges: number[], mEdges: number[], areaArcmin2: number): CompletenessProduct {
  return {
    preset: 'unit',
    zEdges,
    mEdges,
    axis: 'M_UV',
    completeness: zEdges.slice(1).map(() => mEdges.slice(1).map(() => 1)),
    areaArcmin2,
  };
}

/**
 * A smooth completeness grid C = 1/(1 + exp((m − m50)/width)) in apparent magnitude, for mocks and
 * tests (the usual logistic parametrisation of injection–recovery curves).
 */
export function logisticCompleteness(opts: {
  zEdges: number[]; mEdges: number[]; m50: number; width: number; areaArcmin2: number; cMax?: number;
}): CompletenessProduct {
  const cMax = opts.cMax ?? 1;
  const mid = (e: number[], i: number) => 0.5 * (e[i] + e[i + 1]);
  return {
    preset: `logistic m50=${opts.m50} w=${opts.width}`,
    zEdges: opts.zEdges,
    mEdges: opts.mEdges,
    axis: 'mag',
    completeness: opts.zEdges.slice(1).map(() =>
      opts.mEdges.slice(1).map((_, j) => cMax / (1 + Math.exp((mid(opts.mEdges, j) - opts.m50) / opts.width)))),
    areaArcmin2: opts.areaArcmin2,
  };
}

function interp1(edges: number[], x: number): [number, number, number] {
  // Linear interpolation between bin centres, clamped to the first/last centre.
  const n = edges.length - 1;
  const c = (i: number) => 0.5 * (edges[i] + edges[i + 1]);
  if (n === 1 || x <= c(0)) return [0, 0, 0];
  if (x >= c(n - 1)) return [n - 1, n - 1, 0];
  let i = 0;
  while (i < n - 2 && x > c(i + 1)) i++;
  const t = (x - c(i)) / (c(i + 1) - c(i));
  return [i, i + 1, t];
}

/**
 * C(M_UV, z) by bilinear interpolation between cell centres (clamped at the grid's edge in z; in
 * magnitude, brighter than the grid takes the brightest cell, fainter than the faint edge gives 0). A product
 * that carries its logistic `model` is read from it at the exact magnitude instead (linear in z as the grid).
 * For axis = 'mag' the magnitude looked up is m = M + DM(z) − 2.5 log10(1+z).
 */
const productCosmo = new WeakMap<CompletenessProduct, Cosmology>();

function cosmologyOf(c: CompletenessProduct): Cosmology {
  if (!c.cosmology) return defaultCosmology();
  let k = productCosmo.get(c);
  if (!k) productCosmo.set(c, (k = new Cosmology(c.cosmology)));
  return k;
}

export function completenessAt(c: CompletenessProduct, M: number, z: number, cosmo?: Cosmology): number {
  const cos = cosmo ?? cosmologyOf(c);
  const x = c.axis === 'mag' ? apparentMagnitude(M, z, cos) : M;
  if (x > c.mEdges[c.mEdges.length - 1]) return 0;
  const [z0, z1, tz] = interp1(c.zEdges, z);
  const fits = c.model?.kind === 'logistic' && c.model.fits.length === c.zEdges.length - 1 ? c.model.fits : null;
  if (fits) {
    // the logistic at the exact magnitude (the grid's linear interpolation overestimates C on its convex faint
    // side: ≈ 25 % at 0.75 mag past the half point for a 0.3-mag width), linear in z between the rows' centres
    const at = (f: { x50: number; width: number; cMax: number }) => Math.min(1, Math.max(0, f.cMax / (1 + Math.exp((x - f.x50) / f.width))));
    return at(fits[z0]!) * (1 - tz) + at(fits[z1]!) * tz;
  }
  const [m0, m1, tm] = interp1(c.mEdges, x);
  const g = c.completeness;
  const a = g[z0][m0] * (1 - tm) + g[z0][m1] * tm;
  const b = g[z1][m0] * (1 - tm) + g[z1][m1] * tm;
  return a * (1 - tz) + b * tz;
}
