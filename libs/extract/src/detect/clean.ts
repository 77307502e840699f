// Cleaning (SExtractor CLEAN/CLEAN_PARAM; SExtractor 2.x clean.c and scan.c; SEP src/clean.c; astro-reference
// §A.6). Each object is modelled as I(r) = A·(1 + α r²)^(−β) with A = F/(2π·a·b·abcor),
// α = ((A/t)^(1/β) − 1)·π·a·b/npix, β = CLEAN_PARAM, r² = cxx·Δx² + cyy·Δy² + cxy·ΔxΔy. A fainter object
// within CLEAN_ZONE·(a₁ + a₂) (= 10) of a brighter one is merged into it when the bright profile at the faint
// centre exceeds the faint object's `mthresh` (value above the threshold of its minarea-th brightest pixel,
// as examineiso selects it: detect/lutz.ts mthreshSelect).
//  * `cleanSequential` (used by the extraction) runs this the way SExtractor does: objects in the order the
//    scan completes them, each compared with the objects kept so far, merged fluxes and areas carried on.
//  * `cleanObjects` (kept for callers of the earlier API) compares all pairs in order of decreasing flux.

export interface CleanObject {
  x: number; y: number; a: number; b: number; cxx: number; cyy: number; cxy: number;
  /** Σ detection values */ fdflux: number; npix: number; abcor: number;
  /** minarea-th brightest detection value minus the threshold */ mthresh: number;
  /**
   * Row at which the scan completes the object (the last row of its undeblended parent), and the last row
   * for which it stays in SExtractor's clean buffer (own last row + margin).
   */
  done?: number; ycmax?: number;
}

/** The CLEAN models of n objects as columns (no JS object per model: the extraction holds one per detection). */
export interface CleanModels {
  n: number;
  x: Float64Array; y: Float64Array; a: Float64Array; b: Float64Array; cxx: Float64Array; cyy: Float64Array; cxy: Float64Array;
  fdflux: Float64Array; npix: Float64Array; abcor: Float64Array; mthresh: Float64Array;
  /** the object's own detection threshold (weight maps: SExtractor's per-object dthresh); 0 = the common t */
  t: Float64Array;
}

/** The quantities of a CLEAN model, in the order rows are packed (parallel/pack.ts). */
export const CLEAN_KEYS = ['x', 'y', 'a', 'b', 'cxx', 'cyy', 'cxy', 'fdflux', 'npix', 'abcor', 'mthresh', 't'] as const;

/** Columns for n models (zero-filled). */
export function cleanModels(n: number): CleanModels {
  const m = { n } as CleanModels;
  for (const k of CLEAN_KEYS) m[k] = new Float64Array(n);
  return m;
}

/** Columns from model objects. */
export function cleanModelsOf(objs: CleanObject[]): CleanModels {
  const m = cleanModels(objs.length);
  objs.forEach((o, i) => { for (const k of CLEAN_KEYS) m[k][i] = (o as unknown as Record<string, number>)[k] ?? 0; });
  return m;
}

/**
 * Returns for each object the index of the object it is merged into, or −1 if it survives.
 * `t` is the detection threshold (detection units). Objects with a merged target resolve transitively.
 */
