// @asteris/asteris — ASTERIS inference in TypeScript (docs/asteris.md, asteris-method.md).
export { AsterisError } from './errors.ts';
export { denoiseStack, provenanceHeader, checkStack, ASTERIS_TS_VERSION } from './stack.ts';
export type { DenoiseOptions, DenoiseInfo } from './stack.ts';
export { denoiseFrames, tileBias } from './denoise.ts';
export type { CoreOptions, CoreResult } from './denoise.ts';
export { axisTiles, tileGrid, tilingGeometry, roundUp } from './tiling.ts';
export type { AxisTile, Tile } from './tiling.ts';
export { cubeFromFrames, validBox, validBoxOfFrames, cropCube } from './preprocess/cube.ts';
export type { Cube, Box } from './preprocess/cube.ts';
export {
  winsorise, clipPartImage, clipPartFromLimits, normaliseInPlace, superFrameSizes, framesAdvice, MODEL_FRAMES, binSuperFrames, preprocessCube, temporalMean, stackBias, SCALE_FACTOR,
} from './preprocess/normalise.ts';
export type { Normalisation, PreprocessResult } from './preprocess/normalise.ts';
export { sigmaClipLimits, nanMedian, nanMedianSelect, kthFinite, nanStd } from './preprocess/stats.ts';
export { inProcessRunner, poolRunner } from './infer/runner.ts';
export type { TileRunner } from './infer/runner.ts';
export { resolveModel, resolveModelsPerBand, modelCandidates, nircamChannel, DEFAULT_MODEL_DIR, REPO_ROOT } from './models.ts';
export type { ResolvedModel } from './models.ts';
export { imagesStage, bandModel, modelFrames, modelSummary, ImagesConfigSchema, IMAGES_FILES, DENOISER_NAMES, type ImagesConfig, type ImagesInputs, type ImagesProduct } from './stage.ts';
export { isNullSpaceModel, combineImages, nullCombineWeights, type CombineInputs, type CombineWeights } from './combine.ts';
