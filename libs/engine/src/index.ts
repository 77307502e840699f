export type { JobSpec, Roots, JobContext, JobHandler, EngineEvent, Engine } from './types.ts';
