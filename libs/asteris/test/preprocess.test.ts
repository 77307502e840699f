import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@asteris/stack';
import {
  AsterisError, binSuperFrames, clipPartImage, cropCube, cubeFromFrames, preprocessCube, sigmaClipLimits, stackBias,
  superFrameSizes, validBox,
} from '../src/index.ts';
import { synthStack } from './helpers.ts';

const REPO = resolve(import.meta.dirname, '../../..');

describe('preprocessing formulas (asteris-method.md §1.4)', () => {
  it('iterative 3σ clip equals a literal scipy.sigmaclip loop', () => {
    const rng = mulberry32(8);
    const v = Float32Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? 30 * rng.uniform() : rng.normal()));
    let c = Array.from(v, Number);
    let lo = 0, hi = 0;
    for (;;) {
      const m = c.reduce((a, b) => a + b, 0) / c.length;
      const sd = Math.sqrt(c.reduce((a, b) => a + (b - m) ** 2, 0) / c.length);
      lo = m - 3 * sd; hi = m + 3 * sd;
      const kept = c.filter((x) => x >= lo && x <= hi);
      if (kept.length === c.length) break;
      c = kept;
    }
    const r = sigmaClipLimits(v, 3);
    expect(r.lo).toBeCloseTo(lo, 10);
    expect(r.hi).toBeCloseTo(hi, 10);
    expect(r.iters).toBeGreaterThan(2);
  });

  it('super-frame sizes follow process_nmean; N < T is a clear error', () => {
    expect(superFrameSizes(12, 8)).toEqual([1, 1, 2, 2, 2, 2, 1, 1]);
    expect(superFrameSizes(8, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    for (let n = 4; n < 40; n++) for (const T of [4, 8]) if (n >= T) expect(superFrameSizes(n, T).reduce((a, b) => a + b)).toBe(n);
    expect(() => superFrameSizes(6, 8)).toThrow(AsterisError);
    expect(() => superFrameSizes(6, 8)).toThrow(/6 exposure\(s\).*T = 8/);
    // the advice names what works with the exposures at hand, never a model that needs more
    expect(() => superFrameSizes(6, 8)).toThrow(/With 6 exposures use asteris4 \(T = 4\)/);
    expect(() => superFrameSizes(3, 4)).toThrow(/No built-in model works with 3 exposure\(s\).*--denoiser none/);
    expect(() => superFrameSizes(3, 4)).not.toThrow(/use asteris4/);
  });

  it('binning is a contiguous nanmean', () => {
    const frames = [Float32Array.of(1, 2), Float32Array.of(3, NaN), Float32Array.of(5, 6)];
    const c = cubeFromFrames(frames, 2, 1);
    const b = binSuperFrames(c, 2); // sizes: q=1, r=1, centred block starts at ⌊(2−1)/2⌋ = 0 → [2, 1]
    expect(Array.from(b.data)).toEqual([2, 2, 5, 6]);
  });

  it('clip part: single-frame hits are dropped, otherwise temporal median over all N', () => {
    const n = 4, npix = 3;
    const P = new Float32Array(n * npix);
    P[0 * npix + 0] = 9; // one hit only → 0
    P[0 * npix + 1] = 2; P[1 * npix + 1] = 4; P[2 * npix + 1] = 6; // three of four → median(0,2,4,6) = 3
    const R = clipPartImage(P, n, npix);
    expect(Array.from(R)).toEqual([0, 3, 0]);
  });

  it('valid box is the box valid in every frame; 0 means missing', () => {
    const frames = synthStack(8, 40, 30, 3, { missingBorder: true });
    const c = cubeFromFrames(frames, 40, 30);
    expect(validBox(c)).toEqual({ x0: 2, y0: 2, x1: 40, y1: 30 });
    expect(() => preprocessCube(cropCube(c, validBox(c)!), 8)).not.toThrow();
  });

  it('normalised background ≈ 1, noise ≈ 0.25, ceiling ≈ 1.75', () => {
    const frames = synthStack(8, 96, 96, 4, { blobs: 3 });
    const c = cubeFromFrames(frames, 96, 96);
    const pre = preprocessCube(c, 8);
    // single exposures (T = N): median 1 by construction, std of the winsorised stack 0.25 by construction
    let s = 0, s2 = 0;
    const d = pre.frames.data;
    for (const v of d) { s += v; s2 += v * v; }
    const m = s / d.length;
    expect(Math.sqrt(s2 / d.length - m * m)).toBeCloseTo(0.25, 3);
    expect((pre.norm.hi - pre.norm.mu) / pre.norm.sigma / 4 + 1).toBeGreaterThan(1.6);
    expect((pre.norm.hi - pre.norm.mu) / pre.norm.sigma / 4 + 1).toBeLessThan(1.8);
    expect(Math.abs(stackBias(pre.frames) - 1)).toBeLessThan(0.02);
  });
});

