// Figures: the LF (log φ vs M_UV, one panel per z bin, our points + fits over published CoReCon points),
// corner plots of the posteriors, and completeness curves. SVG via Observable Plot rendered into a
// linkedom document; PNG via @resvg/resvg-js with system fonts (DejaVu Sans).

import * as Plot from '@observablehq/plot';
import { plotDocument, plotSvg } from '@asteris/core/plot';
import { Resvg } from '@resvg/resvg-js';
import { absoluteMagnitude, lfPhi } from '@asteris/astro';
import { quantileSorted } from '@asteris/core';
import type { CompletenessProduct } from './completeness.ts';
import { completenessAt } from './completeness.ts';
import { toLfParams, type LfFitResult, type ParamName } from './fit.ts';
import type { LfBin } from './binned.ts';
import type { PublishedPoint } from './corecon.ts';

const FONT = 'DejaVu Sans, Liberation Sans, sans-serif';
const PALETTE = ['#440154', '#3b528b', '#21918c', '#5ec962', '#e6a100', '#c2185b', '#6a3d9a', '#1f77b4'];

const newDocument = plotDocument;

/** Serialises a Plot element into a standalone SVG string (xmlns, explicit colour). */
function svgString(el: unknown): string {
  return plotSvg(el, 'standalone');
}

/** Renders an SVG string to PNG bytes (white background, `scale`× resolution). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

export interface LfPanel {
  label: string;
  zLo: number;
  zHi: number;
  bins: LfBin[];
  fits: LfFitResult[];
  published: PublishedPoint[];
  /** M_UV range of the fits' likelihood (lf.ts fitRange): its faint end is drawn as a dashed line. */
  fitRange?: [number, number] | null;
}

const MODEL_COLOUR: Record<string, string> = { schechter: '#1f77b4', dpl: '#d62728' };
const MODEL_LABEL: Record<string, string> = { schechter: 'Schechter', dpl: 'double power law' };
const SOURCE_SYMBOLS = ['square', 'diamond', 'triangle', 'star', 'cross', 'wye', 'times', 'asterisk'];
const SYMBOL_GLYPH: Record<string, string> = { square: '□', diamond: '◇', triangle: '△', star: '☆', cross: '+', wye: 'Y', times: '×', asterisk: '✳' };

/** Posterior median and 68 % band of log φ(M) on a magnitude grid. */
export function fitBand(fit: LfFitResult, Ms: number[]): Array<{ M: number; med: number; lo: number; hi: number }> {
  const names = fit.sampleNames;
  const vals = Ms.map(() => [] as number[]);
  const step = Math.max(1, Math.floor(fit.samples.length / 400));
  for (let s = 0; s < fit.samples.length; s += step) {
    const rec = Object.fromEntries(names.map((n, i) => [n, fit.samples[s][i]])) as Record<ParamName, number>;
    const lf = toLfParams(fit.model, rec);
    Ms.forEach((M, i) => vals[i].push(Math.log10(lfPhi(lf, M))));
  }
  return Ms.map((M, i) => {
    const v = vals[i].sort((a, b) => a - b);
    return { M, med: quantileSorted(v, 0.5), lo: quantileSorted(v, 0.1587), hi: quantileSorted(v, 0.8413) };
  });
}

