// The whitened (GLS) stack reaches the analytic limit on a known-covariance case (issue 14).
import { describe, expect, it } from 'vitest';
import { destripeRows, exposureCovariance, glsStack, glsWeights, mulberry32, robustSigma } from '../src/index.ts';

const W = 128, H = 128, N = 6;
// between-exposure covariance: unequal depths and components shared within pairs of exposures (striping
// or a pattern common to an exposure pair): x_t = a_t e_t + c_t g_{k(t)}, Σ_st = a_t² δ_st + c_s c_t [k(s) = k(t)]
const A = [0.7, 0.7, 1.0, 1.0, 1.2, 1.2], C = [1.5, 1.5, 0.3, 0.3, 0, 0], GRP = [0, 0, 1, 1, 2, 3];
function trueCov(): number[][] {
  return Array.from({ length: N }, (_, s) => Array.from({ length: N }, (_, t) => (s === t ? A[s]! ** 2 + C[s]! ** 2 : GRP[s] === GRP[t] ? C[s]! * C[t]! : 0)));
}
const SIG = A.map((a, t) => Math.hypot(a, C[t]!));
function stack(seed: number, sky: Float32Array): Float32Array[] {
  const r = mulberry32(seed);
  const g = Array.from({ length: 4 }, () => Float32Array.from({ length: W * H }, () => r.normal()));
  return Array.from({ length: N }, (_, t) => Float32Array.from({ length: W * H }, (_, p) => sky[p]! + A[t]! * r.normal() + C[t]! * g[GRP[t]!]![p]!));
}
const std = (a: Float32Array) => { let s = 0, s2 = 0; for (const v of a) { s += v; s2 += v * v; } return Math.sqrt(s2 / a.length - (s / a.length) ** 2); };
const wvar = (w: number[], T: number[][]) => w.reduce((a, wi, i) => a + wi * T[i]!.reduce((b, c, j) => b + c * w[j]!, 0), 0);

describe('GLS whitened stack', () => {
  const sky = Float32Array.from({ length: W * H }, (_, p) => 50 + 0.05 * (p % W) + (p % 97 === 0 ? 40 : 0));
  const frames = stack(3, sky);
  it('estimates the between-exposure covariance from the data (sky cancels)', () => {
    const C = exposureCovariance(frames, { sigmas: SIG }), T = trueCov();
    for (let s = 0; s < N; s++) for (let t = 0; t < N; t++) expect(Math.abs(C[s]![t]! - T[s]![t]!)).toBeLessThan(0.04 * (T[s]![s]! + T[t]![t]!));
  });
  it('reaches the analytic GLS variance 1/(1ᵀΣ⁻¹1), below the plain mean (1ᵀΣ1/N²) and inverse-variance weights', () => {
    const T = trueCov();
    const est = glsWeights(exposureCovariance(frames, { sigmas: SIG }));
    const exact = glsWeights(T);
    const fresh = stack(4, sky); // independent noise, weights from the first stack
    const res = (img: Float32Array) => std(Float32Array.from(img, (v, p) => v - sky[p]!));
    const sGls = res(glsStack(fresh, { weights: est.weights, clip: Infinity }));
    const sMean = res(glsStack(fresh, { clip: Infinity }));
    const iv = T.map((r, i) => 1 / r[i]!), tot = iv.reduce((a, b) => a + b, 0);
    const sIvw = res(glsStack(fresh, { weights: iv.map((v) => v / tot), clip: Infinity }));
    const analytic = Math.sqrt(exact.variance);
    const meanAnalytic = Math.sqrt(T.flat().reduce((a, b) => a + b, 0)) / N;
    const ivwAnalytic = Math.sqrt(wvar(iv.map((v) => v / tot), T));
    expect(Math.abs(sGls / analytic - 1)).toBeLessThan(0.015);
    expect(Math.abs(sMean / meanAnalytic - 1)).toBeLessThan(0.015);
    expect(Math.abs(sIvw / ivwAnalytic - 1)).toBeLessThan(0.015);
    expect(sGls).toBeLessThan(0.85 * sMean);
    expect(sGls).toBeLessThan(0.985 * sIvw); // analytic 0.976
    expect(Math.abs(Math.sqrt(est.variance) / analytic - 1)).toBeLessThan(0.03);
  });
  it('destriping projects out row offsets (1/f striping) and keeps white noise and sources', () => {
    const r = mulberry32(7);
    const rows = Float64Array.from({ length: H }, (_, y) => 0.8 * Math.sin(y / 7) + 0.5 * r.normal());
    const img = Float32Array.from({ length: W * H }, (_, p) => r.normal() + rows[Math.floor(p / W)]!);
    img[64 * W + 64] += 50; // a source: masked, not smeared along its row
    const { data, rows: est } = destripeRows(img, W, H);
    let e2 = 0;
    for (let y = 0; y < H; y++) e2 += (est[y]! - rows[y]!) ** 2;
    expect(Math.sqrt(e2 / H)).toBeLessThan(0.15); // ≈ 1/√W per row
    expect(Math.abs(robustSigma(data) - 1)).toBeLessThan(0.05);
    expect(Math.abs(data[64 * W + 64]! - (img[64 * W + 64]! - rows[64]!))).toBeLessThan(0.3);
  });
});
