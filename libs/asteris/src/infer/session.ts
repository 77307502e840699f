// onnxruntime-node inference of one tile: input [1, 1, T, H, W] float32 → output [1, 1, T, H, W].
// fp32 throughout (asteris-method.md §6.1.6).
import * as ort from 'onnxruntime-node';
import { AsterisError } from '../errors.ts';

export interface ModelInfo {
  inputName: string;
  outputName: string;
  /** number of frames T the graph takes (fixed in the export) */
  frames: number;
}

export async function createSession(modelPath: string, intraOpNumThreads?: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(intraOpNumThreads ? { intraOpNumThreads, interOpNumThreads: 1 } : {}),
    });
  } catch (err) {
    throw new AsterisError(`cannot load ONNX model: ${(err as Error).message}`, modelPath);
  }
}

export function modelInfo(session: ort.InferenceSession, modelPath: string, framesHint?: number): ModelInfo {
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (!inputName || !outputName) throw new AsterisError('model has no input or output', modelPath);
  const meta = session.inputMetadata?.[0];
  let frames = framesHint;
  if (meta && meta.isTensor) {
    if (meta.shape.length !== 5) {
      throw new AsterisError(`model input '${inputName}' has rank ${meta.shape.length}; expected [B, 1, T, H, W]`, modelPath);
    }
    const t = meta.shape[2];
    if (typeof t === 'number' && t > 0) {
      if (framesHint && framesHint !== t) throw new AsterisError(`model takes T = ${t} frames, ${framesHint} requested`, modelPath);
      frames = t;
    }
  }
  if (!frames) throw new AsterisError('cannot tell how many frames (T) the model takes; pass the frames option', modelPath);
  return { inputName, outputName, frames };
}

export async function runTile(
  session: ort.InferenceSession,
  info: ModelInfo,
  input: Float32Array,
  h: number,
  w: number,
): Promise<Float32Array> {
  const tensor = new ort.Tensor('float32', input, [1, 1, info.frames, h, w]);
  const out = await session.run({ [info.inputName]: tensor });
  const o = out[info.outputName]!;
  const data = o.data as Float32Array;
  if (data.length !== input.length) {
    throw new AsterisError(`model returned ${data.length} values for a ${info.frames}×${h}×${w} tile (dims ${o.dims.join('×')})`);
  }
  // copy out of ORT-owned memory before disposing
  const copy = new Float32Array(data);
  tensor.dispose?.();
  o.dispose?.();
  return copy;
}
