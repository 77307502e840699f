// Deterministic demo handlers: what the engine tests and benchmark run (and `asteris worker --demo`,
// hidden, for the CLI test); the real stages are @asteris/pipeline's stageHandlers(). `demo.write` writes a
// file whose bytes depend only on its seed and on its dependencies' results, in `steps` steps
// (sleeping `stepMs` and/or hashing `spin` rounds per step), reporting progress after each.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { JobHandler } from './types.ts';
import { sleep } from './dag.ts';

export const demoWriteSchema = z.strictObject({
  /** file to write (absolute, or relative to the cache root) */
  out: z.string().min(1),
  seed: z.number().int(),
  bytes: z.number().int().min(0).max(64 << 20),
  steps: z.number().int().min(1).max(10_000).default(1),
  stepMs: z.number().int().min(0).max(60_000).default(0),
  /** CPU work per step: rounds of SHA-256 over 64 KiB */
  spin: z.number().int().min(0).max(1_000_000).default(0),
  /** fail this many tries before succeeding (counts tries in `${out}.tries`), to exercise retries */
  failTimes: z.number().int().min(0).max(10).default(0),
});
export type DemoWrite = z.infer<typeof demoWriteSchema>;
export interface DemoResult { sha256: string; bytes: number }

const outPath = (p: DemoWrite, cache: string): string => resolve(cache, p.out);

export const demoWrite: JobHandler<DemoWrite, DemoResult> = {
  kind: 'demo.write',
  schema: demoWriteSchema,
  paths: (p) => [p.out],
  async run(p, ctx) {
    const out = outPath(p, ctx.roots.cache);
    mkdirSync(dirname(out), { recursive: true });
    if (p.failTimes > 0) {
      const triesFile = `${out}.tries`;
      let tries = 0;
      try { tries = Number(readFileSync(triesFile, 'utf8')) || 0; } catch { /* first try */ }
      writeFileSync(triesFile, String(tries + 1));
      if (tries < p.failTimes) throw new Error(`demo.write ${p.out}: planned failure ${tries + 1} of ${p.failTimes}`);
    }
    // the seed of the bytes: this job's seed and its dependencies' digests, in id order
    const h = createHash('sha256').update(`seed:${p.seed}`);
    for (const id of Object.keys(ctx.deps).sort()) {
      const r = ctx.deps[id] as Partial<DemoResult> | null;
      h.update(`|${id}:${r?.sha256 ?? 'none'}`);
    }
    let state = h.digest();
    const block = Buffer.alloc(65536, state);
    for (let s = 0; s < p.steps; s++) {
      for (let i = 0; i < p.spin; i++) state = createHash('sha256').update(block).update(state).digest();
      if (p.stepMs > 0) await sleep(p.stepMs);
      ctx.progress(s + 1, p.steps, `step ${s + 1}/${p.steps}`);
    }
    const buf = Buffer.alloc(p.bytes);
    for (let off = 0, k = 0; off < p.bytes; off += 32, k++) {
      createHash('sha256').update(state).update(String(k)).digest().copy(buf, off);
    }
    const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, buf);
    renameSync(tmp, out);
    return { sha256: createHash('sha256').update(buf).digest('hex'), bytes: p.bytes };
  },
};

export function demoHandlers(): JobHandler<any, any>[] {
  return [demoWrite];
}
