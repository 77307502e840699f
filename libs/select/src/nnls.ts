// Non-negative least squares, Lawson & Hanson (1974, "Solving Least Squares Problems", ch. 23)
// active-set algorithm, written on the normal equations (G = AᵀA, h = Aᵀb) because the
// photo-z problems are tiny (≤ ~20 templates) and G, h are cheap to form per redshift.
// Minimises ½xᵀGx − hᵀx subject to x ≥ 0; returns x and the number of iterations.

let lbuf = new Float64Array(400);

/** Solve the symmetric positive-(semi)definite system G_PP x_P = h_P by Cholesky with a tiny ridge. */
function solvePassive(G: Float64Array, h: Float64Array, n: number, P: number[], out: Float64Array): boolean {
  const m = P.length;
  const L = lbuf.length >= m * m ? lbuf : (lbuf = new Float64Array(m * m));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[P[i] * n + P[j]];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        const d = s + 1e-12 * Math.abs(G[P[i] * n + P[i]]);
        if (!(d > 0)) return false;
        L[i * m + i] = Math.sqrt(d);
      } else {
        L[i * m + j] = s / L[j * m + j];
      }
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = h[P[i]];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * y[k];
    y[i] = s / L[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * out[k];
    out[i] = s / L[i * m + i];
  }
  return true;
}

/**
 * NNLS on normal equations: G (n×n, row-major), h (n). Returns x ≥ 0 minimising ‖Ax − b‖².
 * Columns with G_ii = 0 (template with no flux in any band) stay at 0.
 */
export function nnlsNormal(G: Float64Array, h: Float64Array, n: number, maxIter = 3 * n + 10): Float64Array {
  const x = new Float64Array(n);
  const inP = new Uint8Array(n);
  const w = new Float64Array(n);
  const z = new Float64Array(n);
  const P: number[] = [];
  const zbuf = new Float64Array(n);
  let hmax = 1e-300;
  for (let i = 0; i < n; i++) hmax = Math.max(hmax, Math.abs(h[i]));
  const tol = 1e-10 * hmax;
  for (let it = 0; it < maxIter; it++) {
    // gradient w = h − Gx
    let best = -1, bestW = tol;
    for (let i = 0; i < n; i++) {
      let s = h[i];
      for (let j = 0; j < n; j++) s -= G[i * n + j] * x[j];
      w[i] = s;
      if (!inP[i] && G[i * n + i] > 0 && s > bestW) { bestW = s; best = i; }
    }
    if (best < 0) break;
    inP[best] = 1;
    // inner loop
    for (let inner = 0; inner < 3 * n + 10; inner++) {
      P.length = 0;
      for (let i = 0; i < n; i++) if (inP[i]) P.push(i);
      const zp = zbuf.subarray(0, P.length);
      if (!solvePassive(G, h, n, P, zp)) { inP[best] = 0; return x; }
      z.fill(0);
      let allPos = true;
      for (let k = 0; k < P.length; k++) { z[P[k]] = zp[k]; if (zp[k] <= 0) allPos = false; }
      if (allPos) { x.set(z); break; }
      let alpha = Infinity;
      for (const i of P) if (z[i] <= 0) alpha = Math.min(alpha, x[i] / (x[i] - z[i]));
      for (let i = 0; i < n; i++) x[i] += alpha * (z[i] - x[i]);
      for (const i of P) if (x[i] <= 1e-15 * (1 + Math.abs(x[i]))) { inP[i] = 0; x[i] = 0; }
    }
  }
  return x;
}

/** Convenience: NNLS for A (m×n row-major) and b (m). */
export function nnls(A: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  const G = new Float64Array(n * n), h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[k * n + i] * A[k * n + j];
      G[i * n + j] = G[j * n + i] = s;
    }
    let s = 0;
    for (let k = 0; k < m; k++) s += A[k * n + i] * b[k];
    h[i] = s;
  }
  return nnlsNormal(G, h, n);
}
