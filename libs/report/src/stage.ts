// Stage "report" (docs/pipeline.md): one self-contained HTML page per field — overview images (co-add and
// denoised), depth curves, the candidates with stamps and P(z), the LF figure, provenance and the stages.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage, readCsvFile, writeFileAtomic } from '@asteris/core';
import { readImage, Wcs } from '@asteris/fits';
import { renderReport, type CandidateRow, type FalseDetectionRow, type FourNumbersRow, type OverviewPanel } from './html.ts';
import { residualPng, type CdMatrix } from './figures.ts';
import { imageToPng, stretchLimits, cutout } from './png.ts';
import type { DepthCurve } from './plots.ts';

export const REPORT_FILES = { html: 'index.html' } as const;

export const ReportConfigSchema = z.object({
  title: z.string(),
  /** bands shown in the overview (at most two) */
  showBands: z.array(z.string()).max(2),
  /** provenance rows (field directory, denoiser, models, config, …) */
  provenance: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
}).strict();
export type ReportConfig = z.infer<typeof ReportConfigSchema>;

export interface ReportInputs {
  field: { name: string; bands: string[]; width: number; height: number; pixelScale: number; areaArcmin2: number; nExposures: Record<string, number> };
  images: Record<string, { coadd: string; denoised?: string }>;
  select: { dir: string; candidates: string; pz: string; presetDirs: string[] };
  lf?: { svg: string };
  depth?: {
    curves: DepthCurve[]; m90: Record<string, number | null>; gain: number | null; nInjected: number; thresholds: { coadd: number; denoised: number; detector?: string; sextractor?: number };
    /** false detections per detection path (the completeness stage's falseDetectionCounts) */
    falseDetections?: FalseDetectionRow[];
    /** the run's four numbers (issue 14) */
    four?: FourNumbersRow;
    /** C(M_UV) per z bin, an SVG file (the completeness stage's figure) */
    completenessSvg?: string;
    /** how that C was fitted (pooled z bins), shown under the figure */
    completenessNote?: string;
  };
  /** the run's stages (not part of the cache key) */
  stages?: { stage: string; result: { key: string; cached: boolean; seconds: number } }[];
}


/** The CD matrix (deg/px) of a co-add's WCS, for the N/E compass; undefined when the header has no usable WCS. */
export function cdOf(coadd: string): CdMatrix | undefined {
  try {
    const cd = Wcs.fromHeader(readImage(coadd).header, coadd).cd;
    return cd.flat().every(Number.isFinite) && cd[0][0] * cd[1][1] - cd[0][1] * cd[1][0] !== 0 ? [[cd[0][0], cd[0][1]], [cd[1][0], cd[1][1]]] : undefined;
  } catch {
    return undefined;
  }
}

function overviewPanel(b: string, f: { coadd: string; denoised?: string }): OverviewPanel {
  const co = readImage(f.coadd);
  const de = f.denoised ? readImage(f.denoised) : null;
  const lim = stretchLimits(de ? [co.data, de.data] : [co.data], 1, 99.8);
  const s = { ...lim, kind: 'asinh' as const, soft: 0.02 };
  const zoom = Math.max(1, Math.floor(540 / co.width));
  const z = Math.min(96, Math.floor(co.width / 4));
  const cx = co.width / 2;
  const cy = co.height / 2;
  const zc = cutout(co.data, co.width, co.height, cx, cy, z);
  const zd = de ? cutout(de.data, de.width, de.height, cx, cy, z) : null;
  const zooms: OverviewPanel['zooms'] = [{ label: `centre ${z}×${z} px`, coaddPng: imageToPng(zc, z, z, s, { zoom: 2 }), ...(zd ? { denoisedPng: imageToPng(zd, z, z, s, { zoom: 2 }) } : {}) }];
  // denoised − co-add on the same grid (issue 17): streaks or blotches the denoiser added show here
  const res = de && de.width === co.width && de.height === co.height ? residualPng(co.data, de.data, co.width, co.height, { zoom }) : null;
  return {
    band: b, coaddPng: imageToPng(co.data, co.width, co.height, s, { zoom }), ...(de ? { denoisedPng: imageToPng(de.data, de.width, de.height, s, { zoom }) } : {}),
    ...(res ? { residualPng: res.png, residualStretch: res.stretch } : {}),
    zooms, stretch: `asinh, limits ${lim.lo.toPrecision(3)} … ${lim.hi.toPrecision(3)} (${co.header.getString('BUNIT') ?? 'data units'})`,
  };
}

