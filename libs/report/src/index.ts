export { renderReport, sexagesimal, escapeHtml, type ReportInput, type CandidateRow, type OverviewPanel } from './html.ts';
export { depthCurvesSvg, pzSparklineSvg, type DepthCurve } from './plots.ts';
export { imageToPng, stretchLimits, toGrey, cutout, type Stretch } from './png.ts';
