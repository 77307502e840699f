// The segmentation as row runs (detect/segmap.ts) against a plain Int32 map filled pixel by pixel, and
// the labelling (two rows of labels, no label image) against a brute-force flood fill.
import { describe, expect, it } from 'vitest';
import { extractSources, mockField, mulberry32Uniform, scanComponents, segRunsFromFootprints, segRunsRange, segRunsToArray, segStamp } from '../src/index.ts';

/** Random non-overlapping footprints (raster-ordered lists) on a w×h grid, some split into two lists. */
function footprints(w: number, h: number, seed: number): { lists: Int32Array[][]; map: Int32Array } {
  const rnd = mulberry32Uniform(seed);
  const map = new Int32Array(w * h);
  const owner: number[][] = [];
  for (let i = 0; i < 60; i++) {
    const cx = Math.floor(rnd() * w), cy = Math.floor(rnd() * h), r = 1 + rnd() * 6;
    const pix: number[] = [];
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(h - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(w - 1, Math.ceil(cx + r)); x++) {
        const k = y * w + x;
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r && rnd() < 0.9 && map[k] === 0) { map[k] = owner.length + 1; pix.push(k); }
      }
    }
    if (pix.length) owner.push(pix);
  }
  // footprints ordered by first pixel (as the extraction numbers them); relabel the map to match
  owner.sort((a, b) => a[0]! - b[0]!);
  map.fill(0);
  const lists = owner.map((pix, i) => {
    for (const k of pix) map[k] = i + 1;
    const cut = Math.floor(pix.length / 2);
    // a CLEAN-merged object: its own pixels, then the pixels taken over (each list in raster order)
    return i % 3 === 0 ? [Int32Array.from(pix.filter((_, j) => j % 2 === 0)), Int32Array.from(pix.filter((_, j) => j % 2 === 1))]
      : [Int32Array.from(pix.slice(0, cut)), Int32Array.from(pix.slice(cut))];
  });
  return { lists, map };
}

describe('segmentation row runs', () => {
  for (const [w, h, seed] of [[37, 23, 1], [64, 64, 2], [5, 90, 3]] as const) {
    it(`equal a pixel-filled map (${w}×${h}): whole, any range, any window`, () => {
      const { lists, map } = footprints(w, h, seed);
      const runs = segRunsFromFootprints(w, h, lists.length, (i) => lists[i]!);
      expect(Array.from(segRunsToArray(runs))).toEqual(Array.from(map));
      // runs are sorted and disjoint within each row
      for (let y = 0; y < h; y++) for (let r = runs.rowStart[y]! + 1; r < runs.rowStart[y + 1]!; r++) expect(runs.x0[r]!).toBeGreaterThanOrEqual(runs.x1[r - 1]!);
      const rnd = mulberry32Uniform(seed + 100);
      for (let t = 0; t < 50; t++) {
        const i0 = Math.floor(rnd() * w * h), i1 = Math.min(w * h, i0 + 1 + Math.floor(rnd() * 3 * w));
        const out = new Int32Array(i1 - i0).fill(-7);
        segRunsRange(runs, i0, i1, out);
        expect(Array.from(out)).toEqual(Array.from(map.subarray(i0, i1)));
        // windows, partly outside the image: clipped to it
        const xa = Math.floor(rnd() * w) - 3, ya = Math.floor(rnd() * h) - 3;
        const xb = xa + Math.floor(rnd() * 15), yb = ya + Math.floor(rnd() * 15);
        const st = segStamp(runs, xa, ya, xb, yb);
        expect(st.x0).toBe(Math.max(0, xa));
        expect(st.y0).toBe(Math.max(0, ya));
        for (let y = st.y0; y < st.y0 + st.sh; y++) for (let x = st.x0; x < st.x0 + st.sw; x++) {
          expect(st.data[(y - st.y0) * st.sw + x - st.x0]).toBe(map[y * w + x]);
        }
        expect(st.sw).toBe(Math.max(0, Math.min(w - 1, xb) - Math.max(0, xa) + 1));
        expect(st.sh).toBe(Math.max(0, Math.min(h - 1, yb) - Math.max(0, ya) + 1));
      }
    });
  }
});

