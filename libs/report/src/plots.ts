// SVG figures for the report (Observable Plot rendered into a linkedom document, no browser needed).
import * as Plot from '@observablehq/plot';
import { plotDocument, plotSvg } from '@asteris/core/plot';

type PlotDocument = Parameters<typeof Plot.plot>[0] extends { document?: infer D } ? D : never;

function doc(): PlotDocument {
  return plotDocument() as unknown as PlotDocument;
}

function svgOf(el: { outerHTML: string }): string {
  // Plot returns <svg> or, with a legend, a <figure> wrapping it; both serialise to inline HTML.
  return plotSvg(el, 'inline');
}

export interface DepthCurve { label: string; mag: number[]; completeness: number[]; purity: number[] }

/** Completeness and purity against magnitude for each image kind, with the 90 % line and m90 marks. */
export function depthCurvesSvg(curves: DepthCurve[], m90: Record<string, number | null>): string {
  const rows = curves.flatMap((c) => c.mag.flatMap((m, i) => [
    { mag: m, value: c.completeness[i]!, series: `${c.label} completeness` },
    { mag: m, value: c.purity[i]!, series: `${c.label} purity` },
  ])).filter((r) => Number.isFinite(r.value));
  const marks: Plot.Markish[] = [
    Plot.ruleY([0.9], { stroke: '#888', strokeDasharray: '4,3' }),
    Plot.line(rows, { x: 'mag', y: 'value', stroke: 'series', strokeWidth: 1.8 }),
    Plot.dot(rows, { x: 'mag', y: 'value', stroke: 'series', r: 2 }),
  ];
  const m90rows = Object.entries(m90).filter(([, v]) => v !== null && Number.isFinite(v)).map(([label, v]) => ({ label, v: v as number }));
  if (m90rows.length) {
    marks.push(Plot.ruleX(m90rows, { x: 'v', stroke: '#444', strokeOpacity: 0.5 }));
    marks.push(Plot.text(m90rows, { x: 'v', y: 0.05, text: (d: { label: string; v: number }) => `m90 ${d.label} = ${d.v.toFixed(2)}`, rotate: -90, dx: -6, textAnchor: 'start', fontSize: 10 }));
  }
  return svgOf(Plot.plot({
    document: doc(), width: 640, height: 360, marginLeft: 50,
    x: { label: 'injected magnitude (AB)' },
    y: { label: 'fraction', domain: [0, 1.02], grid: true },
    color: { legend: true },
    marks,
  }) as unknown as { outerHTML: string });
}

/** A small P(z) curve for the candidate table, with labelled axes (redshift z; P(z) normalised to its peak). */
export function pzSparklineSvg(z: number[], p: number[], opts: { width?: number; height?: number } = {}): string {
  const peak = Math.max(...p.filter(Number.isFinite), 0) || 1;
  const rows = z.map((zz, i) => ({ z: zz, p: p[i]! / peak }));
  return svgOf(Plot.plot({
    document: doc(), width: opts.width ?? 240, height: opts.height ?? 110, marginLeft: 40, marginBottom: 32, marginTop: 8, marginRight: 8,
    style: { fontSize: '9px' },
    x: { label: 'redshift z', labelAnchor: 'center', labelArrow: 'none', domain: [0, 20], ticks: [0, 5, 10, 15, 20] },
    y: { label: 'P(z)/max', labelAnchor: 'center', labelArrow: 'none', domain: [0, 1], ticks: [0, 0.5, 1] },
    marks: [Plot.areaY(rows, { x: 'z', y: 'p', fill: '#4269d0', fillOpacity: 0.35 }), Plot.lineY(rows, { x: 'z', y: 'p', stroke: '#4269d0' }), Plot.frame({ stroke: '#bbb' })],
  }) as unknown as { outerHTML: string });
}
