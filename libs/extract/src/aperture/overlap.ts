// Exact geometric overlap of circles and ellipses with pixel squares.
// Same quantity as SEP's `circoverlap`/`ellipoverlap` (src/overlap.h, photutils geometry) but derived
// independently here:
//  * circle ∩ rectangle: integrate the clipped chord height over x analytically,
//    ∫ sqrt(r² − x²) dx = ½ (x·sqrt(r² − x²) + r²·asin(x/r)), splitting at the x where the
//    circle crosses the rectangle's horizontal edges;
//  * ellipse ∩ rectangle: map the rectangle into the frame where the ellipse is the unit circle
//    (area scales by 1/(a·b)), then polygon ∩ disc = Σ over edges of the signed area of
//    triangle(origin, edge) ∩ disc (triangle pieces inside, circular sectors outside).

/** Antiderivative of the half-chord sqrt(r² − x²) on [−r, r]. */
function chordPrimitive(x: number, r: number): number {
  if (x <= -r) return -0.25 * Math.PI * r * r;
  if (x >= r) return 0.25 * Math.PI * r * r;
  return 0.5 * (x * Math.sqrt(r * r - x * x) + r * r * Math.asin(x / r));
}

/**
 * Exact area of the disc of radius r centred on the origin inside the rectangle
 * [x0, x1] × [y0, y1] (x0 < x1, y0 < y1).
 */
export function circleRectOverlap(x0: number, y0: number, x1: number, y1: number, r: number): number {
  if (r <= 0) return 0;
  // Clip x-range to the disc support.
  const xa = Math.max(x0, -r);
  const xb = Math.min(x1, r);
  if (xa >= xb) return 0;
  // Nearest point of the rectangle to the origin outside the disc → no overlap.
  const nx = x0 > 0 ? x0 : x1 < 0 ? x1 : 0;
  const ny = y0 > 0 ? y0 : y1 < 0 ? y1 : 0;
  if (nx * nx + ny * ny >= r * r) return 0;
  // Farthest corner inside → full rectangle.
  const fx = Math.max(Math.abs(x0), Math.abs(x1));
  const fy = Math.max(Math.abs(y0), Math.abs(y1));
  if (fx * fx + fy * fy <= r * r) return (x1 - x0) * (y1 - y0);
  // Breakpoints where sqrt(r² − x²) equals |y0| or |y1|.
  const bps: number[] = [xa, xb];
  for (const yy of [y0, y1]) {
    const ay = Math.abs(yy);
    if (ay < r) {
      const xc = Math.sqrt(r * r - ay * ay);
      if (xc > xa && xc < xb) bps.push(xc);
      if (-xc > xa && -xc < xb) bps.push(-xc);
    }
  }
  bps.sort((p, q) => p - q);
  let area = 0;
  for (let i = 0; i + 1 < bps.length; i++) {
    const u = bps[i]!;
    const v = bps[i + 1]!;
    if (v <= u) continue;
    const m = 0.5 * (u + v);
    const s = Math.sqrt(Math.max(0, r * r - m * m));
    // Chord [−s, s] clipped to [y0, y1]: top is min(y1, s), bottom max(y0, −s).
    // (s(m) = y1 only at a tangent point x = 0, where s ≤ y1 on the whole interval)
    const topIsCircle = s <= y1;
    const botIsCircle = -s >= y0;
    const top = topIsCircle ? s : y1;
    const bot = botIsCircle ? -s : y0;
    if (top <= bot) continue;
    const S = chordPrimitive(v, r) - chordPrimitive(u, r);
    const len = v - u;
    area += (topIsCircle ? S : y1 * len) - (botIsCircle ? -S : y0 * len);
  }
  return area;
}

/** Signed area of triangle(origin, P, Q) ∩ unit disc. */
function triDiscSigned(px: number, py: number, qx: number, qy: number): number {
  // Intersections of segment P + t(Q − P) with |X| = 1.
  const dx = qx - px;
  const dy = qy - py;
  const A = dx * dx + dy * dy;
  if (A === 0) return 0;
  const B = 2 * (px * dx + py * dy);
  const C = px * px + py * py - 1;
  const ts: number[] = [0];
  const disc = B * B - 4 * A * C;
  if (disc > 0) {
    const sq = Math.sqrt(disc);
    const t1 = (-B - sq) / (2 * A);
    const t2 = (-B + sq) / (2 * A);
    if (t1 > 0 && t1 < 1) ts.push(t1);
    if (t2 > 0 && t2 < 1) ts.push(t2);
  }
  ts.push(1);
  let area = 0;
  for (let i = 0; i + 1 < ts.length; i++) {
    const ta = ts[i]!;
    const tb = ts[i + 1]!;
    const ax = px + ta * dx;
    const ay = py + ta * dy;
    const bx = px + tb * dx;
    const by = py + tb * dy;
    const tm = 0.5 * (ta + tb);
    const mx = px + tm * dx;
    const my = py + tm * dy;
    const cross = ax * by - ay * bx;
    if (mx * mx + my * my <= 1) {
      area += 0.5 * cross; // straight triangle piece inside the disc
    } else {
      area += 0.5 * Math.atan2(cross, ax * bx + ay * by); // circular sector
    }
  }
  return area;
}

/** Exact area of a convex polygon (counter-clockwise or clockwise vertices) ∩ unit disc. */
export function polygonUnitDiscOverlap(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  let area = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    area += triDiscSigned(xs[i]!, ys[i]!, xs[j]!, ys[j]!);
  }
  return Math.abs(area);
}

/**
 * Exact area of the ellipse (semi-axes a, b, major axis at angle theta radians counter-clockwise from +x,
 * centred on the origin) inside the rectangle [x0, x1] × [y0, y1].
 */
export function ellipseRectOverlap(
  x0: number, y0: number, x1: number, y1: number, a: number, b: number, theta: number,
): number {
  if (a <= 0 || b <= 0) return 0;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const xs = new Float64Array(4);
  const ys = new Float64Array(4);
  const cx = [x0, x1, x1, x0];
  const cy = [y0, y0, y1, y1];
  for (let k = 0; k < 4; k++) {
    // rotate into the ellipse frame, then scale to the unit circle
    const u = c * cx[k]! + s * cy[k]!;
    const v = -s * cx[k]! + c * cy[k]!;
    xs[k] = u / a;
    ys[k] = v / b;
  }
  return polygonUnitDiscOverlap(xs, ys) * a * b;
}
