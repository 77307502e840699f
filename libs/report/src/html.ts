// The self-contained HTML report: every figure inline (SVG markup or base64 PNG), no external
// resources, so the file can be mailed or archived as is.
import { depthCurvesSvg, pzSparklineSvg, type DepthCurve } from './plots.ts';
import { m90Resolved, sexagesimal } from '@asteris/astro';
import { formatArea, overlaySvg, pngSize, stampFigure, type CdMatrix, type StampLayout } from './figures.ts';

export interface OverviewPanel {
  band: string;
  /** PNGs rendered with the same stretch, so that the two are comparable by eye. */
  coaddPng: Uint8Array;
  denoisedPng?: Uint8Array;
  zooms?: { label: string; coaddPng: Uint8Array; denoisedPng?: Uint8Array }[];
  stretch: string;
  /** denoised − co-add (figures.ts residualPng), same size as the overviews. */
  residualPng?: Uint8Array;
  /** How the residual is stretched (residualPng's `stretch`). */
  residualStretch?: string;
}

/** False detections of one detection path at the threshold used: on its null stacks (bank) or on the negated image (SExtractor). */
export interface FalseDetectionRow {
  /** e.g. 'co-add' or 'denoised'. */
  path: string;
  /** Detection threshold used (σ of the detection image). */
  threshold: number;
  /** False detections per field at that threshold (over K null images: their count / K). */
  nFalse: number;
  /** 'null' (the path's own null stacks) or 'negated' (the negated detection image). */
  kind?: 'null' | 'negated';
  /** False detections per arcmin² and its Poisson 1σ error (the calibration's, when given). */
  rate?: number; rateErr?: number;
  /** Null images behind the rate. */
  nNulls?: number;
  /** Area searched, arcmin². */
  areaArcmin2: number;
  /** Real detections at the same threshold, for the false fraction. */
  nDetected?: number;
}

/** The run's four numbers (the completeness stage's depth.json `four`; issue 14). */
export interface FourNumbersRow {
  gainVsSextractor: number | null; gainVsOptimal: number | null; npM90: number | null; ceilingVsSextractor: number | null;
  /** 68 % intervals of the gains (paired bootstrap) */
  gainVsSextractorInterval?: [number, number] | null; gainVsOptimalInterval?: [number, number] | null; nInjected?: number;
  candidates: { zMin: number; denoised: number; coadd: number; ratio: number | null; falsePerArcmin2: { denoised: number | null; coadd: number | null } } | null;
}

export interface CandidateRow {
  id: string | number;
  ra: number;
  dec: number;
  zPhot: number;
  zLo: number;
  zHi: number;
  pHighZ: number;
  muv: number | null;
  mag: number | null;
  snr: number;
  preset: string;
  stampPng?: Uint8Array;
  pz?: { z: number[]; p: number[] };
}

