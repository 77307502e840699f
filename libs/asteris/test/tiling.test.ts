import { describe, expect, it } from 'vitest';
import { AsterisError, axisTiles, tileGrid } from '../src/index.ts';

/** The reference rule (asteris-method.md §4.2–4.3): raster overwrite, -1 = never written. */
function referenceOwner(L: number, P: number, overlap: number): Int32Array {
  const G = Math.floor(P * (1 - overlap));
  const c = Math.floor((P - G) / 2);
  const n = Math.ceil((L - P + G) / G);
  const owner = new Int32Array(L).fill(-1);
  for (let i = 0; i < n; i++) {
    const s = i < n - 1 ? i * G : L - P;
    const a = i === 0 ? 0 : c; // first tile keeps [0, P − c), last [c, P), middle [c, P − c)
    const b = i === n - 1 && i !== 0 ? P : P - c;
    for (let k = a; k < b; k++) if (s + k >= 0 && s + k < L) owner[s + k] = i;
  }
  return owner;
}

describe('tiling covers every pixel exactly once', () => {
  it('for all axis lengths 1..2000 and several tile sizes', () => {
    for (const P of [16, 64, 256, 800]) {
      for (let L = 1; L <= 2000; L += L < 100 ? 1 : 7) {
        const tiles = axisTiles(L, P, 0.1, 8);
        const count = new Uint8Array(L);
        for (const t of tiles) {
          expect(t.size % 8).toBe(0);
          expect(t.size).toBeLessThanOrEqual(P);
          expect(t.keepStart).toBeGreaterThanOrEqual(t.start);
          expect(t.keepEnd).toBeLessThanOrEqual(t.start + t.size);
          for (let k = t.keepStart; k < t.keepEnd; k++) count[k]!++;
        }
        expect(count.every((c) => c === 1)).toBe(true);
      }
    }
  });

  it('matches the reference ownership whenever the reference has ≥ 2 tiles', () => {
    for (const [P, ov] of [[800, 0.1], [256, 0.1], [128, 0.25]] as const) {
      for (let L = P + 1; L <= 4 * P; L += 13) {
        const ref = referenceOwner(L, P, ov);
        const tiles = axisTiles(L, P, ov, 8);
        const ours = new Int32Array(L).fill(-1);
        tiles.forEach((t, i) => { for (let k = t.keepStart; k < t.keepEnd; k++) ours[k] = i; });
        expect(Array.from(ours)).toEqual(Array.from(ref));
      }
    }
  });

  it('fixes the single-tile edge bug (L = P) and tiles shorter than P', () => {
    const ref = referenceOwner(800, 800, 0.1);
    expect(ref.filter((o) => o < 0).length).toBe(40); // the reference leaves the last c = 40 px unwritten
    expect(axisTiles(800, 800)).toEqual([{ start: 0, size: 800, keepStart: 0, keepEnd: 800 }]);
    expect(axisTiles(37, 800)).toEqual([{ start: 0, size: 40, keepStart: 0, keepEnd: 37 }]);
  });

  it('2-D grid is raster order and partitions the image', () => {
    const tiles = tileGrid(300, 170, 64);
    const cover = new Uint8Array(300 * 170);
    for (const t of tiles) for (let y = t.y.keepStart; y < t.y.keepEnd; y++) for (let x = t.x.keepStart; x < t.x.keepEnd; x++) cover[y * 300 + x]!++;
    expect(cover.every((c) => c === 1)).toBe(true);
    expect(tiles[1]!.y.start).toBe(tiles[0]!.y.start);
  });

  it('rejects tile sizes the network cannot take', () => {
    expect(() => axisTiles(100, 30, 0.1, 8)).toThrow(AsterisError);
    expect(() => axisTiles(100, 64, 0.6, 8)).toThrow(/overlap/);
  });
});
