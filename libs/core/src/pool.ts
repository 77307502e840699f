// The one worker-thread pool design (issue 16): a fixed set of Worker threads, a FIFO queue, each job
// posted to the next idle worker (so slow jobs never hold up a queue behind them). Protocol: the pool
// posts { id, job }; the worker (see `serveWorker`) answers { id, ok: true, result } or { id, ok: false, error }.
import { parentPort, Worker, type Transferable } from 'node:worker_threads';

/** A job the worker's handler threw on (message = the worker's error message). */
export class WorkerJobError extends Error { override name = 'WorkerJobError'; }

interface Reply { id: number; ok: boolean; result?: unknown; error?: string }
interface Queued { id: number; job: unknown; transfer: readonly Transferable[]; resolve: (v: unknown) => void; reject: (e: Error) => void }

export class WorkerPool<J, R> {
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly queue: Queued[] = [];
  private readonly running = new Map<Worker, Queued>();
  private nextId = 0;
  private alive: number;

  /** `size` threads running the module at `url` (pass `execArgv: workerExecArgv()` for a TypeScript entry). */
  constructor(url: URL, size: number, opts: { workerData?: unknown; execArgv?: string[] } = {}) {
    this.alive = Math.max(1, size);
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = new Worker(url, { workerData: opts.workerData, ...(opts.execArgv ? { execArgv: opts.execArgv } : {}) });
      w.on('message', (m: Reply) => {
        const q = this.running.get(w);
        if (!q || q.id !== m.id) return;
        this.running.delete(w);
        if (m.ok) q.resolve(m.result); else q.reject(new WorkerJobError(m.error ?? 'worker job failed'));
        this.release(w);
      });
      w.on('error', (err) => {
        const q = this.running.get(w);
        this.running.delete(w);
        const e = err instanceof Error ? err : new Error(String(err));
        const k = this.idle.indexOf(w);
        if (k >= 0) this.idle.splice(k, 1);
        q?.reject(e);
        // a dead worker takes no more jobs; with none left, queued jobs fail instead of waiting forever
        if (--this.alive === 0) for (const j of this.queue.splice(0)) j.reject(e);
      });
      return w;
    });
    for (const w of this.workers) this.release(w);
  }

  /** Runs one job on the next idle worker; `transfer` lists buffers moved (not copied) to it. */
  run(job: J, transfer: readonly Transferable[] = []): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, transfer, resolve: resolve as (v: unknown) => void, reject });
      const w = this.idle.pop();
      if (w) this.release(w);
    });
  }

  /** Terminates every worker (queued jobs are dropped). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private release(w: Worker): void {
    const q = this.queue.shift();
    if (!q) { this.idle.push(w); return; }
    this.running.set(w, q);
    w.postMessage({ id: q.id, job: q.job }, q.transfer as Transferable[]);
  }
}

/** Worker side of the pool protocol: answers each posted job with `handler`'s result (and its transfer list). */
export function serveWorker<J, R>(handler: (job: J) => R | Promise<R>, transferOf?: (result: R) => Transferable[]): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker: not in a worker thread');
  port.on('message', async (m: { id: number; job: J }) => {
    try {
      const result = await handler(m.job);
      port.postMessage({ id: m.id, ok: true, result }, transferOf ? transferOf(result) : []);
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
