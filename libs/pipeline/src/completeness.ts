// Stage "completeness" (docs/pipeline.md): the selection completeness C(M_UV, z) by injection–recovery
// through the same chain, and the detection depth of every detection path the detect stage ran
// (denoised and co-add through the bank, the SExtractor-default co-add: completeness and purity against
// magnitude, m90) with the run's four numbers (issue 14): the denoised path's depth gain over the
// SExtractor-default co-add (paper protocol) and over the optimal (bank) co-add, the field's
// Neyman–Pearson ceiling m90, and the ratio of z > 8.5 candidates denoised / co-add at equal null false rate.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { binIndex, defineStage, readCsvFile, writeFileAtomic } from '@asteris/core';
import { abMagFromNJy, m90Bootstrap, m90DiffInterval, m90Resolved, neymanPearsonM90, replicateInterval, type M90Path } from '@asteris/astro';
import { readImage, Wcs } from '@asteris/fits';
import { readSources, type DetectPath, type DetectProduct, type Source, type Thresholds } from '@asteris/extract';
import { LOST_DZ, buildTransfer, completenessFromInjections, completenessSvg, halfPoint, validateCompleteness, type CompletenessModelProduct, type Injection } from '@asteris/lumfunc';
import { InjectionConfigSchema } from '@asteris/sim';
import { completenessCurve, makeMatcher, purityCurve, m90, M90_DEFINITION, recovered, recoveredIndex, type Point } from './depth.ts';

export const COMPLETENESS_FILES = { completeness: 'completeness.json', depth: 'depth.json', figure: 'completeness.svg' } as const;

/**
 * False detections of one detection path at its threshold, per field: on its null images (bank; the count
 * over K nulls divided by K) or on the negated image (SExtractor); rate per arcmin² with its Poisson error.
 */
export interface FalseDetectionCount {
  path: string; threshold: number; nFalse: number; nDetected: number; areaArcmin2: number;
  kind?: 'null' | 'negated'; rate?: number; rateErr?: number; nNulls?: number;
}

/** The four numbers of a run (issue 14; docs/pipeline.md "Depth"). Null where a path was not run or an m90 is undefined. */
export interface FourNumbers {
  /** m90(denoised) − m90(SExtractor-default co-add): the paper's protocol */
  gainVsSextractor: number | null;
  /** m90(denoised) − m90(bank co-add): the gain over the optimal co-add detector */
  gainVsOptimal: number | null;
  /** 68 % intervals of the two gains (paired bootstrap of the injections and detections, @asteris/astro m90Bootstrap) */
  gainVsSextractorInterval?: [number, number] | null;
  gainVsOptimalInterval?: [number, number] | null;
  /** injected sources behind the m90s (the intervals' sample) */
  nInjected?: number;
  /** Neyman–Pearson ceiling m90 of the field (point sources, ideal PSF-matched detector on the co-add, same false rate) */
  npM90: number | null;
  /** the ceiling's gain over the SExtractor-default co-add, npM90 − m90(SExtractor default) */
  ceilingVsSextractor: number | null;
  /** z_phot > 8.5 candidates of the denoised and the co-add path (both thresholds at the same null false rate) and their ratio */
  candidates: { zMin: number; denoised: number; coadd: number; ratio: number | null; falsePerArcmin2: { denoised: number | null; coadd: number | null } } | null;
}

export interface DepthSummary {
  edges: number[];
  curves: { label: string; mag: number[]; completeness: number[]; purity: number[] }[];
  m90: Record<string, number | null>;
  /** 68 % interval of each path's m90 (paired bootstrap of injections and detections; null where undefined) */
  m90Interval?: Record<string, [number, number] | null>;
  /** which m90 definition (the one in @asteris/astro, libs/pipeline/src/depth.ts M90_DEFINITION) */
  m90Definition: string;
  gain: number | null;
  nInjected: number;
  /** detection thresholds (σ) used for the co-add and the denoised detection images */
  thresholds: Thresholds;
  /** per detection path: false detections at its threshold over the field (null images or negated image) */
  falseDetections?: FalseDetectionCount[];
  /** the run's four numbers (issue 14) */
  four?: FourNumbers;
  /** C(M_UV) per z bin (SVG), added by read(): the completeness stage's figure */
  completenessSvg?: string;
  /** fraction of the field's own candidates that the injected runs select again (1 = the injections disturb nothing) */
  reselected?: number;
  /** how C(M_UV, z) was fitted (per z bin or pooled, and why), for the report */
  completenessNote?: string;
}

