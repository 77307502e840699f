// Stage "completeness" (docs/pipeline.md): the selection completeness C(M_UV, z) by injection–recovery
// through the same chain, and the detection depth (co-add vs denoised: completeness and purity against
// magnitude, m90 and the gain).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { binIndex, defineStage, readCsvFile, writeFileAtomic } from '@asteris/core';
import { abMagFromNJy } from '@asteris/astro';
import { readImage, Wcs } from '@asteris/fits';
import { readSources, type DetectProduct, type Source, type Thresholds } from '@asteris/extract';
import { completenessFromInjections, completenessSvg, validateCompleteness, type CompletenessModelProduct, type Injection } from '@asteris/lumfunc';
import { InjectionConfigSchema } from '@asteris/sim';
import { completenessCurve, purityCurve, m90, M90_DEFINITION, recovered } from './depth.ts';

export const COMPLETENESS_FILES = { completeness: 'completeness.json', depth: 'depth.json', figure: 'completeness.svg' } as const;

/** False detections of one detection path: sources on the negated detection image at that path's threshold. */
export interface FalseDetectionCount { path: 'co-add' | 'denoised'; threshold: number; nFalse: number; nDetected: number; areaArcmin2: number }

export interface DepthSummary {
  edges: number[];
  curves: { label: string; mag: number[]; completeness: number[]; purity: number[] }[];
  m90: Record<string, number | null>;
  /** which m90 definition (the one in @asteris/astro, libs/pipeline/src/depth.ts M90_DEFINITION) */
  m90Definition: string;
  gain: number | null;
  nInjected: number;
  /** detection thresholds (σ) used for the co-add and the denoised detection images */
  thresholds: Thresholds;
  /** per detection path: negative-image detections at its threshold over the field (the detect stage's negative catalogues) */
  falseDetections?: FalseDetectionCount[];
  /** C(M_UV) per z bin (SVG), added by read(): the completeness stage's figure */
  completenessSvg?: string;
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

export function readCandidatePositions(file: string, wcs: Wcs): { x: number; y: number }[] {
  if (!existsSync(file)) return [];
  const { header: head, rows } = readCsvFile(file);
  if (rows.length === 0) return [];
  const xi = head.indexOf('x');
  const yi = head.indexOf('y');
  const ri = head.indexOf('ra');
  const di = head.indexOf('dec');
  if ((xi < 0 || yi < 0) && (ri < 0 || di < 0)) throw new Error(`${file}: candidates need x/y or ra/dec columns for injection–recovery matching`);
  return rows.map((c) => {
    if (xi >= 0 && yi >= 0) return { x: Number(c[xi]), y: Number(c[yi]) };
    const [x, y] = wcs.skyToPixel(Number(c[ri]), Number(c[di]));
    return { x, y };
  });
}

/** Survey area of a field, arcmin² (the one formula; the report and the completeness product use it). */
export function areaArcmin2(f: { width: number; height: number; pixelScale: number }): number {
  return (f.width * f.height * f.pixelScale ** 2) / 3600;
}

/** Injections a z bin needs for its own logistic fit (completenessFromInjections' default); fewer → the pooled fit. */
const MIN_PER_BIN = 30;

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

/** Negative-image counts per detection path (the detect stage's sources_negative / sources_coadd_negative). */
export function falseDetectionCounts(d: DetectProduct, areaArcmin2: number): FalseDetectionCount[] {
  const rows: FalseDetectionCount[] = [];
  if (d.denoised) rows.push({ path: 'co-add', threshold: d.thresholds.coadd, nFalse: readSources(d.coaddNegative).length, nDetected: readSources(d.coaddSources).length, areaArcmin2 });
  rows.push({ path: d.denoised ? 'denoised' : 'co-add', threshold: d.denoised ? d.thresholds.denoised : d.thresholds.coadd, nFalse: readSources(d.negative).length, nDetected: readSources(d.sources).length, areaArcmin2 });
  return rows;
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
    const det0 = readSources(i.main.detect.sources);
    const det0co = readSources(i.main.detect.coaddSources);
    const injMags: number[] = [];
    const foundDen: boolean[] = [];
    const foundCo: boolean[] = [];
    for (const r of i.injected) {
      const rows = readInjected(r.list);
      const sel = readCandidatePositions(r.select.candidates, wcs);
      const selFound = recovered(rows, sel, mainSel, 2.5, 1.5);
      rows.forEach((row, k) => injections.push({ mag: row.muv, z: row.z, selected: selFound[k]! }));
      const fluxDet = rows.map((row) => {
        const fs = c.detectBands.map((b) => row.flux[b]).filter((v): v is number => Number.isFinite(v));
        return fs.length ? fs.reduce((a, b) => a + b, 0) / fs.length : NaN;
      });
      injMags.push(...fluxDet.map((f) => (f > 0 ? abMagFromNJy(f) : NaN)));
      foundDen.push(...recovered(rows, readSources(r.detect.sources), det0));
      if (r.detect.denoised) foundCo.push(...recovered(rows, readSources(r.detect.coaddSources), det0co));
    }
    const area = areaArcmin2(i.field);
    const product = selectionCompleteness(injections, { zEdges, mEdges, areaArcmin2: area, preset: 'union of ' + c.preset, minPerBin: MIN_PER_BIN });
    // Detection depth: completeness vs injected detection-band magnitude, purity from negative images.
    const magOf = (s: Source) => (s.fluxAuto > 0 ? abMagFromNJy(s.fluxAuto) : NaN);
    const curves: DepthSummary['curves'] = [];
    const m90s: Record<string, number | null> = {};
    const add = (label: string, found: boolean[], pos: Source[], neg: Source[]) => {
      const cc = completenessCurve(injMags, found, magEdges);
      const p = purityCurve(pos.map(magOf), neg.map(magOf), magEdges);
      curves.push({ label, mag: cc.centres, completeness: cc.values, purity: p.values });
      m90s[label] = m90(cc, p);
    };
    const isDenoised = i.main.detect.denoised;
    if (isDenoised) add('co-add', foundCo, det0co, readSources(i.main.detect.coaddNegative));
    add(isDenoised ? 'denoised' : 'co-add', foundDen, det0, readSources(i.main.detect.negative));
    const gain = isDenoised && m90s['co-add'] !== null && m90s['denoised'] !== null ? m90s['denoised']! - m90s['co-add']! : null;
    const summary: DepthSummary = {
      edges: magEdges, curves, m90: m90s, m90Definition: M90_DEFINITION, gain, nInjected: injMags.length, thresholds: i.main.detect.thresholds, falseDetections: falseDetectionCounts(i.main.detect, area),
      completenessNote: completenessNote(product, MIN_PER_BIN),
    };
    writeFileAtomic(join(dir, COMPLETENESS_FILES.completeness), JSON.stringify(product, null, 2));
    writeFileAtomic(join(dir, COMPLETENESS_FILES.figure), completenessSvg(product, { title: `Selection completeness C(M_UV) per z bin (${product.preset}, ${injections.length} injections)` }));
    writeFileAtomic(join(dir, COMPLETENESS_FILES.depth), JSON.stringify(summary, null, 2));
    return { gain, pooledZBins: product.model.fits.filter((f) => f.source === 'pooled').length };
  },
  read: (dir) => ({
    completeness: join(dir, COMPLETENESS_FILES.completeness),
    depth: { ...JSON.parse(readFileSync(join(dir, COMPLETENESS_FILES.depth), 'utf8')) as DepthSummary, completenessSvg: join(dir, COMPLETENESS_FILES.figure) },
  }),
  publish: { [COMPLETENESS_FILES.completeness]: COMPLETENESS_FILES.completeness },
});
