// A minimal worker-thread pool for the extraction (one outstanding task per worker). Workers run the
// TypeScript sources through tsx (worker-boot.mjs registers it in the thread). Each worker raises a flag in
// shared memory once booted, so that the main thread can see it between two chunks of work without
// returning to the event loop.
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '@asteris/core';

export class ExtractPool {
  private workers: Worker[] = [];
  /** ready[i] = 1 once worker i has loaded the extraction code */
  readonly ready: Int32Array;
  private readyWaiters: (() => void)[] = [];
  private nReady = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(readonly size: number) {
    this.ready = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, size)));
    for (let i = 0; i < size; i++) {
      // A worker holds one chunk's objects at a time (results go back packed), so a small young generation
      // does: V8's default grows to 32 MiB per thread. Measured at 8192² with 2 threads: peak 532–552 MiB
      // above the runtime instead of 564–582, for 3 % more wall time (docs/extract.md, "Memory").
      const wk = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
        execArgv: workerExecArgv(), workerData: { ready: this.ready, index: i },
        resourceLimits: { maxYoungGenerationSizeMb: 2 },
      });
      wk.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string; ready?: boolean }) => {
        if (m.ready) {
          if (++this.nReady === this.size) { for (const r of this.readyWaiters.splice(0)) r(); }
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result); else p.reject(new Error(`extraction worker: ${m.error}`));
      });
      wk.on('error', (e) => { for (const p of this.pending.values()) p.reject(e); this.pending.clear(); });
      this.workers.push(wk);
    }
  }

  /** Whether worker i has booted (readable at any time, no event-loop turn needed). */
  isReady(i: number): boolean { return Atomics.load(this.ready, i) === 1; }

  /** Resolves once every worker has booted. */
  whenReady(): Promise<void> {
    if (this.nReady === this.size) return Promise.resolve();
    return new Promise((res) => this.readyWaiters.push(res));
  }

  run<T>(worker: number, task: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[worker % this.size]!.postMessage({ ...task, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
