// Local rescaling of the per-pixel error map ("noise equalisation").
//
// Weight maps of drizzled mosaics are only proportional to the true pixel variance, and the
// proportionality changes with the number and weighting of the input exposures (on PRIMER-UDS F444W the
// pixel-level NMAD(data/σ_wht) is 0.57 in the shallow part and 0.70 in the deep part). Following the
// practice of rescaling 1/√WHT to the measured noise (astro-reference §B.6), we measure
// ρ = NMAD(data/σ) over blank-sky pixels (seg = 0) in cells of `cell` pixels, fill cells with too few
// blank pixels from the median of the other cells, and multiply σ by ρ interpolated bilinearly between cell centres.
// The empty-aperture factor then only has to describe the noise *correlation*.
import { medianSorted } from '@asteris/core';
import { nmad } from './empty.ts';

export interface RescaleResult {
  /** cell grid of ρ values (row-major, nx × ny) */
  rho: Float64Array;
  nx: number;
  ny: number;
  cell: number;
  global: number;
}

/** Rescales `variance` in place by ρ²(x, y); returns the ρ grid. */
export function rescaleVarianceLocally(
  data: Float32Array, variance: Float32Array, seg: Int32Array, width: number, height: number, cell = 128,
): RescaleResult {
  const nx = Math.max(1, Math.round(width / cell));
  const ny = Math.max(1, Math.round(height / cell));
  const cw = width / nx, ch = height / ny;
  const rho = new Float64Array(nx * ny).fill(NaN);
  // every second pixel in x and y: ≥ 4000 samples per 128-px cell, a 4× cheaper NMAD
  const buf = new Float64Array(Math.ceil(cw / 2 + 1) * Math.ceil(ch / 2 + 1));
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let n = 0;
      const y0 = Math.floor(j * ch), y1 = Math.floor((j + 1) * ch), x0 = Math.floor(i * cw), x1 = Math.floor((i + 1) * cw);
      for (let y = y0; y < y1; y += 2) for (let x = x0; x < x1; x += 2) {
        const k = y * width + x;
        const v = variance[k], d = data[k];
        if (seg[k] === 0 && v > 0 && d === d) buf[n++] = d / Math.sqrt(v);
      }
      if (n >= 100) rho[j * nx + i] = nmad(buf.subarray(0, n));
    }
  }
  // cells with too few blank pixels take the median of the measured cells
  const good = Array.from(rho).filter((r) => r > 0).sort((p, q) => p - q);
  const global = medianSorted(good, 'upper');
  for (let k = 0; k < rho.length; k++) if (!(rho[k] > 0)) rho[k] = global > 0 ? global : 1;
  // bilinear interpolation between cell centres, constant beyond the outer centres
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) / ch - 0.5, 0), ny - 1);
    const j0 = Math.floor(fy), j1 = Math.min(j0 + 1, ny - 1), ty = fy - j0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) / cw - 0.5, 0), nx - 1);
      const i0 = Math.floor(fx), i1 = Math.min(i0 + 1, nx - 1), tx = fx - i0;
      const r = (1 - ty) * ((1 - tx) * rho[j0 * nx + i0] + tx * rho[j0 * nx + i1]) +
        ty * ((1 - tx) * rho[j1 * nx + i0] + tx * rho[j1 * nx + i1]);
      variance[y * width + x] *= r * r;
    }
  }
  return { rho, nx, ny, cell, global };
}
