// @asteris/pipeline — the runner: composes the stages (each library's src/stage.ts) into `asteris run`
// over a field or a survey, as a DAG of jobs for an engine, with a content-addressed cache.
export { runPipeline, readSurvey, STAGES, stageHandlers, SURVEY_KIND, type RunOptions, type RunResult, type DepthSummary, type FourNumbers } from './run.ts';
export { loadRunConfig, RunConfigSchema, ConfigError, DENOISERS, type RunConfig } from './config.ts';
export { ProductCache, cacheKey, removeDebris, statFingerprint, type CacheEntry, type KeyParts, type CacheOptions, type VerifyMode } from './cache.ts';
export { acquireOutLock, LockHeldError, LOCK_FILE, describeHolder, type OutLock, type LockInfo, type LockOptions } from './lock.ts';
export { listCache, gcCache, readRunRecord, type RunRecord, type CacheRow } from './runs.ts';
export { validateField, checkPlan, FieldValidationError, LW_BANDS } from './validate.ts';
export { stageHandler, stageKeyParts, engineFactory, checkEngine, localEngineFactory, CACHED, type EngineChoice, type EngineFactory, type StageHandlerOptions, type Engine, type EngineEvent, type JobSpec, type JobHandler, type JobContext, type Roots, type StageResult, type StagePayload } from './engine.ts';
export { completenessStage, readInjected, readCandidatePositions, areaArcmin2, countHighZ, falseDetectionCounts, formatFourNumbers, type FourNumbers as FourNumbersSummary } from './completeness.ts';
export { makeReporter, silentReporter, summaryTable, stageProgress, engineProgress, type ProgressFn, type Reporter, type StageRecord } from './progress.ts';
export { completenessCurve, purityCurve, crossing, m90, M90_DEFINITION, recovered, makeMatcher, type Curve } from './depth.ts';
export { writeFileAtomic, writeDirAtomic } from '@asteris/core';
export { sha256, hashFile, hashJson, stableStringify } from './hash.ts';
export { codeVersion, dependencyClosure } from './code-version.ts';
export { runCompleteness, mosaicField, choosePresets, REAL_COMPLETENESS_FILES, type RealCompletenessOptions, type RealCompletenessResult } from './completeness-real.ts';
export { fieldChain, detectionPsfFwhm, ref, type ChainSpec, type ChainIds, type JobMaker } from './chain.ts';
