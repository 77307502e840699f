// SExtractor's pixel-list order (astro-reference §A.4; Lutz 1980, Computer J. 23, 262).
//
// SExtractor and SEP label with Lutz's one-pass raster algorithm, and every object carries its pixels as a
// linked list in the order that algorithm builds it: a pixel is appended to the segment it extends, a
// segment that meets an object of the previous line has that object's list appended when the scan reaches
// the object's start marker, and two pieces that turn out to be connected are joined with the later one
// appended to the earlier one. The order is not raster order (pixels of a new line left of an object come
// before the object's earlier lines). It matters where SExtractor takes "the first pixels": the CLEAN
// `mthresh` heap selection (examineiso, see `mthreshSelect`). Labels here come from a union–find
// (`scanComponents`); this module re-runs Lutz's bookkeeping on one object's pixels to recover the order.
// Objects are independent in Lutz's scan (only pieces of the same connected object are ever joined), so
// scanning one object's bounding box with the other objects' pixels treated as "off" gives its list.

const UNKNOWN = -1;
// previous-line status (ps) and current status (cs)
const COMPLETE = 0, INCOMPLETE = 1, OBJECT = 2, NONOBJECT = 3;
// markers left for the next line at a segment start ('S' first, 's' later) and after a segment end
// ('f' more to come, 'F' the object's span ends here)
const M_S = 1, M_s = 2, M_f = 3, M_F = 4;

// per-thread scratch (each worker thread has its own module instance)
let sGrid = new Int32Array(1024), sNext = new Int32Array(256);
let sInfoF = new Int32Array(64), sInfoL = new Int32Array(64), sStoreF = new Int32Array(64), sStoreL = new Int32Array(64);
let sStart = new Int32Array(64), sEnd = new Int32Array(64), sMarker = new Uint8Array(64), sPs = new Uint8Array(130);

/** SExtractor's update(): append the chain (f, l) to info[c]. */
function append(infoF: Int32Array, infoL: Int32Array, next: Int32Array, c: number, f: number, l: number): void {
  if (infoF[c] === -1) { infoF[c] = f; infoL[c] = l; }
  else if (l !== -1) { next[infoL[c]!] = f; infoL[c] = l; }
}

/**
 * Order in which SExtractor's Lutz scan chains the pixels of one 8-connected object. `pix` holds the
 * object's pixel indices (y·w + x) in raster order; the result lists positions into `pix`.
 */