export function lfFigureSvg(panels: LfPanel[], opts: { Mrange?: [number, number]; logPhiRange?: [number, number]; title?: string; warning?: string } = {}): string {
  const [Mmin, Mmax] = opts.Mrange ?? [-23, -16.5];
  const [yMin, yMax] = opts.logPhiRange ?? [-7, -1.5];
  const grid: number[] = [];
  for (let M = Mmin; M <= Mmax + 1e-9; M += 0.05) grid.push(M);
  const pub: Array<Record<string, unknown>> = [];
  const pubUl: Array<Record<string, unknown>> = [];
  const ours: Array<Record<string, unknown>> = [];
  const oursUl: Array<Record<string, unknown>> = [];
  const curves: Array<Record<string, unknown>> = [];
  const sources = [...new Set(panels.flatMap((p) => p.published.map((q) => q.source)))];
  const clampY = (v: number) => Math.max(yMin, Math.min(yMax, v));
  for (const p of panels) {
    for (const q of p.published) {
      if (!(q.M >= Mmin && q.M <= Mmax)) continue;
      const row = {
        panel: p.label, M: q.M, y: q.logPhi, source: q.source, zsrc: q.z,
        y1: clampY(q.logPhi - (Number.isFinite(q.errDown) ? q.errDown : 3)), y2: clampY(q.logPhi + (Number.isFinite(q.errUp) ? q.errUp : 0)),
      };
      if (q.upperLimit) row.y = Math.max(yMin + 0.15, Math.min(yMax - 0.15, q.logPhi));
      (q.upperLimit ? pubUl : pub).push(row);
    }
    for (const b of p.bins) {
      if (!(b.M >= Mmin && b.M <= Mmax)) continue;
      if (b.upperLimit) {
        // limits are drawn inside the axes: a limit above the top is pinned just under it
        if (b.phiUpper > 0) oursUl.push({ panel: p.label, M: b.M, y: Math.max(yMin + 0.15, Math.min(yMax - 0.15, Math.log10(b.phiUpper))), n: b.n });
      } else {
        ours.push({
          panel: p.label, M: b.M, y: Math.log10(b.phi), n: b.n, Mlo: b.Mlo, Mhi: b.Mhi,
          y1: clampY(b.phi - b.errLo > 0 ? Math.log10(b.phi - b.errLo) : yMin), y2: clampY(Math.log10(b.phi + b.errUp)),
        });
      }
    }
    for (const f of p.fits) {
      for (const r of fitBand(f, grid)) {
        curves.push({ panel: p.label, model: MODEL_LABEL[f.model], M: r.M, med: r.med, lo: Math.max(r.lo, yMin - 1), hi: r.hi });
      }
    }
  }
  const nPanels = panels.length;
  const cols = Math.min(nPanels, 3);
  const panelOrder = panels.map((p) => p.label);
  for (const arr of [pub, pubUl, ours, oursUl, curves]) {
    for (const d of arr) {
      const k = panelOrder.indexOf(d.panel as string);
      d.fxv = k % cols;
      d.fyv = Math.floor(k / cols);
    }
  }
  const labels = panelOrder.map((panel, k) => ({ panel, fxv: k % cols, fyv: Math.floor(k / cols) }));
  const fitLimits = panels.flatMap((p, k) => (p.fits.length && p.fitRange && p.fitRange[1] < Mmax ? [{ M: p.fitRange[1], fxv: k % cols, fyv: Math.floor(k / cols) }] : []));
  const fx = { fx: 'fxv', fy: 'fyv' };
  const models = [...new Set(curves.map((c) => c.model as string))];
  const el = Plot.plot({
    document: newDocument(),
    width: 330 * cols + 80,
    height: 300 * Math.ceil(nPanels / cols) + 110,
    marginLeft: 60,
    marginBottom: 45,
    marginTop: 46,
    style: { fontFamily: FONT, fontSize: '12px', background: 'white' },
    x: { domain: [Mmin, Mmax], label: 'M_UV (AB)', labelAnchor: 'center', labelArrow: 'none', labelOffset: 36, ticks: intTicks(Mmin, Mmax), tickFormat: (d: number) => d.toFixed(0) },
    y: { domain: [yMin, yMax], label: 'log₁₀ φ  [Mpc⁻³ mag⁻¹]', labelAnchor: 'center', labelArrow: 'none', ticks: intTicks(yMin, yMax), tickFormat: (d: number) => d.toFixed(0), grid: true },
    fx: { axis: null, padding: 0.12 },
    fy: { axis: null, padding: 0.12 },
    color: { domain: models, range: models.map((m) => (m === 'Schechter' ? MODEL_COLOUR.schechter : MODEL_COLOUR.dpl)) },
    symbol: { domain: sources.map((s) => s), range: sources.map((_, i) => SOURCE_SYMBOLS[i % SOURCE_SYMBOLS.length]) },
    marks: [
      Plot.frame({ stroke: '#444' } as never),
      // the panel's label above its frame, clear of the upper limits pinned under the top edge
      Plot.text(labels, { ...fx, text: 'panel', frameAnchor: 'top', dy: -11, fontSize: 13, fontWeight: 'bold' } as never),
      Plot.areaY(curves, { ...fx, x: 'M', y1: 'lo', y2: 'hi', fill: 'model', fillOpacity: 0.18, z: 'model', clip: true, ariaDescription: 'fit-band' } as never),
      Plot.line(curves, { ...fx, x: 'M', y: 'med', stroke: 'model', z: 'model', strokeWidth: 1.8, clip: true, ariaDescription: 'fit-median' } as never),
      Plot.ruleX(pub, { ...fx, x: 'M', y1: 'y1', y2: 'y2', stroke: '#999', strokeWidth: 0.8, ariaDescription: 'published-errors' } as never),
      Plot.dot(pub, { ...fx, x: 'M', y: 'y', symbol: 'source', stroke: '#777', fill: 'white', r: 3.2, ariaDescription: 'published-points', title: (d: Record<string, unknown>) => `${d.source} z=${d.zsrc}` } as never),
      Plot.text(pubUl, { ...fx, x: 'M', y: 'y', text: () => '↓', fill: '#888', fontSize: 14, dy: 4, ariaDescription: 'published-upper-limits' } as never),
      Plot.ruleX(ours, { ...fx, x: 'M', y1: 'y1', y2: 'y2', stroke: 'black', strokeWidth: 1.4, ariaDescription: 'our-errors' } as never),
      Plot.ruleY(ours, { ...fx, x1: 'Mlo', x2: 'Mhi', y: 'y', stroke: 'black', strokeWidth: 1, ariaDescription: 'our-bin-widths' } as never),
      Plot.dot(ours, { ...fx, x: 'M', y: 'y', fill: 'black', r: 4, ariaDescription: 'our-points', title: (d: Record<string, unknown>) => `N = ${d.n}` } as never),
      Plot.text(oursUl, { ...fx, x: 'M', y: 'y', text: () => '▼', fill: 'black', fontSize: 11, ariaDescription: 'our-upper-limits' } as never),
      Plot.ruleX(fitLimits, { ...fx, x: 'M', stroke: '#555', strokeDasharray: '4,3', strokeWidth: 1, ariaDescription: 'fit-limit' } as never),
    ],
  } as never);
  let svg = svgString(el);
  // Legend (drawn by hand: Plot's swatch legends are HTML, not SVG).
  const W = 330 * cols + 80;
  const y0 = 300 * Math.ceil(nPanels / cols) + 131; // below the x-axis label, so the label does not read as a legend heading
  const items: string[] = [
    `<circle cx="0" cy="-4" r="4" fill="black"/><text x="10" y="0" text-anchor="start">this work (binned, 1σ Gehrels; ▼ = 1σ upper limit)</text>`,
    ...models.map((m) => `<line x1="-6" x2="10" y1="-4" y2="-4" stroke="${m === 'Schechter' ? MODEL_COLOUR.schechter : MODEL_COLOUR.dpl}" stroke-width="2"/><text x="16" y="0" text-anchor="start">${m} fit (median, 68 % band)</text>`),
    ...(fitLimits.length ? [`<line x1="0" x2="0" y1="-12" y2="2" stroke="#555" stroke-dasharray="4,3"/><text x="10" y="0" text-anchor="start">faint end of the fits' likelihood (fainter, the completeness is extrapolated)</text>`] : []),
    ...(sources.length ? [`<text x="0" y="0" fill="#888" text-anchor="middle">↓</text><text x="10" y="0" fill="#555" text-anchor="start">published points (grey, CoReCon compilation; ↓ = upper limit)</text>`] : []),
    ...sources.map((src, i) => `<text x="0" y="0" fill="#666" text-anchor="middle">${SYMBOL_GLYPH[SOURCE_SYMBOLS[i % SOURCE_SYMBOLS.length]]}</text><text x="10" y="0" fill="#555" text-anchor="start">${escapeXml(src)}</text>`),
  ];
  const per = 2;
  const legend = items.map((it, k) => `<g transform="translate(${70 + (k % per) * ((W - 80) / per)},${y0 + Math.floor(k / per) * 16})">${it}</g>`).join('');
  const extraH = Math.ceil(items.length / per) * 16;
  const title = (opts.title ? `<text x="${W / 2}" y="16" font-size="14" font-weight="bold" text-anchor="middle">${escapeXml(opts.title)}</text>` : '')
    + (opts.warning ? `<text x="${W / 2}" y="${opts.title ? 30 : 16}" font-size="12" font-weight="bold" fill="#c00" text-anchor="middle" aria-description="warning">${escapeXml(opts.warning)}</text>` : '');
  svg = svg.replace(/<\/svg>$/, `${title}<g aria-label="legend" font-size="11">${legend}</g></svg>`);
  // grow the canvas for the legend
  const H0 = 300 * Math.ceil(nPanels / cols) + 110;
  const extraTotal = extraH + 46;
  const hMatch = /viewBox="0 0 ([\d.]+) ([\d.]+)" height="([\d.]+)"/.exec(svg);
  const Hplot = hMatch ? Number(hMatch[2]) : H0;
  svg = svg.replace(/viewBox="0 0 ([\d.]+) ([\d.]+)" height="([\d.]+)"/, `viewBox="0 0 $1 ${Hplot + extraTotal}" height="${Hplot + extraTotal}"`);
  return svg;
}