describe('segmentation windows larger than the scratch buffer', () => {
  it('a window over a whole 1100×1000 map (> 2²⁰ pixels, its own array) equals the map, and small ones still do', () => {
    const w = 1100, h = 1000;
    const { lists, map } = footprints(w, h, 8);
    const runs = segRunsFromFootprints(w, h, lists.length, (i) => lists[i]!);
    const big = segStamp(runs, -5, -5, w + 5, h + 5);
    expect([big.x0, big.y0, big.sw, big.sh]).toEqual([0, 0, w, h]);
    let diff = 0;
    for (let i = 0; i < w * h; i++) if (big.data[i] !== map[i]) diff++;
    expect(diff).toBe(0);
    const small = segStamp(runs, 10, 20, 60, 70);
    let d2 = 0;
    for (let y = 20; y <= 70; y++) for (let x = 10; x <= 60; x++) if (small.data[(y - 20) * 51 + x - 10] !== map[y * w + x]) d2++;
    expect(d2).toBe(0);
    expect(small.data).not.toBe(big.data);
  });
});

describe('labelling without a label image', () => {
  it('finds the 8-connected components of a brute-force flood fill, with the minimum-area cut', () => {
    const w = 120, h = 90;
    const f = mockField({ width: w, height: h, nSources: 60, seed: 4, noise: 1, background: 0, fluxRange: [10, 900] });
    const T = 1.1, minarea = 4;
    const c = scanComponents(w, h, (y, out) => out.set(f.data.subarray(y * w, (y + 1) * w)), T, minarea);
    // flood fill
    const lab = new Int32Array(w * h).fill(-1);
    const comps: number[][] = [];
    for (let k0 = 0; k0 < w * h; k0++) {
      if (!(f.data[k0]! > T) || lab[k0] !== -1) continue;
      const stack = [k0], pix: number[] = [];
      lab[k0] = comps.length;
      while (stack.length) {
        const k = stack.pop()!;
        pix.push(k);
        const x = k % w, y = (k - x) / w;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy, q = yy * w + xx;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h || lab[q] !== -1 || !(f.data[q]! > T)) continue;
          lab[q] = comps.length;
          stack.push(q);
        }
      }
      comps.push(pix.sort((a, b) => a - b));
    }
    const kept = comps.filter((p) => p.length >= minarea); // in order of first pixel, as scanComponents
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.some((p) => p.length > 40)).toBe(true);
    expect(c.n).toBe(kept.length);
    for (let i = 0; i < c.n; i++) {
      expect(Array.from(c.pix.subarray(c.start[i]!, c.start[i + 1]!))).toEqual(kept[i]);
      expect(Array.from(c.val.subarray(c.start[i]!, c.start[i + 1]!))).toEqual(kept[i]!.map((k) => f.data[k]!));
    }
  });
});

describe('extraction memory', () => {
  it('allocates no typed array of even a quarter of the image (inPlace, maps: false), and builds the full map only when read', () => {
    // Every typed array made while the extraction runs is seen through subclasses of the global
    // constructors. The old extraction allocated an Int32 label/segmentation image (w·h elements) and fails.
    const w = 1536, h = 1536, N = w * h;
    const big: string[] = [];
    const G = globalThis as unknown as Record<string, unknown>;
    const orig = { Int32Array: G.Int32Array, Float32Array: G.Float32Array, Float64Array: G.Float64Array, Uint8Array: G.Uint8Array };
    const spy = (name: keyof typeof orig) => {
      const Base = orig[name] as new (...a: unknown[]) => { length: number };
      return class extends Base {
        constructor(...a: unknown[]) { super(...a); if (this.length >= N / 4) big.push(`${name}(${this.length})`); }
      };
    };
    let res: ReturnType<typeof extractSources>;
    let nImage = 0;
    try {
      for (const k of Object.keys(orig) as (keyof typeof orig)[]) G[k] = spy(k);
      const f = mockField({ width: w, height: h, nSources: 2800, seed: 3, noise: 1, background: 5, fluxRange: [5, 5000], sigmaRange: [0.8, 2.5] });
      nImage = big.length; // the mock's own arrays (the image among them)
      res = extractSources({ width: w, height: h, data: f.data, header: null as never }, { apertures: [5, 10], maps: false, inPlace: true });
    } finally {
      Object.assign(G, orig);
    }
    expect(res.sources.length).toBeGreaterThan(1500);
    expect(big.slice(nImage)).toEqual([]);
    // the runs are a small fraction of a full map; the map is built on first read, once
    const r = res.segmentationRuns;
    expect(r.x0.byteLength * 3 + r.rowStart.byteLength).toBeLessThan(0.1 * N * 4);
    expect(res.segmentation.length).toBe(N);
    expect(res.segmentation).toBe(res.segmentation);
  });
});
