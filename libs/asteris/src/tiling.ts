// Tiling and hard-cut stitching (asteris-method.md §4.2–4.3), reference semantics with the
// single-tile and short-axis bugs fixed.
//
// Reference, per axis of length L, tile P, stride G = int(P·(1 − overlap)), cut c = int((P − G)/2):
// n = ⌈(L − P + G)/G⌉ tiles; tile i < n−1 starts at i·G, the last at L − P; a tile keeps its
// interior [c, P − c), the first [0, P − c), the last [c, P); later tiles overwrite earlier ones.
// The overwrite order means tile i OWNS [start_i + c, start_{i+1} + c) (first from 0, last to L),
// which is what we compute directly, so every pixel is written exactly once.
// Fixes: n = 1 (L = P) keeps the whole axis (the reference leaves [P − c, P) unwritten, which comes
// out as μ − 4σ); L < P uses one tile padded with zeros (= background after the per-tile median
// removal) up to the next multiple of the network's spatial factor.
import { AsterisError } from './errors.ts';

export interface AxisTile {
  /** first image pixel covered by the tile */
  start: number;
  /** tile length fed to the network (≥ the image pixels it covers; excess is zero padding) */
  size: number;
  /** image pixels [keepStart, keepEnd) written from this tile */
  keepStart: number;
  keepEnd: number;
}

export function roundUp(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}

export function axisTiles(L: number, P: number, overlap = 0.1, multiple = 8): AxisTile[] {
  if (!Number.isInteger(L) || L <= 0) throw new AsterisError(`invalid axis length ${L}`);
  if (!Number.isInteger(P) || P <= 0 || P % multiple !== 0) {
    throw new AsterisError(`tile size ${P} must be a positive multiple of ${multiple} (the network's spatial down-sampling factor)`);
  }
  if (!(overlap >= 0 && overlap < 0.5)) throw new AsterisError(`tile overlap ${overlap} must be in [0, 0.5)`);
  if (L <= P) {
    return [{ start: 0, size: Math.min(P, roundUp(L, multiple)), keepStart: 0, keepEnd: L }];
  }
  const G = Math.floor(P * (1 - overlap));
  const c = Math.floor((P - G) / 2);
  const n = Math.ceil((L - P + G) / G);
  const starts = Array.from({ length: n }, (_, i) => (i < n - 1 ? i * G : L - P));
  return starts.map((start, i) => ({
    start,
    size: P,
    keepStart: i === 0 ? 0 : start + c,
    keepEnd: i === n - 1 ? L : starts[i + 1]! + c,
  }));
}

export interface Tile {
  x: AxisTile;
  y: AxisTile;
}

/** 2-D tiles in raster order (rows of tiles top to bottom, left to right within a row). */
export function tileGrid(width: number, height: number, P: number, overlap = 0.1, multiple = 8): Tile[] {
  const xs = axisTiles(width, P, overlap, multiple);
  const ys = axisTiles(height, P, overlap, multiple);
  const out: Tile[] = [];
  for (const y of ys) for (const x of xs) out.push({ x, y });
  return out;
}

/** Stride and cut of the reference tiling for tile P (for headers and seam analysis). */
export function tilingGeometry(P: number, overlap = 0.1): { stride: number; cut: number } {
  const stride = Math.floor(P * (1 - overlap));
  return { stride, cut: Math.floor((P - stride) / 2) };
}
