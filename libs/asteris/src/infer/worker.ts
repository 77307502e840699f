// Worker thread holding its own ORT session (intraOpNumThreads 1, docs/ecosystem.md §9).
import { workerData } from 'node:worker_threads';
import { serveWorker } from '@asteris/core';
import type { TileJob } from './runner.ts';
import { createSession, modelInfo, runTile } from './session.ts';

interface Init { modelPath: string; frames?: number; threads: number }

const init = workerData as Init;
const ready = (async () => {
  const s = await createSession(init.modelPath, init.threads);
  return { s, info: modelInfo(s, init.modelPath, init.frames) };
})();

serveWorker(async (task: TileJob) => {
  const { s, info } = await ready;
  return runTile(s, info, task.input, task.h, task.w);
}, (out) => [out.buffer as ArrayBuffer]);