export interface ReportInput {
  title: string;
  generatedAt: string;
  field: {
    name: string; bands: string[]; width: number; height: number; pixelScale: number; areaArcmin2: number; nExposures: Record<string, number>;
    /** WCS CD matrix (deg/pixel) of the overview images: draws the N/E compass. */
    cd?: CdMatrix;
  };
  /** Layout of the candidates' stamp PNGs (default: field.bands × co-add[/denoised], zoom 3, gap 4). */
  stampLayout?: StampLayout;
  /** False-detection rate per detection path. */
  falseDetections?: FalseDetectionRow[];
  overview: OverviewPanel[];
  depth?: { curves: DepthCurve[]; m90: Record<string, number | null>; gain: number | null; note?: string; four?: FourNumbersRow };
  candidates: CandidateRow[];
  lfSvg?: string;
  /** Selection completeness C(M_UV) per z bin (SVG markup, the completeness stage's figure). */
  completenessSvg?: string;
  /** A line under the completeness figure (injections, fit, pooled z bins). */
  completenessNote?: string;
  lfTable?: { z: string; M: number; phi: number; err: string }[];
  provenance: Record<string, string | number | boolean>;
  stages?: { stage: string; status: string; seconds: number }[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const img = (png: Uint8Array, alt: string, cls = '') =>
  `<img class="${cls}" alt="${escapeHtml(alt)}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}">`;

// Sexagesimal RA/Dec ("hh:mm:ss.sss", "±dd:mm:ss.ss") is @asteris/astro's; re-exported for the report API.
export { sexagesimal } from '@asteris/astro';

const num = (v: number | null | undefined, dp: number) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(dp));

export function renderReport(r: ReportInput): string {
  const css = `body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:2em}
.sub{color:#666;margin-top:4px}.grid{display:flex;flex-wrap:wrap;gap:16px}.panel{text-align:center}
.panel img{image-rendering:pixelated;border:1px solid #999;max-width:540px}.zoom img{width:180px}
table{border-collapse:collapse;font-size:0.86em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f3f3f3}td.l{text-align:left}.stamp img{image-rendering:pixelated}
figure.panel{margin:0}.imgwrap{position:relative;display:inline-block;line-height:0}.imgwrap svg.overlay{position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none}
.kv td:first-child{text-align:left;font-weight:bold}.note{color:#555;font-size:0.9em}.big{font-size:1.3em;font-weight:bold}`;
  const f = r.field;
  const overlay = (png: Uint8Array, withCompass: boolean) => {
    const { width } = pngSize(png);
    const zoom = f.width > 0 ? width / f.width : 1;
    return overlaySvg(width, pngSize(png).height, f.pixelScale / zoom, { cd: withCompass ? f.cd : undefined });
  };
  const fig = (png: Uint8Array, alt: string, cls: string, caption: string) =>
    `<figure class="panel ${cls}"><div class="imgwrap">${img(png, alt, cls)}${overlay(png, true)}</div><figcaption>${caption}</figcaption></figure>`;
  const overview = r.overview.map((p) => `<div class="panel-group"><h3>${escapeHtml(p.band)}</h3><div class="grid">
${fig(p.coaddPng, `${p.band} co-add`, 'overview-coadd', `${escapeHtml(p.band)} co-add`)}
${p.denoisedPng ? fig(p.denoisedPng, `${p.band} denoised`, 'overview-denoised', `${escapeHtml(p.band)} ASTERIS denoised`) : ''}
${p.residualPng ? fig(p.residualPng, `${p.band} residual denoised minus co-add`, 'overview-residual', `${escapeHtml(p.band)} residual (denoised − co-add)`) : ''}
</div>${(p.zooms ?? []).map((z) => `<div class="grid zoom"><div class="panel">${img(z.coaddPng, `${z.label} co-add`)}<div>${escapeHtml(z.label)} co-add</div></div>${z.denoisedPng ? `<div class="panel">${img(z.denoisedPng, `${z.label} denoised`)}<div>${escapeHtml(z.label)} denoised</div></div>` : ''}</div>`).join('')}
<p class="note">Same stretch for the co-add and denoised panels: ${escapeHtml(p.stretch)}.${p.residualPng ? ` Residual: ${escapeHtml(p.residualStretch ?? 'linear, symmetric about 0')}.` : ''} Scale bar bottom left${f.cd ? '; compass from the WCS CD matrix' : ''}.</p></div>`).join('\n');

  const hasDenoised = r.overview.some((p) => p.denoisedPng);
  const layout: StampLayout = r.stampLayout ?? { bands: f.bands, rows: hasDenoised ? ['co-add', 'denoised'] : ['co-add'], pixelScale: f.pixelScale };
  const stamp = (c: CandidateRow) => {
    if (!c.stampPng) return '';
    const { width, height } = pngSize(c.stampPng);
    const gap = layout.gap ?? 4;
    const fits = (width - gap) % layout.bands.length === 0 && (height - gap) % layout.rows.length === 0;
    return fits ? stampFigure(c.stampPng, layout, `stamps of ${c.id}`) : img(c.stampPng, `stamps of ${c.id}`);
  };

  const fd = r.falseDetections && r.falseDetections.length
    ? `<section id="false-detections"><h2>False detections per path</h2><table id="false-detection-table"><thead><tr><th>path</th><th>null</th><th>threshold (σ)</th><th>false detections</th><th>per arcmin²</th><th>false fraction</th></tr></thead><tbody>${r.falseDetections.map((d) => `<tr><td class="l">${escapeHtml(d.path)}</td><td class="l">${d.kind === 'null' ? `${d.nNulls ?? ''} null stack${d.nNulls === 1 ? '' : 's'}` : 'negated image'}</td><td>${num(d.threshold, 2)}</td><td>${num(d.nFalse, 2)}</td><td>${num(d.rate ?? d.nFalse / d.areaArcmin2, 1)}${d.rateErr !== undefined ? ` ± ${num(d.rateErr, 1)}` : ''}</td><td>${d.nDetected ? `${(100 * d.nFalse / d.nDetected).toFixed(1)} %` : '—'}</td></tr>`).join('')}</tbody></table>
<p class="note">False detections at each path's threshold, over ${formatArea(r.falseDetections[0]!.areaArcmin2)}: on the path's own null stacks (sign-flip jackknives of the exposures through the same co-add/denoise chain; matched-filter bank paths, whose thresholds are set on them) or on the negated detection image (SExtractor default). Rates with Poisson 1σ errors: for null stacks the calibration's bank peaks per arcmin²; the count column is the false sources after the seeded measurement, per field (a null peak outside any footprint, or two in one, counts once or not). The negated image is not a valid null for a denoised image (its artefacts are not symmetric in sign).</p></section>`
    : '';

  const depth = r.depth
    ? `<section id="depth"><h2>Depth: completeness and purity</h2>
<p class="big">Depth gain (m90 denoised − m90 co-add): <span id="depth-gain">${r.depth.gain === null ? 'not measured' : `${r.depth.gain >= 0 ? '+' : ''}${r.depth.gain.toFixed(2)} mag`}</span></p>
${r.depth.four ? fourTable(r.depth.four) : ''}
<div id="depth-plot">${depthCurvesSvg(r.depth.curves, r.depth.m90)}</div>
<p class="note">m90 = going from bright to faint, the first magnitude where min(completeness, purity) drops below 90 %, interpolated between bin centres (@asteris/astro m90FromBins, the one definition used by the pipeline and bench:depth), measured by injection–recovery through the same extraction; the 68 % intervals of the gains are a paired bootstrap of the injections and detections (@asteris/astro m90Bootstrap): a gain inside its interval's width of zero is not a measured difference. ${escapeHtml(r.depth.note ?? '')}</p></section>`
    : '';

  function fourTable(f: FourNumbersRow): string {
    const sd = (v: number | null) => (v === null ? 'not measured' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} mag`);
    const iv = (v: [number, number] | null | undefined, g: number | null) => (v
      ? `<br><span class="note">68 %: ${v[0].toFixed(2)} … ${v[1].toFixed(2)}${m90Resolved(g, v) ? '' : ` — not resolved${f.nInjected ? ` by ${f.nInjected} injections` : ''}`}</span>`
      : '');
    const c = f.candidates;
    return `<table id="four-numbers"><tbody>
<tr><td class="l">depth gain, denoised vs SExtractor-default co-add (paper protocol)</td><td>${sd(f.gainVsSextractor)}${iv(f.gainVsSextractorInterval, f.gainVsSextractor)}</td></tr>
<tr><td class="l">depth gain, denoised vs optimal (matched-filter bank) co-add</td><td>${sd(f.gainVsOptimal)}${iv(f.gainVsOptimalInterval, f.gainVsOptimal)}</td></tr>
<tr><td class="l">Neyman–Pearson ceiling m90 of this field (gain over the SExtractor-default co-add)</td><td>${f.npM90 === null ? 'not measured' : f.npM90.toFixed(2)} (${sd(f.ceilingVsSextractor)})</td></tr>
<tr><td class="l">z &gt; ${c?.zMin ?? 8.5} candidates, denoised / co-add at equal null false rate</td><td>${c ? `${c.denoised} / ${c.coadd}${c.ratio === null ? '' : ` = ${c.ratio.toFixed(2)}`}` : 'not measured'}</td></tr>
</tbody></table>`;
  }

  const rows = r.candidates.map((c) => {
    const [ras, decs] = sexagesimal(c.ra, c.dec);
    return `<tr><td class="l">${escapeHtml(String(c.id))}</td><td>${ras}<br>${decs}</td><td>${num(c.zPhot, 2)}<br><span class="note">${num(c.zLo, 2)}–${num(c.zHi, 2)}</span></td>
<td>${num(c.pHighZ, 2)}</td><td>${num(c.muv, 2)}</td><td>${num(c.mag, 2)}</td><td>${num(c.snr, 1)}</td><td class="l">${escapeHtml(c.preset)}</td>
<td class="stamp">${stamp(c)}</td><td class="pz">${c.pz ? pzSparklineSvg(c.pz.z, c.pz.p) : ''}</td></tr>`;
  }).join('\n');
  const candidates = `<section id="candidates"><h2>Candidates (${r.candidates.length})</h2>
${r.candidates.length === 0 ? '<p>No object passed the selection.</p>' : `<table id="candidate-table"><thead><tr><th>id</th><th>RA / Dec</th><th>z<sub>phot</sub> (68 %)</th><th>P(z&gt;7)</th><th>M<sub>UV</sub></th><th>mag</th><th>S/N</th><th>preset</th><th>stamps</th><th>P(z)</th></tr></thead><tbody>${rows}</tbody></table>`}</section>`;

  const lf = `<section id="lf"><h2>UV luminosity function</h2>${r.lfSvg ? `<div id="lf-plot">${r.lfSvg}</div>` : '<p>No luminosity function (no candidates or no completeness).</p>'}
${r.lfTable && r.lfTable.length ? `<table><thead><tr><th>z bin</th><th>M<sub>UV</sub></th><th>φ (Mpc⁻³ mag⁻¹)</th><th>error</th></tr></thead><tbody>${r.lfTable.map((t) => `<tr><td>${escapeHtml(t.z)}</td><td>${t.M.toFixed(2)}</td><td>${t.phi.toExponential(2)}</td><td>${escapeHtml(t.err)}</td></tr>`).join('')}</tbody></table>` : ''}</section>`;

  const completeness = r.completenessSvg
    ? `<section id="completeness"><h2>Selection completeness C(M<sub>UV</sub>) per z bin</h2><div id="completeness-plot">${r.completenessSvg}</div>
<p class="note">Injection–recovery through the same detection, photometry and selection; a logistic in M<sub>UV</sub> fitted per z bin (the band is its 1σ, points the injected fractions per cell). This is the C(M<sub>UV</sub>, z) the luminosity function's V<sub>eff</sub> uses.${r.completenessNote ? ` ${escapeHtml(r.completenessNote)}` : ''}</p></section>`
    : '';

  const prov = `<section id="provenance"><h2>Provenance</h2><table class="kv">${Object.entries(r.provenance).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="l">${escapeHtml(String(v))}</td></tr>`).join('')}</table>
${r.stages ? `<h3>Stages</h3><table><thead><tr><th>stage</th><th>status</th><th>seconds</th></tr></thead><tbody>${r.stages.map((s) => `<tr><td class="l">${escapeHtml(s.stage)}</td><td class="l">${escapeHtml(s.status)}</td><td>${s.seconds.toFixed(2)}</td></tr>`).join('')}</tbody></table>` : ''}</section>`;

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title><style>${css}</style></head><body>
<h1>${escapeHtml(r.title)}</h1><p class="sub">Field <b>${escapeHtml(f.name)}</b>: ${f.width}×${f.height} px at ${f.pixelScale.toFixed(3)}″/px (${formatArea(f.areaArcmin2)}), bands ${f.bands.map((b) => `${escapeHtml(b)} (${f.nExposures[b] ?? '?'} exp.)`).join(', ')}. Generated ${escapeHtml(r.generatedAt)}.</p>
<section id="overview"><h2>Field overview</h2>${overview}</section>
${depth}
${fd}
${candidates}
${completeness}
${lf}
${prov}
</body></html>`;
}
