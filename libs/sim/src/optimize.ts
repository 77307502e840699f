// Nelder–Mead downhill simplex (Nelder & Mead 1965; Lagarias+1998 coefficients) for small fits.
export function nelderMead(f: (p: number[]) => number, x0: number[], opts: { step?: number; maxIter?: number; tol?: number } = {}): { x: number[]; fx: number } {
  const n = x0.length;
  const step = opts.step ?? 0.3, maxIter = opts.maxIter ?? 2000, tol = opts.tol ?? 1e-10;
  let simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) { const p = x0.slice(); p[i] += step; simplex.push(p); }
  let vals = simplex.map(f);
  for (let it = 0; it < maxIter; it++) {
    const idx = vals.map((v, i) => i).sort((a, b) => vals[a] - vals[b]);
    simplex = idx.map((i) => simplex[i]); vals = idx.map((i) => vals[i]);
    if (Math.abs(vals[n] - vals[0]) <= tol * (Math.abs(vals[0]) + tol)) break;
    const c = new Array(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[j] += simplex[i][j] / n;
    const pt = (t: number) => c.map((cj, j) => cj + t * (simplex[n][j] - cj));
    const xr = pt(-1), fr = f(xr);
    if (fr < vals[0]) {
      const xe = pt(-2), fe = f(xe);
      if (fe < fr) { simplex[n] = xe; vals[n] = fe; } else { simplex[n] = xr; vals[n] = fr; }
    } else if (fr < vals[n - 1]) {
      simplex[n] = xr; vals[n] = fr;
    } else {
      const xc = fr < vals[n] ? pt(-0.5) : pt(0.5), fc = f(xc);
      if (fc < Math.min(fr, vals[n])) { simplex[n] = xc; vals[n] = fc; }
      else {
        for (let i = 1; i <= n; i++) { simplex[i] = simplex[i].map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j])); vals[i] = f(simplex[i]); }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[best]) best = i;
  return { x: simplex[best], fx: vals[best] };
}