export function lutzChainOrder(pix: Int32Array, w: number): Int32Array {
  const n = pix.length;
  if (n <= 1) return Int32Array.from({ length: n }, (_, i) => i);
  let x0 = Infinity, x1 = -Infinity;
  for (let i = 0; i < n; i++) { const x = pix[i]! % w; if (x < x0) x0 = x; if (x > x1) x1 = x; }
  const yTop = Math.floor(pix[0]! / w);
  const gw = x1 - x0 + 1;
  const gh = Math.floor(pix[n - 1]! / w) - yTop + 1;
  if (sGrid.length < gw * gh) sGrid = new Int32Array(2 * gw * gh);
  const grid = sGrid;
  grid.fill(-1, 0, gw * gh);
  for (let i = 0; i < n; i++) { const x = pix[i]! % w, y = (pix[i]! - x) / w; grid[(y - yTop) * gw + x - x0] = i; }
  if (sNext.length < n) sNext = new Int32Array(2 * n);
  const next = sNext;
  next.fill(-1, 0, n);
  const m = gw + 2;
  if (sInfoF.length < m) {
    const k = 2 * m;
    sInfoF = new Int32Array(k); sInfoL = new Int32Array(k); sStoreF = new Int32Array(k); sStoreL = new Int32Array(k);
    sStart = new Int32Array(k); sEnd = new Int32Array(k); sMarker = new Uint8Array(k); sPs = new Uint8Array(2 * k + 2);
  }
  // info / store: (first, last) of a chain; -1 = empty
  const infoF = sInfoF, infoL = sInfoL, storeF = sStoreF, storeL = sStoreL, start = sStart, end = sEnd;
  const marker = sMarker, psstack = sPs;
  storeF.fill(-1, 0, m); storeL.fill(-1, 0, m); marker.fill(0, 0, m);
  let outFirst = -1;
  let co = 0, pstop = 0;
  for (let yl = 0; yl <= gh; yl++) { // one empty line past the object ends the last pieces
    let ps = COMPLETE, cs = NONOBJECT;
    const row = yl * gw;
    for (let xl = 0; xl <= gw; xl++) { // one empty column past the object
      const p = yl < gh && xl < gw ? grid[row + xl]! : -1;
      const on = p >= 0;
      const newmarker = marker[xl]!;
      marker[xl] = 0;
      if (on && cs !== OBJECT) { // start of a segment
        cs = OBJECT;
        if (ps === OBJECT) {
          if (start[co] === UNKNOWN) { marker[xl] = M_S; start[co] = xl; } else marker[xl] = M_s;
        } else {
          psstack[pstop++] = ps;
          marker[xl] = M_S;
          start[++co] = xl;
          ps = COMPLETE;
          infoF[co] = -1; infoL[co] = -1;
        }
      }
      if (newmarker === M_S) { // an object of the previous line starts here
        psstack[pstop++] = ps;
        if (cs === NONOBJECT) {
          psstack[pstop++] = COMPLETE;
          co++;
          infoF[co] = storeF[xl]!; infoL[co] = storeL[xl]!;
          start[co] = UNKNOWN;
        } else append(infoF, infoL, next, co, storeF[xl]!, storeL[xl]!);
        ps = OBJECT;
      } else if (newmarker === M_s) { // a later segment of that object: join pieces
        if (cs === OBJECT && ps === COMPLETE) {
          pstop--;
          const xl2 = start[co]!;
          append(infoF, infoL, next, co - 1, infoF[co]!, infoL[co]!);
          co--;
          if (start[co] === UNKNOWN) start[co] = xl2; else marker[xl2] = M_s;
        }
        ps = OBJECT;
      } else if (newmarker === M_f) ps = INCOMPLETE;
      else if (newmarker === M_F) {
        ps = psstack[--pstop]!;
        if (cs === NONOBJECT && ps === COMPLETE) {
          if (start[co] === UNKNOWN) { if (outFirst < 0) outFirst = infoF[co]!; } // the object is complete
          else { marker[end[co]!] = M_F; storeF[start[co]!] = infoF[co]!; storeL[start[co]!] = infoL[co]!; }
          co--;
          ps = psstack[--pstop]!;
        }
      }
      if (on) append(infoF, infoL, next, co, p, p);
      else if (cs === OBJECT) { // end of a segment
        cs = NONOBJECT;
        if (ps !== COMPLETE) { marker[xl] = M_f; end[co] = xl; }
        else {
          ps = psstack[--pstop]!;
          marker[xl] = M_F;
          storeF[start[co]!] = infoF[co]!; storeL[start[co]!] = infoL[co]!;
          co--;
        }
      }
    }
  }
  const order = new Int32Array(n);
  let k = 0;
  for (let p = outFirst; p >= 0 && k < n; p = next[p]!) order[k++] = p;
  if (k !== n) throw new Error(`lutzChainOrder: chain has ${k} of ${n} pixels (object not 8-connected?)`);
  return order;
}

/**
 * CLEAN's `mthresh` as SExtractor's examineiso selects it (analyse.c; astro-reference §A.6 describes the
 * intent: the minarea-th brightest value above the threshold). Values are visited in pixel-list order:
 * the first `minarea` fill a buffer, the next one makes it be sorted (that value itself is not
 * considered), and each later value larger than the buffer's first element replaces it and is sifted down
 * a binary min-heap whose step moves to the child's index plus one, so only the first level is ordered.
 * The result is the buffer's first element: usually the minarea-th brightest, sometimes higher. Objects
 * with fewer than `minarea` pixels get 0. Float32 arithmetic, as in SExtractor.
 */
export function mthreshSelect(values: ArrayLike<number>, order: ArrayLike<number> | null, thresh: number, minarea: number): number {
  const n = values.length;
  if (n < minarea || minarea < 1) return 0;
  const heap = new Float32Array(minarea);
  const t = Math.fround(thresh);
  let h = minarea, fill = 0;
  for (let q = 0; q < n; q++) {
    const tpix = Math.fround(values[order ? order[q]! : q]! - t);
    if (h > 0) heap[fill++] = tpix;
    else if (h === 0) heap.sort();
    else if (tpix > heap[0]!) {
      heap[0] = tpix;
      for (let j = 0, k = 2; k <= minarea; j = k, k = (j + 1) << 1) {
        let c = k - 1; // the smaller child …
        if (k !== minarea && heap[k - 1]! > heap[k]!) { c = k; k++; }
        if (heap[j]! <= heap[c]!) break;
        const s = heap[c]!; heap[c] = heap[j]!; heap[j] = s;
        // … but the walk continues from index k = c + 1 (SExtractor's sift step)
      }
    }
    h--;
  }
  return heap[0]!;
}
