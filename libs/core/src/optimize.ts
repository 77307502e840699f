// The project's one optimiser (issue 16): Nelder–Mead downhill simplex (Nelder & Mead 1965) with the standard
// coefficients (reflection 1, expansion 2, contraction ½, shrink ½; Lagarias et al. 1998). Used for small
// fits: the PSF encircled-energy model (sim), the completeness-curve fit and the LF maximum-posterior seed
// (lumfunc).

export interface NelderMeadOptions {
  /** initial simplex offset along each axis: one number for all, or one per parameter (default 0.1) */
  step?: number | number[];
  /** iteration limit (default 2000·n) */
  maxIter?: number;
  /** stop when |f_worst − f_best| ≤ tol·(|f_best| + tol) (default 1e-9) */
  tol?: number;
  /** iterations always taken before the convergence test may stop the search (default 11) */
  minIter?: number;
}

/** Minimises f from x0. Returns the best vertex, its value and the iterations used. */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  opts: NelderMeadOptions = {},
): { x: number[]; fx: number; iterations: number } {
  const n = x0.length;
  const s = opts.step ?? 0.1;
  const step = typeof s === 'number' ? x0.map(() => s) : s;
  const maxIter = opts.maxIter ?? 2000 * n;
  const tol = opts.tol ?? 1e-9;
  const minIter = opts.minIter ?? 11;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i]! += step[i]!;
    simplex.push(p);
  }
  let values = simplex.map((p) => f(p));
  let it = 0;
  for (; it < maxIter; it++) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    if (it >= minIter && Math.abs(values[n]! - values[0]!) <= tol * (Math.abs(values[0]!) + tol)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) centroid[k]! += simplex[i]![k]! / n;
    const along = (t: number) => centroid.map((c, k) => c + t * (simplex[n]![k]! - c));
    const xr = along(-1);
    const fr = f(xr);
    if (fr < values[0]!) {
      const xe = along(-2);
      const fe = f(xe);
      if (fe < fr) { simplex[n] = xe; values[n] = fe; } else { simplex[n] = xr; values[n] = fr; }
    } else if (fr < values[n - 1]!) {
      simplex[n] = xr; values[n] = fr;
    } else {
      const outside = fr < values[n]!;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = f(xc);
      if (fc < (outside ? fr : values[n]!)) {
        simplex[n] = xc; values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, k) => simplex[0]![k]! + 0.5 * (v - simplex[0]![k]!));
          values[i] = f(simplex[i]!);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[best]!) best = i;
  return { x: simplex[best]!, fx: values[best]!, iterations: it };
}