export interface InjectedRow { x: number; y: number; z: number; muv: number; mag: number; flux: Record<string, number> }


export function readInjected(file: string): InjectedRow[] {
  const { header: head, rows } = readCsvFile(file);
  const num = (c: string[], ...names: string[]) => {
    for (const n of names) { const i = head.indexOf(n); if (i >= 0) return Number(c[i]); }
    return NaN;
  };
  return rows.map((c) => {
    const flux: Record<string, number> = {};
    head.forEach((h, i) => { const m = /^flux_(.+)$/.exec(h); if (m) flux[m[1]!.toUpperCase()] = Number(c[i]); });
    return { x: num(c, 'x'), y: num(c, 'y'), z: num(c, 'z'), muv: num(c, 'muv', 'M_UV'), mag: num(c, 'mag', 'mag_in'), flux };
  });
}

/** Candidate positions in pixels, with the measured M_UV (`muv`) where the file has it (NaN otherwise). */
export function readCandidatePositions(file: string, wcs: Wcs): { x: number; y: number; muv: number; zPhot: number }[] {
  if (!existsSync(file)) return [];
  const { header: head, rows } = readCsvFile(file);
  if (rows.length === 0) return [];
  const xi = head.indexOf('x');
  const yi = head.indexOf('y');
  const ri = head.indexOf('ra');
  const di = head.indexOf('dec');
  if ((xi < 0 || yi < 0) && (ri < 0 || di < 0)) throw new Error(`${file}: candidates need x/y or ra/dec columns for injection–recovery matching`);
  const mi = head.indexOf('muv'), zi = head.indexOf('z_phot');
  const num = (c: string[], i: number) => (i >= 0 && c[i] !== '' ? Number(c[i]) : NaN);
  return rows.map((c) => {
    const muv = num(c, mi), zPhot = num(c, zi);
    if (xi >= 0 && yi >= 0) return { x: Number(c[xi]), y: Number(c[yi]), muv, zPhot };
    const [x, y] = wcs.skyToPixel(Number(c[ri]), Number(c[di]));
    return { x, y, muv, zPhot };
  });
}

/** Survey area of a field, arcmin² (the one formula; the report and the completeness product use it). */
export function areaArcmin2(f: { width: number; height: number; pixelScale: number }): number {
  return (f.width * f.height * f.pixelScale ** 2) / 3600;
}

/** Injections a z bin needs for its own logistic fit (completenessFromInjections' default); fewer → the pooled fit. */
const MIN_PER_BIN = 30;
/** bootstrap replicates for the m90 intervals (seeded with the injection seed) */
const BOOTSTRAP_REPLICATES = 400;

/** The grids of the pipeline's completeness product: z bins of 1 from the injection range, M_UV −23…−15 in 0.5. */
export function completenessGrid(zRange: [number, number]): { zEdges: number[]; mEdges: number[] } {
  const zEdges: number[] = [];
  for (let z = Math.floor(zRange[0] * 2) / 2; z < zRange[1] + 1e-9; z += 1) zEdges.push(Number(z.toFixed(2)));
  if (zEdges[zEdges.length - 1]! < zRange[1]) zEdges.push(zRange[1]);
  const mEdges: number[] = [];
  for (let m = -23; m <= -15 + 1e-9; m += 0.5) mEdges.push(m);
  return { zEdges, mEdges };
}

/**
 * The selection completeness C(M_UV, z) from injection–recovery (issue 15): a logistic in M_UV per z bin
 * fitted to every injected object (@asteris/lumfunc completenessFromInjections; pooled fit for a z bin
 * with < minPerBin injections), so an empty cell gets the fitted C, never 0, and each cell has a 1σ error.
 */