function intTicks(a: number, b: number): number[] {
  const t: number[] = [];
  for (let v = Math.ceil(a); v <= Math.floor(b); v++) t.push(v);
  return t;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const PARAM_LABEL: Record<string, string> = { logPhiStar: 'log₁₀ φ*', MStar: 'M*', alpha: 'α', beta: 'β' };

/** Corner plot of a fit's posterior (free parameters only): histograms on the diagonal, scatter below. */
export function cornerSvg(fit: LfFitResult, title?: string): string {
  const idx = fit.free.map((n) => fit.sampleNames.indexOf(n));
  const n = idx.length;
  const cell = 170;
  const pad = 64;
  const W = pad + n * cell + 20;
  const H = n * cell + 50 + (title ? 20 : 0);
  const top = title ? 20 : 0;
  const cols = idx.map((k) => fit.samples.map((s) => s[k]));
  const ext = cols.map((v) => {
    const s = [...v].sort((a, b) => a - b);
    const lo = quantileSorted(s, 0.005);
    const hi = quantileSorted(s, 0.995);
    const m = 0.05 * (hi - lo || 1);
    return [lo - m, hi + m] as [number, number];
  });
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const common = {
        document: newDocument(), width: cell + (j === 0 ? 16 : 0), height: cell, marginLeft: j === 0 ? 62 : 6, marginBottom: i === n - 1 ? 36 : 6, marginTop: 6, marginRight: 6,
        style: { fontFamily: FONT, fontSize: '10px', background: 'white' },
      };
      const xAxis = { domain: ext[j], label: i === n - 1 ? PARAM_LABEL[fit.free[j]] : null, axis: i === n - 1 ? 'bottom' : null, ticks: 3, labelAnchor: 'center', labelArrow: 'none', labelOffset: 30 };
      let el: unknown;
      if (i === j) {
        const s = fit.posterior[fit.free[i]];
        el = Plot.plot({
          ...common, x: xAxis, y: { axis: null },
          marks: [
            Plot.rectY(cols[i], Plot.binX({ y: 'count' }, { x: (d: number) => d, thresholds: 30, fill: '#4a6fa5', inset: 0, clip: true, ariaDescription: 'corner-hist' } as never)),
            Plot.ruleX([s.lo, s.median, s.hi], { stroke: 'black', strokeDasharray: '3,2' } as never),
            Plot.frame({ stroke: '#444' }),
          ],
        } as never);
      } else {
        const pts = cols[j].map((x, k) => ({ x, y: cols[i][k] }));
        el = Plot.plot({
          ...common, x: xAxis,
          y: { domain: ext[i], label: j === 0 ? PARAM_LABEL[fit.free[i]] : null, axis: j === 0 ? 'left' : null, ticks: 3, labelAnchor: 'center', labelArrow: 'none', labelOffset: 44 },
          marks: [
            Plot.dot(pts, { x: 'x', y: 'y', r: 0.8, fill: '#4a6fa5', fillOpacity: 0.25, clip: true, ariaDescription: 'corner-scatter' } as never),
            Plot.density(pts, { x: 'x', y: 'y', stroke: 'black', strokeWidth: 0.8, thresholds: 4, bandwidth: 6, clip: true } as never),
            Plot.frame({ stroke: '#444' }),
          ],
        } as never);
      }
      const x = pad + j * cell - (j === 0 ? 56 : 0);
      const y = top + 10 + i * cell;
      parts.push(svgString(el).replace(/^<svg /, `<svg x="${x}" y="${y}" `));
    }
  }
  const summary = fit.free.map((p, k) => {
    const s = fit.posterior[p];
    return `<text x="${W - 10}" y="${top + 24 + k * 16}" text-anchor="end" font-size="12">${PARAM_LABEL[p]} = ${s.median.toFixed(2)} +${(s.hi - s.median).toFixed(2)} −${(s.median - s.lo).toFixed(2)}</text>`;
  });
  const head = title ? `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" color="black"><rect width="100%" height="100%" fill="white"/>${head}${parts.join('')}<g font-family="${FONT}">${summary.join('')}</g></svg>`;
}

