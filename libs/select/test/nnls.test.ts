import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { nnls, Rng } from '../src/index.ts';

describe('NNLS (Lawson–Hanson)', () => {
  it('equals the unconstrained least-squares solution when that is positive', () => {
    // A = [[1,0],[0,2],[1,1]], b = A·[2,3] exactly
    const A = Float64Array.from([1, 0, 0, 2, 1, 1]);
    const x = nnls(A, Float64Array.from([2, 6, 5]), 3, 2);
    expect(x[0]).toBeCloseTo(2, 10);
    expect(x[1]).toBeCloseTo(3, 10);
  });
  it('clamps a negative component to 0 and refits the rest', () => {
    // b = 1·a0 − 1·a1 with orthogonal columns → x = [1, 0]
    const A = Float64Array.from([1, 0, 0, 1, 0, 0]);
    const x = nnls(A, Float64Array.from([1, -1, 0]), 3, 2);
    expect(x[0]).toBeCloseTo(1, 9);
    expect(x[1]).toBe(0);
  });
  it('matches scipy.optimize.nnls on random problems', () => {
    const rng = new Rng(42);
    const probs = Array.from({ length: 6 }, () => {
      const m = 12, n = 8;
      const A = Array.from({ length: m * n }, () => rng.uniform(0, 1));
      const b = Array.from({ length: m }, () => rng.normal());
      return { m, n, A, b };
    });
    const py = `
import json, sys, numpy as np
from scipy.optimize import nnls
out = []
for p in json.load(sys.stdin):
    A = np.array(p['A']).reshape(p['m'], p['n']); x, r = nnls(A, np.array(p['b']))
    out.append(list(x))
print(json.dumps(out))`;
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(probs) }).toString()) as number[][];
    probs.forEach((p, k) => {
      const x = nnls(Float64Array.from(p.A), Float64Array.from(p.b), p.m, p.n);
      for (let i = 0; i < p.n; i++) expect(x[i]).toBeCloseTo(ref[k][i], 7);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    });
  });
});