export function selectionCompleteness(inj: Injection[], o: { zEdges: number[]; mEdges: number[]; areaArcmin2: number; preset: string; minPerBin?: number }): CompletenessModelProduct {
  const inRange = inj.filter((r) => binIndex(o.zEdges, r.z) >= 0 && Number.isFinite(r.mag));
  if (inRange.length === 0) throw new Error(`completeness: none of the ${inj.length} injected galaxies lies in z ${o.zEdges[0]}–${o.zEdges[o.zEdges.length - 1]} with a finite M_UV`);
  const product = completenessFromInjections(inRange, {
    zEdges: o.zEdges, mEdges: o.mEdges, axis: 'M_UV', areaArcmin2: o.areaArcmin2, preset: o.preset, cosmology: { H0: 70, Om: 0.3 }, minPerBin: o.minPerBin,
  });
  validateCompleteness(product); // the LF stage reads it back through the same check
  return product;
}

/** One line on how the completeness was fitted: which z bins have their own logistic and which use the pooled one. */
export function completenessNote(p: CompletenessModelProduct, minPerBin = 30): string {
  const fits = p.model.fits;
  const own = fits.filter((f) => f.source === 'bin').length;
  const n = fits.reduce((a, f) => a + f.nInjected, 0);
  if (own === fits.length) return `${n} injections; every z bin has its own logistic fit.`;
  const pooled = fits.find((f) => f.source === 'pooled')!;
  const x50 = `M_UV at half of C_max ${pooled.x50.toFixed(2)}${Number.isFinite(pooled.x50Err) ? ` ± ${pooled.x50Err.toFixed(2)}` : ''}, C_max ${pooled.cMax.toFixed(2)}`;
  return own === 0
    ? `${n} injections over ${fits.length} z bins, no bin with ${minPerBin} or more (and some but not all recovered): one logistic fitted to all injections (${x50}) is used for every z bin, so the z dependence is not resolved; more injections (--injections) resolve it.`
    : `${n} injections: ${own} of ${fits.length} z bins fitted on their own; the others use the logistic fitted to all injections (${x50}).`;
}

/** How many of the field's own candidates (`main`) an injected run's selection (`run`) has again within `radius` px. */
export function reselectedCount(main: Point[], run: Point[], radius = 2.5): number {
  const match = makeMatcher(run, radius);
  return main.filter((p) => match(p.x, p.y) >= 0).length;
}

/** The fraction of the field's `nMain` own candidates the injected runs select again, over all runs (null without either). */
export function reselectedFraction(reselected: number[], nMain: number): number | null {
  return nMain && reselected.length ? reselected.reduce((a, b) => a + b, 0) / (nMain * reselected.length) : null;
}

/** Below this re-selected fraction of its own candidates, the injections disturb the field they measure. */
export const RESELECT_MIN = 0.9;

/**
 * One sentence when the injected runs lose more than 10 % of the field's own candidates: the injections then crowd
 * the field (blends, shifted photometry), and C(M_UV, z) comes out low (issue 15 closure survey: 100 injections per
 * 256² round re-selected 60–90 %, 25 per round 85–100 %). Empty otherwise.
 */
export function reselectionNote(reselected: number[], nMain: number, perRound: number): string {
  const f = reselectedFraction(reselected, nMain);
  if (f === null || f >= RESELECT_MIN) return '';
  return `The injected runs select only ${(100 * f).toFixed(0)} % of the field's own ${nMain} candidates again: ${perRound} injections per round crowd the field they measure, so C is biased low; use fewer per round (injection.n) and more rounds (injection.rounds).`;
}

/** Calibration details the detect stage recorded (thresholds.json). */
interface Calibration {
  nullRate?: Record<string, { rate: number; err: number; n: number; nNulls: number; nullKind: 'null' | 'negated' }>;
  sextractorFalse?: { n: number; rate: number; err: number };
  coaddPixelNoise?: number; coaddPsfNoise?: number; target?: number; width?: number; height?: number;
  bank?: { psfFwhmPx: number; pixelScale: number };
}
function readCalibration(d: DetectProduct): Calibration {
  try { return JSON.parse(readFileSync(d.calibrationFile, 'utf8')) as Calibration; } catch { return {}; }
}

