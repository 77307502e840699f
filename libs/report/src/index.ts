export { renderReport, sexagesimal, escapeHtml, type ReportInput, type CandidateRow, type OverviewPanel, type FalseDetectionRow, type FourNumbersRow } from './html.ts';
export { residualPng, overlaySvg, compassDirections, stampFigure, formatArea, niceLength, pngSize, type CdMatrix, type StampLayout } from './figures.ts';
export { depthCurvesSvg, pzSparklineSvg, type DepthCurve } from './plots.ts';
export { imageToPng, stretchLimits, toGrey, cutout, type Stretch } from './png.ts';
export { reportStage, ReportConfigSchema, REPORT_FILES, type ReportConfig, type ReportInputs } from './stage.ts';
