// Barycentre, second moments and shape (SExtractor Position.rst; SEP src/analyse.c; astro-reference §A.7).

export const OBJ_SINGU = 0x0008; // SEP_OBJ_SINGU (internal; not a SExtractor FLAGS bit)

export interface Moments {
  x: number; y: number;
  x2: number; y2: number; xy: number;
  a: number; b: number; /** radians, (−π/2, π/2] */ theta: number;
  cxx: number; cyy: number; cxy: number;
  errx2: number; erry2: number; errxy: number;
  flux: number; singular: boolean;
}

/**
 * Moments of the pixels `pix` (indices y·w + x) weighted by `wval(i)` (the i-th pixel's value).
 * Variances `pvar(i)` feed the position errors. Coordinates are relative to the first pixel to limit
 * round-off, as SExtractor does.
 */
export function momentsOf(
  pix: ArrayLike<number>, w: number, wval: (i: number) => number, pvar?: (i: number) => number,
  center?: { x: number; y: number },
): Moments {
  const wts = new Float64Array(pix.length);
  for (let i = 0; i < wts.length; i++) wts[i] = wval(i);
  let vars: Float64Array | null = null;
  if (pvar) { vars = new Float64Array(pix.length); for (let i = 0; i < vars.length; i++) vars[i] = pvar(i); }
  return momentsCore(pix, w, wts, vars, null, center);
}

/**
 * momentsOf with the weights in an array and the pixel variances given as the noise model of the
 * extraction (σ² from `variance` or var0, plus I/gain for positive I = sub[k]) — no callbacks in the loop.
 */
export function momentsOfArrays(
  pix: ArrayLike<number>, w: number, weights: ArrayLike<number>,
  noise: { sub: Float32Array; variance: Float32Array | null; var0: number; gain: number } | null,
  center?: { x: number; y: number },
): Moments {
  return momentsCore(pix, w, weights, null, noise, center);
}

function momentsCore(
  pix: ArrayLike<number>, w: number, wts: ArrayLike<number>, vars: ArrayLike<number> | null,
  noise: { sub: Float32Array; variance: Float32Array | null; var0: number; gain: number } | null,
  center?: { x: number; y: number },
): Moments {
  const n = pix.length;
  const ox = pix[0]! % w;
  const oy = (pix[0]! - ox) / w;
  let s = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const x = (pix[i]! % w) - ox;
    const y = Math.floor(pix[i]! / w) - oy;
    const v = wts[i]!;
    s += v; sx += v * x; sy += v * y;
    sxx += v * x * x; syy += v * y * y; sxy += v * x * y;
  }
  let mx: number, my: number, x2: number, y2: number, xy: number;
  if (s > 0 && center) {
    // SExtractor analyse() "robust" case for deblended objects: moments about the previous barycentre
    const xn = center.x - ox, yn = center.y - oy;
    const xm = sx / s, ym = sy / s;
    x2 = sxx / s + xn * xn - 2 * xm * xn; y2 = syy / s + yn * yn - 2 * ym * yn; xy = sxy / s + xn * yn - xm * yn - xn * ym;
    mx = xn; my = yn;
  } else if (s > 0) {
    mx = sx / s; my = sy / s;
    x2 = sxx / s - mx * mx; y2 = syy / s - my * my; xy = sxy / s - mx * my;
  } else {
    // non-positive flux: unweighted geometry of the footprint
    mx = 0; my = 0; sxx = 0; syy = 0; sxy = 0;
    for (let i = 0; i < n; i++) { mx += (pix[i]! % w) - ox; my += Math.floor(pix[i]! / w) - oy; }
    mx /= n; my /= n;
    x2 = 0; y2 = 0; xy = 0;
    for (let i = 0; i < n; i++) {
      const dx = (pix[i]! % w) - ox - mx; const dy = Math.floor(pix[i]! / w) - oy - my;
      x2 += dx * dx; y2 += dy * dy; xy += dx * dy;
    }
    x2 /= n; y2 /= n; xy /= n;
  }
  let singular = false;
  if (x2 * y2 - xy * xy < 0.00694) { x2 += 0.08333333; y2 += 0.08333333; singular = true; }
  const t1 = (x2 + y2) / 2;
  const t2 = Math.sqrt(((x2 - y2) / 2) ** 2 + xy * xy);
  const a = Math.sqrt(Math.max(0, t1 + t2));
  const b = Math.sqrt(Math.max(0, t1 - t2));
  let theta: number;
  if (Math.abs(x2 - y2) > 0) theta = 0.5 * Math.atan2(2 * xy, x2 - y2);
  else theta = xy === 0 ? 0 : (Math.sign(xy) * Math.PI) / 4;
  const det = x2 * y2 - xy * xy;
  let errx2 = 0, erry2 = 0, errxy = 0;
  if ((vars || noise) && s !== 0) {
    for (let i = 0; i < n; i++) {
      const k = pix[i]!;
      const dx = (k % w) - ox - mx;
      const dy = Math.floor(k / w) - oy - my;
      let vv: number;
      if (vars) vv = vars[i]!;
      else {
        const nv = noise!.variance ? noise!.variance[k]! : noise!.var0;
        const iv = noise!.sub[k]!;
        vv = (nv < Infinity ? nv : 0) + (noise!.gain > 0 && iv > 0 ? iv / noise!.gain : 0);
      }
      errx2 += vv * dx * dx; erry2 += vv * dy * dy; errxy += vv * dx * dy;
    }
    const s2 = s * s;
    errx2 /= s2; erry2 /= s2; errxy /= s2;
  }
  return {
    x: mx + ox, y: my + oy, x2, y2, xy, a, b, theta,
    cxx: y2 / det, cyy: x2 / det, cxy: (-2 * xy) / det,
    errx2, erry2, errxy, flux: s, singular,
  };
}