/** False detections per detection path (the detect stage's false-source lists, weighted 1/K over K nulls). */
export function falseDetectionCounts(d: DetectProduct, areaArcmin2: number): FalseDetectionCount[] {
  const cal = readCalibration(d);
  return d.paths.map((p) => {
    const n = readSources(p.falseSources).length;
    const nr = p.detector === 'bank' ? cal.nullRate?.[p.id] : undefined;
    // bank paths: the rate of the calibration (bank peaks on the nulls); others: negated-image detections
    const rate = nr ? nr.rate : n / areaArcmin2;
    const rateErr = nr ? nr.err : Math.sqrt(Math.max(n, 1)) / areaArcmin2;
    return {
      path: p.label, threshold: p.threshold, nFalse: n * p.falseWeight, nDetected: readSources(p.sources).length, areaArcmin2,
      kind: p.falseKind, rate, rateErr, ...(nr ? { nNulls: nr.nNulls } : {}),
    };
  });
}

/** Candidates with z_phot above zMin in a candidates.csv (0 when the file is absent or empty). */
export function countHighZ(file: string, zMin = 8.5): number {
  if (!existsSync(file)) return 0;
  const { header, rows } = readCsvFile(file);
  const zi = header.indexOf('z_phot');
  if (zi < 0) return 0;
  return rows.filter((r) => Number(r[zi]) > zMin).length;
}

export const CompletenessConfigSchema = z.object({
  injection: InjectionConfigSchema, preset: z.string(), detectBands: z.array(z.string()).min(1),
}).strict();
export type CompletenessConfig = z.infer<typeof CompletenessConfigSchema>;

type Chain = { detect: DetectProduct; select: { candidates: string } };
export interface CompletenessInputs {
  field: { width: number; height: number; pixelScale: number };
  /** co-add of the first detection band (its WCS maps candidate RA/Dec to pixels) */
  refCoadd: string;
  main: Chain;
  injected: (Chain & { list: string })[];
  /** the co-add path's selection (photometry + selection on the co-add's bank detections), for the candidate ratio */
  coaddSelect?: { candidates: string };
}

