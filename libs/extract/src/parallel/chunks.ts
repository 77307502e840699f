// The chunks of the parallel stages, as pure functions of plain (cloneable) task data: the main thread and
// the workers run the same code on chunk indices they take from a shared counter, so which thread ran a
// chunk never changes the result.
import { meshRows, type BackgroundModel, type BackgroundOptions } from '../background/model.ts';
import type { CleanPrep, MeasureCtx, MomentNoise } from '../extract.ts';
import { deblendComponents, measureObject, subtractBackgroundRows } from '../extract.ts';
import type { DeblendOptions } from '../detect/deblend.ts';
import type { DetectionSpec } from '../detect/filter.ts';
import { labelBand, type Band, type Components } from '../detect/label.ts';
import { packObjs, packSources, sharedObj, type PackedObjs, type SharedObjs } from './pack.ts';

export type ChunkTask =
  | { kind: 'meshes'; data: Float32Array; w: number; h: number; bopts: BackgroundOptions; bounds: Int32Array }
  | { kind: 'subtract'; sub: Float32Array; w: number; model: BackgroundModel; mask: Uint8Array | null; bounds: Int32Array }
  | { kind: 'scan'; spec: DetectionSpec; T: number; bounds: Int32Array }
  | { kind: 'deblend'; comps: Components; w: number; T: number; dopts: DeblendOptions; noise: MomentNoise; prep?: CleanPrep; bounds: Int32Array }
  | { kind: 'measure'; ctx: MeasureCtx; objs: SharedObjs; bounds: Int32Array; na: number; nf: number };

/** Chunk c of a task, in the form that crosses threads (typed arrays, transferable). */
export function runChunk(t: ChunkTask, c: number): { back: Float32Array; sigma: Float32Array } | Band | PackedObjs | Float64Array | null {
  const a = t.bounds[c]!, b = t.bounds[c + 1]!;
  switch (t.kind) {
    case 'meshes': return meshRows(t.data, t.w, t.h, t.bopts, a, b);
    case 'subtract': subtractBackgroundRows(t.sub, t.w, t.model, t.mask, a, b); return null;
    case 'scan': return labelBand(t.spec.w, a, b, t.spec, t.T);
    case 'deblend': return packObjs(deblendComponents(t.comps, t.w, t.T, t.dopts, t.noise, a, b, t.prep));
    case 'measure': {
      const out = [];
      for (let j = a; j < b; j++) out.push(measureObject(t.ctx, sharedObj(t.objs, j), j + 1));
      return packSources(out, t.na, t.nf);
    }
  }
}

/** The buffers of a chunk result that can be transferred instead of copied. */
export function transferables(r: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: { buffer: ArrayBufferLike }) => { if (a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer); };
  if (r instanceof Float64Array) add(r);
  else if (r && typeof r === 'object') for (const v of Object.values(r)) if (ArrayBuffer.isView(v)) add(v);
  return out;
}
