// Photometry worker thread (@asteris/core's WorkerPool protocol): measures one band per job with the same
// measureBand as the single-threaded path (so the bytes are the same) and returns it with the band's log
// lines. A PhotometryError's band and file come back as the failure's detail.
import { serveWorker } from '@asteris/core';
import { measureBand, type BandMeasurement, type BandPixels, type BandPlan, type DetectionSource } from '../phot/forced.ts';
import type { Psf } from '../psf/psf.ts';
import { PhotometryError } from '../errors.ts';

export interface BandTask {
  band: BandPixels;
  scale: number;
  matchTo?: Psf;
  sources: DetectionSource[];
  /** segmentation in a SharedArrayBuffer (one copy shared by all workers) */
  seg: Int32Array;
  plan: BandPlan;
}
export interface BandReply { m: BandMeasurement; logs: string[] }
export interface BandFailure { photometry: boolean; band?: string; file?: string; stack?: string }

serveWorker((t: BandTask): BandReply => {
  const logs: string[] = [];
  const m = measureBand(t.band, t.scale, t.matchTo, t.sources, t.seg, t.plan, (s) => logs.push(s));
  return { m, logs };
}, ({ m }) => [...m.aper, ...m.aperErr, m.aperFlags, m.kron, m.kronErr, m.kronCrowded].map((a) => a.buffer as ArrayBuffer), {
  errorDetail: (e): BandFailure => ({ photometry: e instanceof PhotometryError, band: (e as PhotometryError).band, file: (e as PhotometryError).file, stack: (e as Error).stack }),
});
