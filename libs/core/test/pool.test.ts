import { describe, expect, it } from 'vitest';
import { WorkerJobError, WorkerPool } from '../src/index.ts';

type Job = { op: string; data?: Float64Array };
type Res = { thread: number; sum: number; out: Float64Array };
const URL_ = new URL('./fixtures/pool-worker.mjs', import.meta.url);

describe('WorkerPool (the one pool design)', () => {
  it('boot flags, pinned jobs, transfers, FIFO jobs, error detail and a dying worker', async () => {
    const pool = new WorkerPool<Job, Res>(URL_, 2);
    try {
      await pool.whenReady();
      expect([pool.isReady(0), pool.isReady(1)]).toEqual([true, true]);
      // pinned: both jobs on worker 1 run on the same thread, not on worker 0's
      const a = await pool.runOn(1, { op: 'x' });
      const b = await pool.runOn(1, { op: 'x' });
      const c = await pool.runOn(0, { op: 'x' });
      expect(a.thread).toBe(b.thread);
      expect(c.thread).not.toBe(a.thread);
      // a transferred buffer is moved (detached here); the result's transfer list comes back
      const data = new Float64Array([1, 2, 3.5]);
      const r = await pool.run({ op: 'x', data }, [data.buffer]);
      expect(r.sum).toBe(6.5);
      expect(data.length).toBe(0);
      expect(Array.from(r.out)).toEqual([1, 2]);
      const many = await Promise.all(Array.from({ length: 6 }, () => pool.run({ op: 'x' })));
      expect(new Set(many.map((m) => m.thread)).size).toBeGreaterThanOrEqual(1);
      const err = await pool.run({ op: 'fail' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerJobError);
      expect((err as WorkerJobError).message).toBe('bad job');
      expect((err as WorkerJobError).detail).toEqual({ tag: 'T1' });
      // a worker that exits fails the job it held, and the other one goes on
      await expect(pool.runOn(0, { op: 'exit' })).rejects.toThrow(/exited with code 3/);
      expect((await pool.run({ op: 'x' })).thread).toBe(a.thread);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