export function cleanObjects(objs: CleanObject[], t: number, beta = 1, zone = 10, window = false): Int32Array {
  const n = objs.length;
  const into = new Int32Array(n).fill(-1);
  if (n < 2) return into;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => objs[q]!.fdflux - objs[p]!.fdflux);
  // spatial hash of objects by centre
  let amax = 0;
  for (const o of objs) if (o.a > amax) amax = o.a;
  const cell = Math.max(16, Math.ceil(zone * 2 * Math.min(amax, 8)));
  const buckets = new Map<number, number[]>();
  const key = (cx: number, cy: number) => cx * 1048576 + cy;
  for (let i = 0; i < n; i++) {
    const k = key(Math.floor(objs[i]!.x / cell), Math.floor(objs[i]!.y / cell));
    let b = buckets.get(k);
    if (!b) { b = []; buckets.set(k, b); }
    b.push(i);
  }
  const rank = new Int32Array(n);
  order.forEach((i, r) => { rank[i] = r; });
  for (const i of order) {
    const bi = objs[i]!;
    if (into[i]! >= 0) continue; // already merged into a brighter object
    if (!(bi.a > 0 && bi.b > 0 && bi.npix > 0 && bi.fdflux > 0)) continue;
    const amp = bi.fdflux / (2 * Math.PI * bi.a * bi.b * bi.abcor);
    if (!(amp > t)) continue;
    const alpha = ((Math.pow(amp / t, 1 / beta) - 1) * Math.PI * bi.a * bi.b) / bi.npix;
    const reach = zone * (bi.a + amax);
    const cx0 = Math.floor((bi.x - reach) / cell), cx1 = Math.floor((bi.x + reach) / cell);
    const cy0 = Math.floor((bi.y - reach) / cell), cy1 = Math.floor((bi.y + reach) / cell);
    for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) {
      const b = buckets.get(key(cx, cy));
      if (!b) continue;
      for (const j of b) {
        if (rank[j]! <= rank[i]! || into[j]! >= 0) continue; // only fainter, not yet merged
        const fj = objs[j]!;
        const dx = fj.x - bi.x;
        const dy = fj.y - bi.y;
        const rl = bi.a + fj.a;
        if (dx * dx + dy * dy > rl * rl * zone * zone) continue;
        // SExtractor compares a newly completed object only with objects still in its clean buffer
        // (clean.c clean_add: ycmax = ymax + margin): the earlier-completed one must still be there.
        if (window && bi.done !== undefined && fj.done !== undefined && bi.done !== fj.done) {
          const [early, late] = bi.done < fj.done ? [bi, fj] : [fj, bi];
          if ((early.ycmax ?? Infinity) < late.done!) continue;
        }
        const val = 1 + alpha * (bi.cxx * dx * dx + bi.cyy * dy * dy + bi.cxy * dx * dy);
        if (val > 1 && val < 1e10 && amp * Math.pow(val, -beta) > fj.mthresh) into[j] = i;
      }
    }
  }
  return resolveChains(into);
}

/**
 * CLEAN as SExtractor 2.x runs it (clean.c `clean`, scan.c `sortit`; astro-reference §A.6), object by
 * object in the order the scan completes them (`order`, indices into `objs`). Each newcomer is compared
 * with the objects kept so far, in the order of SExtractor's clean list (appended at the end; a removed
 * object's slot takes the last one):
 *  - a fainter kept object (Σ detection values) whose `mthresh` the newcomer's profile exceeds at its
 *    centre goes on the newcomer's "menu";
 *  - if a brighter (or equal) kept object's profile exceeds the newcomer's `mthresh` at the newcomer's
 *    centre, the newcomer is merged into the first such object and its menu is forgotten;
 *  - otherwise the newcomer swallows its menu and is kept.
 * A merge adds the slave's flux and pixel count to the master (mergeobject), which changes the master's
 * profile amplitude and slope for later comparisons; positions, shapes, abcor and mthresh stay.
 * Returns for each object the index of the object it ends up in, or −1 if it survives.
 */
