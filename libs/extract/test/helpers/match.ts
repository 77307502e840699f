// Nearest of our sources to a SExtractor position within `maxDist` px (grid of 4-px cells; the tests' matcher).
import type { Source } from '../../src/index.ts';

const CELL = 4;

export function nearestSource(sources: Source[]): (x: number, y: number, maxDist?: number) => Source | null {
  const grid = new Map<number, Source[]>();
  for (const s of sources) {
    const k = Math.floor(s.x / CELL) * 65536 + Math.floor(s.y / CELL);
    const l = grid.get(k);
    if (l) l.push(s); else grid.set(k, [s]);
  }
  return (x, y, maxDist = 0.5) => {
    let best: Source | null = null, bd = Infinity;
    for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) {
      for (const s of grid.get((Math.floor(x / CELL) + i) * 65536 + Math.floor(y / CELL) + j) ?? []) {
        const d = Math.hypot(s.x - x, s.y - y);
        if (d < bd) { bd = d; best = s; }
      }
    }
    return best && bd < maxDist ? best : null;
  };
}
