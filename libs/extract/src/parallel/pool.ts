// A minimal worker-thread pool for the extraction (one outstanding task per worker). Workers run the
// TypeScript sources through tsx (execArgv ['--import', 'tsx']).
import { Worker } from 'node:worker_threads';

export class ExtractPool {
  private workers: Worker[] = [];
  /** indices of workers that have finished booting (loading tsx and the extraction code) */
  readonly ready: number[] = [];
  private readyWaiters: (() => void)[] = [];

  /** Resolves once every worker has booted. */
  whenReady(): Promise<void> {
    if (this.ready.length === this.size) return Promise.resolve();
    return new Promise((res) => this.readyWaiters.push(res));
  }
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const wk = new Worker(new URL('./worker-boot.mjs', import.meta.url), { execArgv: ['--import', 'tsx'] });
      wk.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string; ready?: boolean }) => {
        if (m.ready) {
          this.ready.push(i);
          if (this.ready.length === this.size) { for (const r of this.readyWaiters.splice(0)) r(); }
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
