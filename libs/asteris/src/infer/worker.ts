// Worker thread holding its own ORT session (intraOpNumThreads 1, docs/ecosystem.md §9).
import { parentPort, workerData } from 'node:worker_threads';
import { createSession, modelInfo, runTile } from './session.ts';

interface Init { modelPath: string; frames?: number; threads: number }
interface Task { id: number; input: Float32Array; h: number; w: number }

const init = workerData as Init;
const ready = (async () => {
  const s = await createSession(init.modelPath, init.threads);
  return { s, info: modelInfo(s, init.modelPath, init.frames) };
})();

parentPort!.on('message', async (task: Task) => {
  try {
    const { s, info } = await ready;
    const out = await runTile(s, info, task.input, task.h, task.w);
    parentPort!.postMessage({ id: task.id, out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: task.id, error: (err as Error).message });
  }
});
