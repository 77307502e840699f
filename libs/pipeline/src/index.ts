// @asteris/pipeline — composes the stage libraries into `asteris run`, with a content-addressed cache.
export { runPipeline, type RunOptions, type RunResult, type DepthSummary } from './run.ts';
export { loadRunConfig, RunConfigSchema, ConfigError, DENOISERS, type RunConfig } from './config.ts';
export { ProductCache, cacheKey, removeDebris, statFingerprint, type CacheEntry, type KeyParts, type CacheOptions, type VerifyMode } from './cache.ts';
export { acquireOutLock, LockHeldError, LOCK_FILE, describeHolder, type OutLock, type LockInfo, type LockOptions } from './lock.ts';
export { listCache, gcCache, readRunRecord, type RunRecord, type CacheRow } from './runs.ts';
export { validateField, FieldValidationError } from './validate.ts';
export { makeReporter, silentReporter, summaryTable, stageProgress, type ProgressFn, type Reporter, type StageRecord } from './progress.ts';
export { completenessCurve, purityCurve, crossing, m90, recovered, makeMatcher, type Curve } from './depth.ts';
export { writeFileAtomic, writeDirAtomic } from '@asteris/core';
export { sha256, hashFile, hashJson, stableStringify } from './hash.ts';
export { codeVersion } from './code-version.ts';
