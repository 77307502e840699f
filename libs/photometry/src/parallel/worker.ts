// Photometry worker thread: measures one band per task with the same measureBand as the
// single-threaded path (so the bytes are the same) and posts the result back.
import { parentPort } from 'node:worker_threads';
import { measureBand, type BandPixels, type BandPlan, type DetectionSource } from '../phot/forced.ts';
import type { Psf } from '../psf/psf.ts';
import { PhotometryError } from '../errors.ts';

export interface BandTask {
  id: number;
  band: BandPixels;
  scale: number;
  matchTo?: Psf;
  sources: DetectionSource[];
  /** segmentation in a SharedArrayBuffer (one copy shared by all workers) */
  seg: Int32Array;
  plan: BandPlan;
}

const port = parentPort!;
port.on('message', (t: BandTask) => {
  const logs: string[] = [];
  try {
    const m = measureBand(t.band, t.scale, t.matchTo, t.sources, t.seg, t.plan, (s) => logs.push(s));
    const transfer = [...m.aper, ...m.aperErr, m.aperFlags, m.kron, m.kronErr, m.kronCrowded].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ id: t.id, ok: true, result: m, logs }, transfer);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ id: t.id, ok: false, logs, error: { message: err.message, photometry: e instanceof PhotometryError,
      band: (e as PhotometryError).band, file: (e as PhotometryError).file, stack: err.stack } });
  }
});
port.postMessage({ ready: true });
