// @asteris/extract — source extraction (SExtractor/SEP-compatible). See docs/extract.md.
export * from './aperture/index.ts';
export { makeBackground, backgroundMap, mapRow, rowScratch } from './background/model.ts';
export type { BackgroundModel, BackgroundOptions } from './background/model.ts';
export { meshStats, histogramMode, sigmaClipMode } from './background/stats.ts';
export { DEFAULT_KERNEL, gaussianKernel, parseConv, normaliseKernel, convolveRows, matchedFilterRows } from './detect/filter.ts';
export type { Kernel } from './detect/filter.ts';
export { scanComponents } from './detect/label.ts';
export { segRunsFromFootprints, segRunsRange, segRunsSource, segRunsToArray, segStamp, fullStamp } from './detect/segmap.ts';
export type { SegRuns, SegStamp } from './detect/segmap.ts';
export { deblendObject } from './detect/deblend.ts';
export { cleanObjects } from './detect/clean.ts';
export { momentsOf } from './measure/moments.ts';
export {
  varianceFromWeight, weightTypeFromSextractor, measureCovariance, validateCovariance, parseCovariance, normalisedCovariance,
  filterNoiseFactor, pixelSetFactor, apertureFactor, covarianceSum, whiteCovariance, sextractorSigfac,
  depthClass, depthClassMap, depthEdges, excessAt, measureCovariances, measureExcess, boxVariance, EXCESS_SCALES,
} from './noise.ts';
export type { WeightType, SexWeightType, NoiseCovariance, NoiseModel, DepthNoise } from './noise.ts';
export { ExtractError } from './errors.ts';
export {
  extractSources, windowedCentroid, apertureFlux,
  FLAG_CROWDED, FLAG_DEBLENDED, FLAG_SATURATED, FLAG_TRUNCATED, FLAG_APER_TRUNC, FLAG_ISO_INCOMPLETE,
  FLAG_DEBLEND_OVERFLOW, FLAG_EXTRACT_OVERFLOW,
} from './extract.ts';
export type { ExtractOptions, ExtractResult, Source } from './extract.ts';
export { detectionImage, chiMean } from './detimage.ts';
export { mockField, mulberry32Uniform, gaussianRng } from './mock.ts';
export type { MockField, MockSource } from './mock.ts';
export { defaultExtractThreads, extractSourcesParallel, startExtractWorkers } from './parallel/extract-parallel.ts';
export type { ExtractWorkers } from './parallel/extract-parallel.ts';
export { readImageShared } from './io.ts';
export { extractionPipeline, deblendComponents, measureObject } from './extract.ts';
export type { MeasureCtx, ObjPixels, StageRequest } from './extract.ts';
export { detectStage, detectionImageOf, nullDetectionImages, DEFAULT_FALSE_RATE, DEFAULT_PSF_FWHM_ARCSEC, DEFAULT_SEGMENT_THRESHOLD, calibrateThreshold, falseDetections, negativeExtractor, negated, readSources, THRESHOLD_LADDER, DETECT_FILES, DetectConfigSchema, ExtractConfigSchema, type DetectConfig, type ExtractConfig, type DetectInputs, type DetectProduct, type Thresholds, type Calibration, type DetectPath, type PathId } from './stage.ts';
export { meshSubtracted, bankPlane, ownSigma, calibrateBankOnNulls, seededSources, bankPeaks, bankMaps, footprintsOf, footprintMask, NULL_BASE_SNR, BANK_BORDER_PX, MASK_SNR } from './bankdetect.ts';
export type { BankCalibration, SeededResult, Footprints } from './bankdetect.ts';
export { detectionBank, bankFilter, bankNoise, detectBank, peaksOfMaps, robustStd, effectivePsfFwhm } from './detect/bank.ts';
export type { BankKernel, BankOptions, BankDetection, DetectBankOptions } from './detect/bank.ts';