describe('TypeScript preprocessing vs the Python transcription (asteris_train/preprocess.py)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asteris-pp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [n, T, seed] of [[12, 8, 1], [9, 4, 2]] as const) {
    it(`same random stack, N=${n}, T=${T}`, () => {
      const W = 70, H = 52;
      const frames = synthStack(n, W, H, seed, { missingBorder: true, blobs: 8 });
      // a few cosmic rays and a hole inside the valid box
      const rng = mulberry32(seed + 10);
      for (let k = 0; k < 30; k++) frames[Math.floor(rng.uniform() * n)]![Math.floor(rng.uniform() * W * H)] = 200 * rng.uniform();
      frames[0]![30 * W + 30] = 0;
      const flat = new Float32Array(n * W * H);
      frames.forEach((f, t) => flat.set(f, t * W * H));
      writeFileSync(join(dir, 'stack.f32'), flat);
      execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'py/preprocess_ref.py'), dir, `${n}`, `${H}`, `${W}`, `${T}`], {
        env: { ...process.env, PYTHONPATH: join(REPO, 'apps/asteris-train') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const py = JSON.parse(readFileSync(join(dir, 'py.json'), 'utf8'));
      const pyStack = new Float32Array(readFileSync(join(dir, 'py_stack.f32')).buffer.slice(0));
      const pyR = new Float32Array(readFileSync(join(dir, 'py_R.f32')).buffer.slice(0));

      const cube = cubeFromFrames(frames, W, H);
      const box = validBox(cube)!;
      expect([box.y0, box.y1, box.x0, box.x1]).toEqual(py.bbox);
      const pre = preprocessCube(cropCube(cube, box), T);
      const g = stackBias(pre.frames);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));
      expect(rel(pre.norm.lo, py.lo)).toBeLessThan(1e-9);
      expect(rel(pre.norm.hi, py.hi)).toBeLessThan(1e-9);
      expect(rel(pre.norm.mu, py.mu)).toBeLessThan(1e-6); // float32 storage of winsorised values
      expect(rel(pre.norm.sigma, py.sigma)).toBeLessThan(1e-6);
      expect(Math.abs(g - py.g)).toBeLessThan(1e-6);
      expect(pyStack.length).toBe(pre.frames.data.length);
      let worst = 0;
      for (let i = 0; i < pyStack.length; i++) {
        const v = pre.frames.data[i]!;
        const ours = Number.isNaN(v) ? 0 : v - g; // Python keeps the NaN → 0 sentinel
        worst = Math.max(worst, Math.abs(ours - pyStack[i]!));
      }
      expect(worst).toBeLessThan(1e-5);
      let worstR = 0;
      for (let i = 0; i < pyR.length; i++) worstR = Math.max(worstR, Math.abs(pre.clipPart[i]! - pyR[i]!));
      expect(worstR).toBeLessThan(1e-4);
      expect(pyR.some((v) => v > 0)).toBe(true);
    });
  }
});