/** The fitted model's 1σ band and the injected fractions (with binomial 1σ) per cell, where known, in M_UV. */
function completenessBandAndFractions(comp: CompletenessProduct, Mmin: number, Mmax: number) {
  const band: Array<{ M: number; lo: number; hi: number; z: string }> = [];
  const frac: Array<{ M: number; C: number; lo: number; hi: number; z: string }> = [];
  const errGrid = (comp as { completenessErr?: number[][] }).completenessErr;
  const toM = (x: number, z: number) => (comp.axis === 'mag' ? absoluteMagnitude(x, z) : x);
  for (let i = 0; i < comp.zEdges.length - 1; i++) {
    const z = 0.5 * (comp.zEdges[i] + comp.zEdges[i + 1]), zl = `z = ${z.toFixed(2)}`;
    for (let j = 0; j < comp.mEdges.length - 1; j++) {
      const M = toM(0.5 * (comp.mEdges[j] + comp.mEdges[j + 1]), z);
      if (!(M >= Mmin && M <= Mmax)) continue;
      const c = comp.completeness[i][j], e = errGrid?.[i]?.[j];
      if (e !== undefined && Number.isFinite(e)) band.push({ M, lo: Math.max(0, c - e), hi: Math.min(1, c + e), z: zl });
      const n = comp.nInjected?.[i]?.[j] ?? 0, k = comp.nSelected?.[i]?.[j] ?? 0;
      if (n > 0) {
        const f = k / n, se = Math.sqrt(Math.max(f * (1 - f), 0.25 / n) / n);
        frac.push({ M, C: f, lo: Math.max(0, f - se), hi: Math.min(1, f + se), z: zl });
      }
    }
  }
  return { band, frac };
}

