// ONNX-in-TypeScript (onnxruntime-node) against PyTorch on the same input, tiny seeded model.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessRunner, poolRunner } from '../src/index.ts';

const T = 8, H = 40, W = 56;
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'asteris-parity-'));
  execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'py/tiny_parity.py'), dir, `${T}`, `${H}`, `${W}`], { stdio: ['ignore', 'pipe', 'pipe'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f32 = (p: string) => new Float32Array(readFileSync(p).buffer.slice(0));

describe('ONNX (onnxruntime-node) vs PyTorch', () => {
  it('in-process session matches torch within 1e-5', async () => {
    const input = f32(join(dir, 'input.f32'));
    const want = f32(join(dir, 'torch_out.f32'));
    const r = await inProcessRunner(join(dir, 'tiny.onnx'));
    expect(r.frames).toBe(T); // T read from the graph's input shape
    const got = await r.run(input.slice(), H, W);
    await r.close();
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-5);
    // not the identity: the network changed the input
    let moved = 0;
    for (let i = 0; i < want.length; i++) moved = Math.max(moved, Math.abs(want[i]! - input[i]!));
    expect(moved).toBeGreaterThan(1e-2);
  });

  it('worker pool (one session per worker, intraOpNumThreads 1) gives the same bytes', async () => {
    const input = f32(join(dir, 'input.f32'));
    const a = await inProcessRunner(join(dir, 'tiny.onnx'), { threads: 1 });
    const ref = await a.run(input.slice(), H, W);
    await a.close();
    const pool = await poolRunner(join(dir, 'tiny.onnx'), { workers: 2 });
    const outs = await Promise.all([pool.run(input.slice(), H, W), pool.run(input.slice(), H, W), pool.run(input.slice(), H, W)]);
    await pool.close();
    for (const o of outs) expect(Buffer.from(o.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
  });
});
