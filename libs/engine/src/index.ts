// @asteris/engine: execute a DAG of deterministic stage jobs in-process (`localEngine`) or across
// machines on BullMQ/Redis (`bullmqEngine` + `startWorker`). See docs/engine.md.
export type { JobSpec, Roots, JobContext, JobHandler, EngineEvent, Engine } from './types.ts';
export { localEngine, type LocalEngineOptions } from './local.ts';
export { bullmqEngine, DEFAULT_QUEUE, type BullmqEngineOptions, type QueuedJob } from './bullmq.ts';
export { startWorker, type WorkerOptions, type RunningWorker } from './worker.ts';
export { EngineError, connectRedis, redisOptions } from './redis.ts';
export { PathError, checkPath, resolveRoots } from './roots.ts';
export { redact, redactUrl } from './redact.ts';
export { checkDag } from './dag.ts';
export { demoHandlers, demoWrite, demoWriteSchema, type DemoWrite, type DemoResult } from './demo.ts';
export { groupProgress, type GroupProgress } from './progress.ts';
