// Test helpers: detections from a segmentation map (SExtractor-style moments) and small image utilities.
import { kronRadius } from '@asteris/extract';
import { Header, type Image } from '@asteris/fits';
import type { Detection, DetectionSource } from '../src/phot/forced.ts';

export function makeImage(data: Float32Array, width: number, height: number): Image {
  return { width, height, data, header: new Header() };
}

/**
 * Barycentre, second moments (a, b, θ per SExtractor Position.rst) and Kron radius (k = 2.5, floor 3.5)
 * of every segment, measured on `data`. snr = Σ data / √(Σ var) over the segment.
 */
export function detectionsFromSeg(data: Float32Array, seg: Int32Array, width: number, height: number, sigma: Float32Array | number): Detection {
  const acc = new Map<number, number[]>();
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const k = y * width + x;
    const id = seg[k];
    if (id <= 0) continue;
    const v = data[k];
    let a = acc.get(id);
    if (!a) { a = [0, 0, 0, 0, 0, 0, 0, 0]; acc.set(id, a); }
    const s = typeof sigma === 'number' ? sigma : sigma[k];
    a[7] += v; a[6] += s * s;
    if (!(v > 0)) continue;
    a[0] += v; a[1] += v * x; a[2] += v * y; a[3] += v * x * x; a[4] += v * y * y; a[5] += v * x * y;
  }
  const sources: DetectionSource[] = [];
  for (const id of [...acc.keys()].sort((p, q) => p - q)) {
    const [s, sx, sy, sxx, syy, sxy, vv, tot] = acc.get(id)!;
    if (!(s > 0)) continue;
    const x = sx / s, y = sy / s;
    let x2 = sxx / s - x * x, y2 = syy / s - y * y;
    const xy = sxy / s - x * y;
    if (x2 * y2 - xy * xy < 1 / 144) { x2 += 1 / 12; y2 += 1 / 12; }
    const t1 = (x2 + y2) / 2, t2 = Math.sqrt(((x2 - y2) / 2) ** 2 + xy * xy);
    const a = Math.sqrt(t1 + t2), b = Math.sqrt(Math.max(t1 - t2, 1e-6));
    const theta = (0.5 * Math.atan2(2 * xy, x2 - y2) * 180) / Math.PI;
    const kr = kronRadius(data, width, height, x, y, a, b, theta, 6, { seg, segId: id }).kronRadius;
    sources.push({ id, x, y, a, b, theta, kronRadius: Math.max(2.5 * kr, 3.5), flags: 0, snr: tot / Math.sqrt(vv) });
  }
  return { sources, segmentation: seg };
}
