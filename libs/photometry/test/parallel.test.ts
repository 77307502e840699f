// The worker-pool path gives the same catalogue bytes as the single-threaded path, and reports errors
// from a worker as the same typed PhotometryError.
import { describe, expect, it } from 'vitest';
import {
  catalogueToCsv, photometryRng, forcedPhotometry, forcedPhotometryParallel, PhotometryError, type BandInput,
} from '../src/index.ts';
import { makeImage } from './helpers.ts';

const W = 240, H = 200;

function gauss(s: number, size: number): Float64Array {
  const c = (size - 1) / 2, d = new Float64Array(size * size);
  let t = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) { d[y * size + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (2 * s * s)); t += d[y * size + x]; }
  return d.map((v) => v / t);
}

function scene() {
  const r = photometryRng(21);
  const seg = new Int32Array(W * H);
  const sources = Array.from({ length: 25 }, (_, i) => {
    const x = 15 + r.uniform() * (W - 30), y = 15 + r.uniform() * (H - 30);
    for (let v = -3; v <= 3; v++) for (let u = -3; u <= 3; u++) seg[(Math.round(y) + v) * W + Math.round(x) + u] = i + 1;
    return { id: i + 1, x, y, a: 1.5, b: 1.2, theta: 20, kronRadius: 3.5, flags: 0, snr: 20, f: 50 + 400 * r.uniform() };
  });
  const bands: BandInput[] = [[1.0, 'F115W'], [1.4, 'F200W'], [2.0, 'F444W']].map(([s, name], k) => {
    const psf = { data: gauss(s as number, 21), size: 21 };
    const data = Float32Array.from({ length: W * H }, () => r.normal());
    for (const src of sources) for (let v = -10; v <= 10; v++) for (let u = -10; u <= 10; u++) {
      const xx = Math.round(src.x) + u, yy = Math.round(src.y) + v;
      if (xx >= 0 && yy >= 0 && xx < W && yy < H) data[yy * W + xx] += src.f * psf.data[(v + 10) * 21 + u + 10];
    }
    const err = new Float32Array(W * H).fill(1 + 0.1 * k);
    return { name: name as string, image: makeImage(data, W, H), err: makeImage(err, W, H), psf, nJyPerUnit: 2 };
  });
  return { det: { sources, segmentation: seg }, bands };
}

describe('forcedPhotometryParallel', () => {
  const { det, bands } = scene();
  const opts = { noise: { nApertures: 300, seed: 5 }, pixelToSky: (x: number, y: number): [number, number] => [34 + x * 1e-5, -5 + y * 1e-5] };

  it('worker pool of 2 → byte-identical catalogue, metadata and aperture fluxes', async () => {
    const logs: string[] = [];
    const serial = forcedPhotometry(det, bands, opts);
    const par = await forcedPhotometryParallel(det, bands, { ...opts, log: (m) => logs.push(m) }, { threads: 2, minPixels: 0 });
    expect(catalogueToCsv(par)).toBe(catalogueToCsv(serial));
    expect(JSON.stringify(par.meta)).toBe(JSON.stringify(serial.meta));
    for (const b of ['F115W', 'F200W', 'F444W']) {
      par.apertures!.flux[b].forEach((a, j) => expect(Array.from(a)).toEqual(Array.from(serial.apertures!.flux[b][j])));
      expect(Array.from(par.apertures!.kronErr[b])).toEqual(Array.from(serial.apertures!.kronErr[b]));
    }
    // band logs arrive in band order
    const order = logs.filter((l) => /correlated-noise/.test(l)).map((l) => l.trim().split(':')[0]);
    expect(order).toEqual(['F115W', 'F200W', 'F444W']);
    // small jobs and threads: 1 run on the calling thread, same bytes
    const inline = await forcedPhotometryParallel(det, bands, opts, { threads: 1 });
    expect(catalogueToCsv(inline)).toBe(catalogueToCsv(serial));
  }, 60_000);

  it('an error inside a worker comes back as the PhotometryError naming the band', async () => {
    const bad = bands.map((b, k) => (k === 1 ? { ...b, err: undefined, image: makeImage(new Float32Array(W * H).fill(NaN), W, H) } : b));
    const p = forcedPhotometryParallel(det, bad, opts, { threads: 2, minPixels: 0 });
    await expect(p).rejects.toBeInstanceOf(PhotometryError);
    await expect(p).rejects.toThrow(/band F200W: cannot estimate the pixel noise/);
  }, 60_000);
});