function candidateRows(sel: ReportInputs['select']): CandidateRow[] {
  const out: CandidateRow[] = [];
  if (!existsSync(sel.candidates)) return out;
  const { header: head, rows } = readCsvFile(sel.candidates);
  const g = (c: string[], n: string) => { const i = head.indexOf(n); return i >= 0 ? c[i]! : ''; };
  const stampDirs = [sel.dir, ...sel.presetDirs];
  const pzs = existsSync(sel.pz) ? JSON.parse(readFileSync(sel.pz, 'utf8')) as Record<string, { z: number[]; p: number[] }> : {};
  for (const c of rows.slice(0, 200)) {
    const id = g(c, 'id');
    const stamp = stampDirs.map((d) => join(d, 'stamps', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.png`)).find((p) => existsSync(p));
    const num = (n: string) => { const t = g(c, n); const v = t === '' ? NaN : Number(t); return Number.isFinite(v) ? v : NaN; };
    out.push({
      id, ra: num('ra'), dec: num('dec'), zPhot: num('z_phot'), zLo: num('z_lo68'), zHi: num('z_hi68'), pHighZ: num('p_z_gt7'),
      muv: num('muv'), mag: num('ref_mag'), snr: num('snr_det'), preset: g(c, 'preset'),
      ...(stamp ? { stampPng: readFileSync(stamp) } : {}),
      ...(pzs[id] ? { pz: pzs[id] } : {}),
    });
  }
  return out;
}

/** One line on how the detection thresholds were set. */
export function thresholdNote(t: { coadd: number; denoised: number; detector?: string; sextractor?: number }): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  return t.detector === 'sextractor'
    ? `SExtractor detection: co-add ${f(t.coadd)}σ, denoised ${f(t.denoised)}σ (the lowest at which the denoised image has no more negated-image detections than the co-add).`
    : `Matched-filter bank detection (PSF + exponential discs), each path's threshold set on its own null stacks at the same false rate: co-add ${f(t.coadd)}σ, denoised ${f(t.denoised)}σ; the SExtractor-default co-add (paper protocol) at ${f(t.sextractor ?? 1.5)}σ.`;
}

export const reportStage = defineStage<ReportInputs, ReportConfig, { html: string }>({
  name: 'report',
  package: '@asteris/report',
  schema: ReportConfigSchema,
  files: REPORT_FILES,
  async run(i, c, dir) {
    const overview = c.showBands.filter((b) => i.images[b]).map((b) => overviewPanel(b, i.images[b]!));
    const lfSvg = i.lf && existsSync(i.lf.svg) ? readFileSync(i.lf.svg, 'utf8') : undefined;
    const compSvg = i.depth?.completenessSvg && existsSync(i.depth.completenessSvg) ? readFileSync(i.depth.completenessSvg, 'utf8') : undefined;
    // the detection band's co-add (first shown band, else the first band) gives the compass
    const wcsBand = [...c.showBands, ...i.field.bands].find((b) => i.images[b]);
    const cd = wcsBand ? cdOf(i.images[wcsBand]!.coadd) : undefined;
    const html = renderReport({
      title: c.title, generatedAt: new Date().toISOString(), field: { ...i.field, ...(cd ? { cd } : {}) }, overview,
      ...(i.depth?.falseDetections?.length ? { falseDetections: i.depth.falseDetections } : {}),
      ...(compSvg ? { completenessSvg: compSvg, ...(i.depth?.completenessNote ? { completenessNote: i.depth.completenessNote } : {}) } : {}),
      ...(i.depth ? { depth: { curves: i.depth.curves, m90: i.depth.m90, gain: i.depth.gain, ...(i.depth.four ? { four: i.depth.four } : {}), note: `${i.depth.nInjected} injected high-z galaxies. ${thresholdNote(i.depth.thresholds)}` } } : {}),
      candidates: candidateRows(i.select), ...(lfSvg ? { lfSvg } : {}), provenance: c.provenance,
      ...(i.stages ? { stages: i.stages.map((r) => ({ stage: r.stage, status: r.result.cached ? `cached (${r.result.key})` : `computed (${r.result.key})`, seconds: r.result.seconds })) } : {}),
    });
    writeFileAtomic(join(dir, REPORT_FILES.html), html);
  },
  read: (dir) => ({ html: join(dir, REPORT_FILES.html) }),
  publish: { [REPORT_FILES.html]: `report/${REPORT_FILES.html}` },
});