export const completenessStage = defineStage<CompletenessInputs, CompletenessConfig, { completeness: string; depth: DepthSummary }>({
  name: 'completeness',
  package: '@asteris/pipeline',
  schema: CompletenessConfigSchema,
  files: COMPLETENESS_FILES,
  async run(i, c, dir) {
    const inj = c.injection;
    const { zEdges, mEdges } = completenessGrid(inj.zRange);
    const injections: Injection[] = [];
    const magEdges: number[] = [];
    for (let m = inj.magRange[0]; m <= inj.magRange[1] + 1e-9; m += 0.5) magEdges.push(Number(m.toFixed(2)));

    const wcs = Wcs.fromHeader(readImage(i.refCoadd).header);
    const mainSel = readCandidatePositions(i.main.select.candidates, wcs);
    const paths = i.main.detect.paths;
    const det0 = new Map(paths.map((p) => [p.id, readSources(p.sources)]));
    const injMags: number[] = [];
    // true and measured M_UV of every selected injection: the magnitude migration the LF fits forward-model
    const migration: { z: number; M: number; Mobs: number; zObs: number }[] = [];
    // how many of the field's own candidates each injected run selects again (injections must not disturb them)
    const reselected: number[] = [];
    const found = new Map<string, boolean[]>(paths.map((p) => [p.id, []]));
    for (const r of i.injected) {
      const rows = readInjected(r.list);
      const sel = readCandidatePositions(r.select.candidates, wcs);
      const selIdx = recoveredIndex(rows, sel, mainSel, 2.5, 1.5);
      reselected.push(reselectedCount(mainSel, sel));
      rows.forEach((row, k) => {
        injections.push({ mag: row.muv, z: row.z, selected: selIdx[k]! >= 0 });
        if (selIdx[k]! >= 0) migration.push({ z: row.z, M: row.muv, Mobs: sel[selIdx[k]!]!.muv, zObs: sel[selIdx[k]!]!.zPhot });
      });
      const fluxDet = rows.map((row) => {
        const fs = c.detectBands.map((b) => row.flux[b]).filter((v): v is number => Number.isFinite(v));
        return fs.length ? fs.reduce((a, b) => a + b, 0) / fs.length : NaN;
      });
      injMags.push(...fluxDet.map((f) => (f > 0 ? abMagFromNJy(f) : NaN)));
      for (const p of paths) {
        const q = r.detect.paths.find((x) => x.id === p.id);
        found.get(p.id)!.push(...recovered(rows, q ? readSources(q.sources) : [], det0.get(p.id)!));
      }
    }
    const area = areaArcmin2(i.field);
    const product = selectionCompleteness(injections, { zEdges, mEdges, areaArcmin2: area, preset: 'union of ' + c.preset, minPerBin: MIN_PER_BIN });
    const transfer = buildTransfer(migration.map((s) => ({ offset: s.M - halfPoint(product, s.z), dM: s.Mobs - s.M, lost: !(Math.abs(s.zObs - s.z) <= LOST_DZ) })));
    if (transfer) product.transfer = transfer;
    // Detection depth per path: completeness vs injected detection-band magnitude, purity from its false detections.
    const magOf = (s: Source) => (s.fluxAuto > 0 ? abMagFromNJy(s.fluxAuto) : NaN);
    const curves: DepthSummary['curves'] = [];
    const m90s: Record<string, number | null> = {};
    const byId: Partial<Record<DetectPath['id'], number | null>> = {};
    // order on the plot: the paper's baseline, the optimal co-add, the denoised path
    const order: DetectPath['id'][] = ['coadd-se', 'coadd', 'denoised'];
    const sorted = [...paths].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const bootPaths: M90Path[] = [];
    for (const p of sorted) {
      const detMags = det0.get(p.id)!.map(magOf), falseMags = readSources(p.falseSources).map(magOf);
      const cc = completenessCurve(injMags, found.get(p.id)!, magEdges);
      const pc = purityCurve(detMags, falseMags, magEdges, p.falseWeight);
      curves.push({ label: p.label, mag: cc.centres, completeness: cc.values, purity: pc.values });
      m90s[p.label] = byId[p.id] = m90(cc, pc);
      bootPaths.push({ recovered: found.get(p.id)!, detMags, falseMags, falseWeight: p.falseWeight });
    }
    // the statistical error of each m90 and of the gains: a paired bootstrap (same injections for every path)
    const boot = m90Bootstrap(injMags, bootPaths, magEdges, { n: BOOTSTRAP_REPLICATES, seed: inj.seed });
    const idx = (id: DetectPath['id']) => sorted.findIndex((p) => p.id === id);
    const m90Interval = Object.fromEntries(sorted.map((p, k) => [p.label, replicateInterval(boot.samples[k]!)]));
    const diffIv = (a: DetectPath['id'], b: DetectPath['id']) => (idx(a) >= 0 && idx(b) >= 0 ? m90DiffInterval(boot, idx(a), idx(b)) : null);
    const isDenoised = i.main.detect.denoised;
    const diff = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null ? a - b : null);
    const coOpt = i.main.detect.thresholds.detector === 'bank' ? byId['coadd'] : undefined;
    const seM90 = byId['coadd-se'] ?? (i.main.detect.thresholds.detector === 'sextractor' ? byId['coadd'] : undefined);
    const gain = isDenoised ? diff(byId['denoised'], byId['coadd']) : null;
    const cal = readCalibration(i.main.detect);
    let npM90: number | null = null;
    // the ceiling's noise: the PSF-filtered null co-adds' robust σ (correlated noise included; the unit-L2
    // PSF kernel makes it the white-noise-equivalent pixel σ); the pixel σ only for older thresholds.json
    const ceilingNoise = cal.coaddPsfNoise ?? cal.coaddPixelNoise;
    if (ceilingNoise && ceilingNoise > 0 && cal.bank && cal.target) {
      npM90 = neymanPearsonM90({ sigmaPix: ceilingNoise, psfFwhmPx: cal.bank.psfFwhmPx, width: cal.width ?? i.field.width, height: cal.height ?? i.field.height, pixelScaleArcsec: cal.bank.pixelScale, falsePerArcmin2: cal.target }).m90;
    }
    const falseDetections = falseDetectionCounts(i.main.detect, area);
    const rateOf = (label: string) => falseDetections.find((f) => f.path === label)?.rate ?? null;
    const nDen = isDenoised ? countHighZ(i.main.select.candidates) : 0;
    const nCo = i.coaddSelect ? countHighZ(i.coaddSelect.candidates) : 0;
    const four: FourNumbers = {
      gainVsSextractor: isDenoised ? diff(byId['denoised'], seM90) : null,
      gainVsOptimal: isDenoised && coOpt !== undefined ? diff(byId['denoised'], coOpt) : null,
      gainVsSextractorInterval: isDenoised ? diffIv('denoised', byId['coadd-se'] !== undefined ? 'coadd-se' : 'coadd') : null,
      gainVsOptimalInterval: isDenoised && coOpt !== undefined ? diffIv('denoised', 'coadd') : null,
      nInjected: injMags.length,
      npM90, ceilingVsSextractor: diff(npM90, seM90),
      candidates: isDenoised && i.coaddSelect ? { zMin: 8.5, denoised: nDen, coadd: nCo, ratio: nCo > 0 ? nDen / nCo : null, falsePerArcmin2: { denoised: rateOf('denoised'), coadd: rateOf('co-add') } } : null,
    };
    const reselectedFrac = reselectedFraction(reselected, mainSel.length);
    const summary: DepthSummary = {
      edges: magEdges, curves, m90: m90s, m90Interval, m90Definition: M90_DEFINITION, gain, nInjected: injMags.length, thresholds: i.main.detect.thresholds, falseDetections, four,
      completenessNote: [completenessNote(product, MIN_PER_BIN), reselectionNote(reselected, mainSel.length, inj.n)].filter(Boolean).join(' '),
      ...(reselectedFrac !== null ? { reselected: reselectedFrac } : {}),
    };
    writeFileAtomic(join(dir, COMPLETENESS_FILES.completeness), JSON.stringify(product, null, 2));
    writeFileAtomic(join(dir, COMPLETENESS_FILES.figure), completenessSvg(product, { title: `Selection completeness C(M_UV) per z bin (${product.preset}, ${injections.length} injections)` }));
    writeFileAtomic(join(dir, COMPLETENESS_FILES.depth), JSON.stringify(summary, null, 2));
    return { gain, four, pooledZBins: product.model.fits.filter((f) => f.source === 'pooled').length };
  },
  read: (dir) => ({
    completeness: join(dir, COMPLETENESS_FILES.completeness),
    depth: { ...JSON.parse(readFileSync(join(dir, COMPLETENESS_FILES.depth), 'utf8')) as DepthSummary, completenessSvg: join(dir, COMPLETENESS_FILES.figure) },
  }),
  publish: { [COMPLETENESS_FILES.completeness]: COMPLETENESS_FILES.completeness },
});