/** The moments a catalogue row reports, in the order of a table's columns. */
export const MOMENT_KEYS = ['x', 'y', 'x2', 'y2', 'xy', 'a', 'b', 'theta', 'cxx', 'cyy', 'cxy', 'errx2', 'erry2', 'errxy'] as const;
export type MomentKey = (typeof MOMENT_KEYS)[number];
/** Moments of many objects as columns (row i = object i): computed once, when the objects are deblended. */
export type MomentsTable = { n: number } & { [K in MomentKey]: Float64Array };

/** A table of n rows; `alloc` allocates the columns (SharedArrayBuffers for worker threads). */
export function momentsTable(n: number, alloc: (n: number) => Float64Array = (k) => new Float64Array(k)): MomentsTable {
  const t = { n } as MomentsTable;
  for (const k of MOMENT_KEYS) t[k] = alloc(n);
  return t;
}

/** Writes m into row `row`. */
export function putMoments(t: MomentsTable, row: number, m: Moments): void {
  t.x[row] = m.x; t.y[row] = m.y; t.x2[row] = m.x2; t.y2[row] = m.y2; t.xy[row] = m.xy;
  t.a[row] = m.a; t.b[row] = m.b; t.theta[row] = m.theta; t.cxx[row] = m.cxx; t.cyy[row] = m.cyy; t.cxy[row] = m.cxy;
  t.errx2[row] = m.errx2; t.erry2[row] = m.erry2; t.errxy[row] = m.errxy;
}

/** Row `row` as an object. */
export function momentsRow(t: MomentsTable, row: number): Record<MomentKey, number> {
  return {
    x: t.x[row]!, y: t.y[row]!, x2: t.x2[row]!, y2: t.y2[row]!, xy: t.xy[row]!, a: t.a[row]!, b: t.b[row]!,
    theta: t.theta[row]!, cxx: t.cxx[row]!, cyy: t.cyy[row]!, cxy: t.cxy[row]!,
    errx2: t.errx2[row]!, erry2: t.erry2[row]!, errxy: t.errxy[row]!,
  };
}
