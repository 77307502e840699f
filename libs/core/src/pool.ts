// The one worker-thread pool design (issue 16), used by sim, asteris, extract and photometry: a fixed set
// of Worker threads, a FIFO queue, each job posted to the next idle worker (so slow jobs never hold up a
// queue behind them); `runOn` pins a job to one worker instead. Protocol: the pool posts { id, job }; the
// worker (see `serveWorker`) answers { id, ok: true, result } or { id, ok: false, error, detail? }.
// Before any job each worker gets one init message; `serveWorker` answers it by raising the worker's flag
// in shared memory (`isReady(i)`, readable by a main thread that is busy and never returns to its event
// loop, as extract's chunk loop) and posting { ready: true } (`whenReady()`).
import { parentPort, Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/** A job the worker's handler threw on (message = the worker's error message; detail = serveWorker's errorDetail). */
export class WorkerJobError extends Error {
  override name = 'WorkerJobError';
  constructor(message: string, readonly detail?: unknown) { super(message); }
}

export interface WorkerPoolOptions {
  /** `workerData` of every worker (the same value for all) */
  workerData?: unknown;
  /** pass `workerExecArgv()` for a TypeScript entry */
  execArgv?: string[];
  /** V8 heap limits of each worker thread (e.g. a small young generation for chunked work) */
  resourceLimits?: ResourceLimits;
}

interface Reply { id: number; ok?: boolean; ready?: boolean; result?: unknown; error?: string; detail?: unknown }
interface Queued { id: number; job: unknown; transfer: readonly Transferable[]; resolve: (v: unknown) => void; reject: (e: Error) => void }

/** The init message a pool sends each worker first (handled by serveWorker). */
interface InitMessage { poolInit: { ready: Int32Array; index: number } }

export class WorkerPool<J, R> {
  readonly size: number;
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly queue: Queued[] = [];
  /** jobs pinned to one worker (runOn), taken before the shared queue */
  private readonly pinned: Queued[][];
  private readonly running = new Map<Worker, Queued>();
  /** ready[i] = 1 once worker i has loaded its code (serveWorker answered the init message) */
  private readonly ready: Int32Array;
  private readyWaiters: (() => void)[] = [];
  private nReady = 0;
  private nextId = 0;
  private alive: number;
  private closed = false;

  /** `size` threads (at least 1) running the module at `url`. */
  constructor(url: URL, size: number, opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(size));
    this.alive = this.size;
    this.ready = new Int32Array(new SharedArrayBuffer(4 * this.size));
    this.pinned = Array.from({ length: this.size }, () => []);
    this.workers = Array.from({ length: this.size }, (_, index) => {
      const w = new Worker(url, {
        workerData: opts.workerData, ...(opts.execArgv ? { execArgv: opts.execArgv } : {}),
        ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}),
      });
      w.postMessage({ poolInit: { ready: this.ready, index } } satisfies InitMessage);
      w.on('message', (m: Reply) => {
        if (m.ready) {
          if (++this.nReady === this.size) for (const r of this.readyWaiters.splice(0)) r();
          return;
        }
        const q = this.running.get(w);
        if (!q || q.id !== m.id) return;
        this.running.delete(w);
        if (m.ok) q.resolve(m.result); else q.reject(new WorkerJobError(m.error ?? 'worker job failed', m.detail));
        this.release(w, index);
      });
      const dead = (e: Error) => {
        const q = this.running.get(w);
        this.running.delete(w);
        const k = this.idle.indexOf(w);
        if (k >= 0) this.idle.splice(k, 1);
        q?.reject(e);
        for (const j of this.pinned[index]!.splice(0)) j.reject(e);
        // a dead worker takes no more jobs; with none left, queued jobs fail instead of waiting forever
        if (--this.alive === 0) for (const j of this.queue.splice(0)) j.reject(e);
        if (this.nReady < this.size) { this.nReady = this.size; for (const r of this.readyWaiters.splice(0)) r(); }
      };
      let failed = false;
      w.on('error', (err) => { failed = true; dead(err instanceof Error ? err : new Error(String(err))); });
      // an exit without an 'error' event (process.exit in the worker) also fails the job it held
      w.on('exit', (code) => { if (!failed && !this.closed) dead(new Error(`worker exited with code ${code}`)); });
      return w;
    });
    this.workers.forEach((w, i) => this.release(w, i));
  }

  /** Whether worker i has booted (readable at any time, no event-loop turn needed). */
  isReady(i: number): boolean { return Atomics.load(this.ready, i) === 1; }

  /** Resolves once every worker has booted (or died). */
  whenReady(): Promise<void> {
    if (this.nReady === this.size) return Promise.resolve();
    return new Promise((res) => this.readyWaiters.push(res));
  }

  /** Runs one job on the next idle worker; `transfer` lists buffers moved (not copied) to it. */
  run(job: J, transfer: readonly Transferable[] = []): Promise<R> {
    return this.enqueue(this.queue, job, transfer);
  }

  /** Runs one job on worker i (after the jobs already pinned to it). */
  runOn(i: number, job: J, transfer: readonly Transferable[] = []): Promise<R> {
    return this.enqueue(this.pinned[i % this.size]!, job, transfer);
  }

  /** Terminates every worker (queued jobs are dropped). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private enqueue(queue: Queued[], job: J, transfer: readonly Transferable[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      queue.push({ id: this.nextId++, job, transfer, resolve: resolve as (v: unknown) => void, reject });
      // hand it to an idle worker (one whose own queue or the shared queue now has work)
      for (const w of [...this.idle]) {
        const i = this.workers.indexOf(w);
        if (!this.pinned[i]!.length && !this.queue.length) continue;
        this.idle.splice(this.idle.indexOf(w), 1);
        this.release(w, i);
        break;
      }
    });
  }

  private release(w: Worker, i: number): void {
    const q = this.pinned[i]!.shift() ?? this.queue.shift();
    if (!q) { this.idle.push(w); return; }
    this.running.set(w, q);
    w.postMessage({ id: q.id, job: q.job }, q.transfer as Transferable[]);
  }
}

/**
 * Worker side of the pool protocol: answers each posted job with `handler`'s result (and its transfer
 * list). `errorDetail(e)` adds structured data to a failure (e.g. a library error's band and file), given
 * back as WorkerJobError.detail.
 */
export function serveWorker<J, R>(
  handler: (job: J) => R | Promise<R>, transferOf?: (result: R) => Transferable[],
  opts: { errorDetail?: (e: unknown) => unknown } = {},
): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker: not in a worker thread');
  port.on('message', async (m: { id: number; job: J } | InitMessage) => {
    if ('poolInit' in m) {
      Atomics.store(m.poolInit.ready, m.poolInit.index, 1);
      port.postMessage({ ready: true });
      return;
    }
    try {
      const result = await handler(m.job);
      port.postMessage({ id: m.id, ok: true, result }, transferOf ? transferOf(result) : []);
    } catch (e) {
      const detail = opts.errorDetail?.(e);
      port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e), ...(detail === undefined ? {} : { detail }) });
    }
  });
}