/** Completeness curves C(M_UV) at the centre of each z bin of the product (and of each LF z bin). */
export function completenessSvg(comp: CompletenessProduct, opts: { Mrange?: [number, number]; title?: string } = {}): string {
  const [Mmin, Mmax] = opts.Mrange ?? [-23, -15];
  const rows: Array<{ M: number; C: number; z: string }> = [];
  const zLabels = comp.zEdges.slice(1).map((_, i) => `z = ${(0.5 * (comp.zEdges[i] + comp.zEdges[i + 1])).toFixed(2)}`);
  for (let i = 0; i < comp.zEdges.length - 1; i++) {
    const z = 0.5 * (comp.zEdges[i] + comp.zEdges[i + 1]);
    for (let M = Mmin; M <= Mmax + 1e-9; M += 0.05) rows.push({ M, C: completenessAt(comp, M, z), z: `z = ${z.toFixed(2)}` });
  }
  const { band, frac } = completenessBandAndFractions(comp, Mmin, Mmax);
  const el = Plot.plot({
    document: newDocument(), width: 640, height: 400, marginLeft: 55, marginBottom: 45, marginTop: opts.title ? 40 : 20,
    style: { fontFamily: FONT, fontSize: '12px', background: 'white' },
    x: { domain: [Mmin, Mmax], label: 'M_UV (AB)', labelAnchor: 'center', labelArrow: 'none', labelOffset: 36, tickFormat: (d: number) => d.toFixed(0) },
    y: { domain: [0, 1.02], label: 'completeness C(M_UV, z)', labelAnchor: 'center', labelArrow: 'none', grid: true, tickFormat: (d: number) => d.toFixed(1) },
    color: { type: 'ordinal', domain: zLabels, range: zLabels.map((_, i) => PALETTE[i % PALETTE.length]) },
    marks: [
      Plot.frame({ stroke: '#444' }),
      Plot.areaY(band, { x: 'M', y1: 'lo', y2: 'hi', fill: 'z', fillOpacity: 0.15, z: 'z', ariaDescription: 'completeness-band' } as never),
      Plot.ruleX(frac, { x: 'M', y1: 'lo', y2: 'hi', stroke: 'z', strokeOpacity: 0.6, ariaDescription: 'injected-fraction-errors' } as never),
      Plot.dot(frac, { x: 'M', y: 'C', stroke: 'z', fill: 'white', r: 2.5, ariaDescription: 'injected-fraction' } as never),
      Plot.line(rows, { x: 'M', y: 'C', stroke: 'z', strokeWidth: 1.8, ariaDescription: 'completeness-curve' } as never),
      Plot.ruleY([0.5], { stroke: '#999', strokeDasharray: '4,3' } as never),
      ...(opts.title ? [Plot.text([opts.title], { frameAnchor: 'top', dy: -25, fontSize: 13, fontWeight: 'bold' } as never)] : []),
    ],
  } as never);
  const legend = zLabels.map((z, i) => `<g transform="translate(520,${(opts.title ? 58 : 38) + 16 * i})"><line x1="0" x2="16" y1="-4" y2="-4" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"/><text x="22" y="0" text-anchor="start" font-size="11">${z}</text></g>`).join('');
  return svgString(el).replace(/<\/svg>$/, `<g aria-label="legend">${legend}</g></svg>`);
}

