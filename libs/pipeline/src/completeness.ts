// Stage "completeness" (docs/pipeline.md): the selection completeness C(M_UV, z) by injection–recovery
// through the same chain, and the detection depth (co-add vs denoised: completeness and purity against
// magnitude, m90 and the gain).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage, parseCsv, CsvError, writeFileAtomic, type CsvTable } from '@asteris/core';
import { abMagFromNJy } from '@asteris/astro';
import { readImage, Wcs } from '@asteris/fits';
import { readSources, type DetectProduct, type Source, type Thresholds } from '@asteris/extract';
import { validateCompleteness, type CompletenessProduct } from '@asteris/lumfunc';
import { InjectionConfigSchema } from '@asteris/sim';
import { completenessCurve, purityCurve, m90, M90_DEFINITION, recovered } from './depth.ts';

export const COMPLETENESS_FILES = { completeness: 'completeness.json', depth: 'depth.json' } as const;

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
}

export interface InjectedRow { x: number; y: number; z: number; muv: number; mag: number; flux: Record<string, number> }

/** A CSV product of an earlier stage (RFC 4180 via @asteris/core; errors name the file and line). */
function readCsvFile(file: string): CsvTable {
  try {
    return parseCsv(readFileSync(file, 'utf8'), { file });
  } catch (e) {
    if (e instanceof CsvError && e.code === 'empty') return { header: [], rows: [], lines: [] };
    throw e;
  }
}

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

function bin(edges: number[], v: number): number {
  if (!(v >= edges[0]!) || !(v < edges[edges.length - 1]!)) return -1;
  for (let i = 0; i < edges.length - 1; i++) if (v < edges[i + 1]!) return i;
  return -1;
}

/** Survey area of a field, arcmin² (the one formula; the report and the completeness product use it). */
export function areaArcmin2(f: { width: number; height: number; pixelScale: number }): number {
  return (f.width * f.height * f.pixelScale ** 2) / 3600;
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
  dataFiles: () => [],
  async run(i, c, dir) {
    const inj = c.injection;
    const zEdges: number[] = [];
    for (let z = Math.floor(inj.zRange[0] * 2) / 2; z < inj.zRange[1] + 1e-9; z += 1) zEdges.push(Number(z.toFixed(2)));
    if (zEdges[zEdges.length - 1]! < inj.zRange[1]) zEdges.push(inj.zRange[1]);
    const mEdges: number[] = [];
    for (let m = -23; m <= -15 + 1e-9; m += 0.5) mEdges.push(m);
    const nInj = Array.from({ length: zEdges.length - 1 }, () => new Array<number>(mEdges.length - 1).fill(0));
    const nSel = Array.from({ length: zEdges.length - 1 }, () => new Array<number>(mEdges.length - 1).fill(0));
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
      rows.forEach((row, k) => {
        const zi = bin(zEdges, row.z);
        const mi = bin(mEdges, row.muv);
        if (zi < 0 || mi < 0) return;
        nInj[zi]![mi]!++;
        if (selFound[k]) nSel[zi]![mi]!++;
      });
      const fluxDet = rows.map((row) => {
        const fs = c.detectBands.map((b) => row.flux[b]).filter((v): v is number => Number.isFinite(v));
        return fs.length ? fs.reduce((a, b) => a + b, 0) / fs.length : NaN;
      });
      injMags.push(...fluxDet.map((f) => (f > 0 ? abMagFromNJy(f) : NaN)));
      foundDen.push(...recovered(rows, readSources(r.detect.sources), det0));
      if (r.detect.denoised) foundCo.push(...recovered(rows, readSources(r.detect.coaddSources), det0co));
    }
    const completeness = nInj.map((row, zi) => row.map((n, mi) => (n > 0 ? nSel[zi]![mi]! / n : 0)));
    const product: CompletenessProduct = {
      preset: 'union of ' + c.preset, zEdges, mEdges, axis: 'M_UV', nInjected: nInj, nSelected: nSel, completeness, areaArcmin2: areaArcmin2(i.field),
      cosmology: { H0: 70, Om: 0.3 },
    };
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
    const summary: DepthSummary = { edges: magEdges, curves, m90: m90s, m90Definition: M90_DEFINITION, gain, nInjected: injMags.length, thresholds: i.main.detect.thresholds };
    writeFileAtomic(join(dir, COMPLETENESS_FILES.completeness), JSON.stringify(validateCompleteness(product), null, 2));
    writeFileAtomic(join(dir, COMPLETENESS_FILES.depth), JSON.stringify(summary, null, 2));
    return { gain };
  },
  read: (dir) => ({ completeness: join(dir, COMPLETENESS_FILES.completeness), depth: JSON.parse(readFileSync(join(dir, COMPLETENESS_FILES.depth), 'utf8')) as DepthSummary }),
  publish: { [COMPLETENESS_FILES.completeness]: COMPLETENESS_FILES.completeness },
});