/** ' (68 %: a … b)' for a bootstrap interval, '' without one; flagged when it does not resolve the gain. */
export function formatInterval(iv: [number, number] | null | undefined, v: number | null = null, n?: number): string {
  const s = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  if (!iv) return '';
  const unresolved = v !== null && !m90Resolved(v, iv) ? `; not resolved${n ? ` by ${n} injections` : ''}: raise --injections or injection.rounds` : '';
  return ` (68 %: ${s(iv[0])} … ${s(iv[1])}${unresolved})`;
}

/** The four numbers as the CLI's end-of-run lines (n/a where not measured). */
export function formatFourNumbers(f: FourNumbers): string[] {
  const sd = (v: number | null) => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} mag`);
  const r = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
  const c = f.candidates;
  return [
    `depth gain, denoised vs SExtractor-default co-add (paper protocol): ${sd(f.gainVsSextractor)}${formatInterval(f.gainVsSextractorInterval, f.gainVsSextractor, f.nInjected)}`,
    `depth gain, denoised vs optimal (bank) co-add: ${sd(f.gainVsOptimal)}${formatInterval(f.gainVsOptimalInterval, f.gainVsOptimal, f.nInjected)}`,
    `Neyman–Pearson ceiling m90 of this field: ${f.npM90 === null ? 'n/a' : f.npM90.toFixed(2)} (${sd(f.ceilingVsSextractor)} over the SExtractor-default co-add)`,
    `z > ${c?.zMin ?? 8.5} candidates denoised / co-add at equal contamination: ${c ? `${c.denoised} / ${c.coadd} = ${c.ratio === null ? 'n/a' : c.ratio.toFixed(2)} (null false rates ${r(c.falsePerArcmin2.denoised)} and ${r(c.falsePerArcmin2.coadd)} per arcmin²)` : 'n/a'}`,
  ];
}