/** Completeness map: C(M_UV, z) as a heat map (M_UV on x, z on y) with the C = 0.5 contour. */
export function completenessMapSvg(comp: CompletenessProduct, opts: { Mrange?: [number, number]; title?: string } = {}): string {
  const [Mmin, Mmax] = opts.Mrange ?? [-23, -15];
  const z0 = comp.zEdges[0];
  const z1 = comp.zEdges[comp.zEdges.length - 1];
  const nx = 80;
  const ny = 40;
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const z = z0 + ((j + 0.5) * (z1 - z0)) / ny;
    for (let i = 0; i < nx; i++) values[j * nx + i] = completenessAt(comp, Mmin + ((i + 0.5) * (Mmax - Mmin)) / nx, z);
  }
  // C = 0.5 and 0.9 iso-lines: per z row, the first magnitude (bright → faint) where C drops below the level.
  const levels: Array<{ level: number; M: number; z: number }> = [];
  for (const level of [0.9, 0.5]) {
    for (let j = 0; j <= 60; j++) {
      const z = z0 + (j * (z1 - z0)) / 60;
      let prevM = Mmin;
      let prevC = completenessAt(comp, prevM, z);
      for (let k = 1; k <= 400; k++) {
        const M = Mmin + (k * (Mmax - Mmin)) / 400;
        const C = completenessAt(comp, M, z);
        if (prevC >= level && C < level) {
          levels.push({ level, M: prevM + ((prevC - level) / (prevC - C)) * (M - prevM), z });
          break;
        }
        prevM = M;
        prevC = C;
      }
    }
  }
  const cells: Array<{ x1: number; x2: number; y1: number; y2: number; C: number }> = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      cells.push({
        x1: Mmin + (i * (Mmax - Mmin)) / nx, x2: Mmin + ((i + 1) * (Mmax - Mmin)) / nx,
        y1: z0 + (j * (z1 - z0)) / ny, y2: z0 + ((j + 1) * (z1 - z0)) / ny, C: values[j * nx + i],
      });
    }
  }
  const { band, frac } = completenessBandAndFractions(comp, Mmin, Mmax);
  const el = Plot.plot({
    document: newDocument(), width: 640, height: 400, marginLeft: 55, marginBottom: 45, marginTop: opts.title ? 40 : 20, marginRight: 20,
    style: { fontFamily: FONT, fontSize: '12px', background: 'white' },
    x: { domain: [Mmin, Mmax], label: 'M_UV (AB)', labelAnchor: 'center', labelArrow: 'none', labelOffset: 36, tickFormat: (d: number) => d.toFixed(0) },
    y: { domain: [z0, z1], label: 'redshift', labelAnchor: 'center', labelArrow: 'none', tickFormat: (d: number) => d.toFixed(1) },
    color: { type: 'linear', domain: [0, 1], scheme: 'viridis' },
    marks: [
      Plot.rect(cells, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'C', stroke: 'C', strokeWidth: 0.6, inset: 0, ariaDescription: 'completeness-map' } as never),
      Plot.line(levels.filter((d) => d.level === 0.5), { x: 'M', y: 'z', stroke: 'white', strokeWidth: 1.6, ariaDescription: 'completeness-contours' } as never),
      Plot.line(levels.filter((d) => d.level === 0.9), { x: 'M', y: 'z', stroke: 'white', strokeWidth: 1.4, strokeDasharray: '5,3' } as never),
      Plot.frame({ stroke: '#444' }),
      ...(opts.title ? [Plot.text([opts.title], { frameAnchor: 'top', dy: -25, fontSize: 13, fontWeight: 'bold' } as never)] : []),
    ],
  } as never);
  // colour bar (drawn by hand)
  const stops = [0, 0.25, 0.5, 0.75, 1];
  const viridis = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
  const bar = `<defs><linearGradient id="cbar" x1="0" x2="1" y1="0" y2="0">${stops.map((t, i) => `<stop offset="${t}" stop-color="${viridis[i]}"/>`).join('')}</linearGradient></defs>` +
    `<g aria-label="colour bar" transform="translate(440,${opts.title ? 60 : 40})"><rect width="150" height="10" fill="url(#cbar)" stroke="#444" stroke-width="0.5"/>` +
    stops.map((t) => `<text x="${t * 150}" y="22" font-size="10" text-anchor="middle" fill="white" stroke="black" stroke-width="0.3">${t}</text>`).join('') +
    `<text x="75" y="-3" font-size="10" text-anchor="middle" fill="white" stroke="black" stroke-width="0.3">C (white: C = 0.5 solid, 0.9 dashed)</text></g>`;
  return svgString(el).replace(/<\/svg>$/, `${bar}</svg>`);
}