export function cleanSequential(models: CleanModels | CleanObject[], order: ArrayLike<number>, t: number, beta = 1, zone = 10): Int32Array {
  const m = Array.isArray(models) ? cleanModelsOf(models) : models;
  const n = m.n;
  const into = new Int32Array(n).fill(-1);
  if (n < 2) return into;
  const { x: X, y: Y, a: A, b: B, cxx: CXX, cyy: CYY, cxy: CXY, abcor: ABC, mthresh: MT } = m;
  const TT = m.t ?? new Float64Array(n);
  const fd = Float64Array.from(m.fdflux);
  const np = Float64Array.from(m.npix);
  // the clean list, with each member's slot
  const list: number[] = [];
  const slot = new Int32Array(n).fill(-1);
  // spatial index of list members: objects with a ≤ SMALL_A in a grid, larger ones in a short list
  const SMALL_A = 4, CELL = 64;
  const grid = new Map<number, number[]>();
  const big: number[] = [];
  const cellKey = (cx: number, cy: number) => cx * 1048576 + cy;
  const cellOf = (i: number) => cellKey(Math.floor(X[i]! / CELL), Math.floor(Y[i]! / CELL));
  const add = (i: number) => {
    slot[i] = list.length; list.push(i);
    if (!(A[i]! <= SMALL_A)) { big.push(i); return; }
    const k = cellOf(i);
    const b = grid.get(k);
    if (b) b.push(i); else grid.set(k, [i]);
  };
  const remove = (i: number) => {
    const s = slot[i]!, lastI = list.pop()!;
    if (lastI !== i) { list[s] = lastI; slot[lastI] = s; }
    slot[i] = -1;
    const arr = !(A[i]! <= SMALL_A) ? big : grid.get(cellOf(i))!;
    arr.splice(arr.indexOf(i), 1);
  };
  // profile of object j at offset (dx, dy) from its centre: A·(1 + α r²)^(−β), 0 unless 1 < 1 + α r² < 1e10
  const profile = (j: number, dx: number, dy: number) => {
    const unit = Math.PI * A[j]! * B[j]!;
    const amp = fd[j]! / (2 * unit * ABC[j]!);
    const tj = TT[j]! > 0 ? TT[j]! : t;
    const alpha = (Math.pow(amp / tj, 1 / beta) - 1) * unit / np[j]!;
    const val = 1 + alpha * (CXX[j]! * dx * dx + CYY[j]! * dy * dy + CXY[j]! * dx * dy);
    return val > 1 ? Math.fround(val < 1e10 ? amp * Math.pow(val, -beta) : 0) : -Infinity;
  };
  const cand: number[] = [];
  const menu: number[] = [];
  for (let q = 0; q < order.length; q++) {
    const i = order[q]!;
    const xi = X[i]!, yi = Y[i]!, ai = A[i]!;
    // candidates within the clean zone, visited in list order
    cand.length = 0;
    const reach = zone * (ai + SMALL_A);
    if (reach < Infinity) {
      const cx0 = Math.floor((xi - reach) / CELL), cx1 = Math.floor((xi + reach) / CELL);
      const cy0 = Math.floor((yi - reach) / CELL), cy1 = Math.floor((yi + reach) / CELL);
      for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) {
        const b = grid.get(cellKey(cx, cy));
        if (b) for (const j of b) cand.push(j);
      }
    }
    for (const j of big) cand.push(j);
    cand.sort((p, r) => slot[p]! - slot[r]!);
    menu.length = 0;
    let eater = -1;
    for (const j of cand) {
      const dx = xi - X[j]!, dy = yi - Y[j]!;
      const rl = ai + A[j]!;
      if (!(dx * dx + dy * dy < rl * rl * zone * zone)) continue;
      if (fd[j]! < fd[i]!) {
        if (profile(i, dx, dy) > MT[j]!) menu.push(j); // the newcomer will eat it
      } else if (profile(j, dx, dy) > MT[i]!) { eater = j; break; } // the newcomer is eaten
    }
    if (eater >= 0) {
      into[i] = eater; fd[eater]! += fd[i]!; np[eater]! += np[i]!;
      continue;
    }
    for (let m = menu.length - 1; m >= 0; m--) {
      const v = menu[m]!;
      into[v] = i; fd[i]! += fd[v]!; np[i]! += np[v]!;
      remove(v);
    }
    add(i);
  }
  return resolveChains(into);
}

/** Resolves merge chains in place (a merged object's target may itself have been merged). */
function resolveChains(into: Int32Array): Int32Array {
  for (let i = 0; i < into.length; i++) {
    let r = into[i]!;
    if (r < 0) continue;
    while (into[r]! >= 0) r = into[r]!;
    into[i] = r;
  }
  return into;
}
