// Worker thread for extractSourcesParallel: runs deblending and per-object measurement on its share of the
// objects. Full-size arrays arrive as SharedArrayBuffer views (no copy); results go back by structured clone.
import { parentPort } from 'node:worker_threads';
import { deblendComponents, measureObject } from '../extract.ts';
import { meshRows, type BackgroundOptions } from '../background/model.ts';

parentPort!.on('message', (m: { id: number; kind: string; [k: string]: unknown }) => {
  try {
    let result: unknown;
    if (m.kind === 'deblend') {
      const a = m as unknown as { comps: Parameters<typeof deblendComponents>[0]; w: number; T: number; dopts: Parameters<typeof deblendComponents>[3] };
      // copy views into compact arrays: cloning a view would send its whole underlying buffer
      result = deblendComponents(a.comps, a.w, a.T, a.dopts).map((o) => (o.pix.buffer.byteLength === o.pix.byteLength ? o
        : { ...o, pix: o.pix.slice(), dval: o.dval.slice() }));
    } else if (m.kind === 'measure') {
      const a = m as unknown as { ctx: Parameters<typeof measureObject>[0]; objs: Parameters<typeof measureObject>[1][]; ids: number[] };
      result = a.objs.map((o, i) => measureObject(a.ctx, o, a.ids[i]!));
    } else if (m.kind === 'meshes') {
      const a = m as unknown as { data: Float32Array; w: number; h: number; bopts: BackgroundOptions; j0: number; j1: number };
      result = meshRows(a.data, a.w, a.h, a.bopts, a.j0, a.j1);
    } else if (m.kind === 'ping') {
      result = 'pong';
    } else {
      throw new Error(`unknown task ${m.kind}`);
    }
    parentPort!.postMessage({ id: m.id, ok: true, result });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});

parentPort!.postMessage({ ready: true });
