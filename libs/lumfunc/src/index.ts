// Public API of @asteris/lumfunc (see docs/contracts.md and docs/lumfunc.md).
export { LumfuncError } from './errors.ts';
export { createRng, type Rng } from '@asteris/core';
export { gehrelsLimits, gammaP, lnGamma } from './poisson.ts';
export {
  type CompletenessProduct, completenessAt, logisticCompleteness, readCompleteness, unitCompleteness, validateCompleteness,
} from './completeness.ts';
export {
  type CompletenessModelOptions, type CompletenessModelProduct, type Injection, type LogisticFit, completenessFromCounts, completenessFromInjections,
  fitLogistic, logisticC, logisticCErr,
} from './completeness-model.ts';
export { type Completeness, asFields, binEffectiveVolume, effectiveVolume, effectiveVolumeGrid, totalArea } from './veff.ts';
export { type BinnedLfOptions, type LfBin, type LfCandidate, binnedLF } from './binned.ts';
export { nelderMead } from '@asteris/core';
export { type McmcOptions, type McmcResult, integratedAutocorrTime, runEnsembleMcmc, summarise } from './mcmc.ts';
export {
  type CountData, DEFAULT_PRIORS, type FitData, type FitOptions, type LfFitResult, type LfModel, type ParamName, type ParamSummary,
  type PointData, countsData, expectedCounts, fitLF, logLikelihood, modelParamNames, toLfParams,
} from './fit.ts';
export { CORECON_UVLF_CSV, type PublishedPoint, readCoreconPoints, selectPoints } from './corecon.ts';
export { candidatesFromTable, readCandidatesCsv } from './candidates.ts';
export { mockCandidates } from './mock.ts';
export { type MockSurvey, type SurveySlice, type SurveyTier, mockSurvey } from './survey-mock.ts';
export { cornerSvg, completenessMapSvg, completenessSvg, fitBand, type LfPanel, lfFigureSvg, svgToPng } from './plot.ts';
export {
  DEFAULT_PUBLISHED_SOURCES, DEFAULT_Z_BINS, type LfResult, type LfRunOptions, type LfZBinResult, defaultMagnitudeEdges,
  fitFaintLimit, migrationVolumes, publishedForBin, resultToCsv, resultToJson, runLuminosityFunction, writeLfProducts,
} from './lf.ts';
export { lfStage, lfProducts, LfConfigSchema, LF_FILES, type LfConfig, type LfInputs, type LfProduct } from './stage.ts';
export { LOST_DZ, MIN_TRANSFER_SAMPLES, type MagnitudeTransfer, TRANSFER_OFFSET_EDGES, buildTransfer, classSamples, halfPoint, keptFraction, transferMatrix, validateTransfer } from './transfer.ts';
export { type DepthTier, depthCompleteness, depthTierCompleteness, dropoutWindow, erfc, normalCdf } from './depth-tiers.ts';
export { type PointComparison, compareWithPublished } from './compare.ts';
