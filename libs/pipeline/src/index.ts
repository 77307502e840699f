// @asteris/pipeline — composes the stage libraries into `asteris run`, with a content-addressed cache.
export { runPipeline, type RunOptions, type RunResult, type DepthSummary } from './run.ts';
export { loadRunConfig, RunConfigSchema, ConfigError, DENOISERS, type RunConfig } from './config.ts';
export { ProductCache, cacheKey, type CacheEntry, type KeyParts } from './cache.ts';
export { listCache, gcCache, readRunRecord, type RunRecord, type CacheRow } from './runs.ts';
export { validateField, FieldValidationError } from './validate.ts';
export { makeReporter, silentReporter, summaryTable, type Reporter, type StageRecord } from './progress.ts';
export { completenessCurve, purityCurve, crossing, m90, recovered, makeMatcher, type Curve } from './depth.ts';
export { writeFileAtomic, writeDirAtomic } from '@asteris/core';
export { sha256, hashFile, hashJson, stableStringify } from './hash.ts';
export { codeVersion } from './code-version.ts';
