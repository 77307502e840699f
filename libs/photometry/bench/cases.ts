// Pipeline-like synthetic photometry cases for the benchmarks (see speed.bench.ts).
import { psfKernel } from '@asteris/sim';
import { Header } from '@asteris/fits';
import { photometryRng, type BandInput, type Detection, type Psf } from '../src/index.ts';

const BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F410M', 'F444W'];

/** The pipeline's pixel-integrated PSF: the sim kernel at 0.04″ (pitch = pixel), unit sum. */
function pipelinePsf(band: string): Psf {
  const k = psfKernel(band, 0.04, { radiusArcsec: 2.0 });
  let s = 0;
  for (let i = 0; i < k.data.length; i++) s += k.data[i];
  return { data: Float64Array.from(k.data, (v) => v / s), size: k.size };
}

export function makeCase(N: number, nb: number, seed = 1): { det: Detection; bands: BandInput[] } {
  const r = photometryRng(seed);
  const ns = Math.round(300 * (N / 512) ** 2);
  const seg = new Int32Array(N * N);
  const sources = [];
  for (let i = 0; i < ns; i++) {
    const x = 10 + r.uniform() * (N - 20), y = 10 + r.uniform() * (N - 20);
    const rad = 2 + 5 * r.uniform() ** 2;
    for (let yy = Math.max(0, Math.floor(y - rad)); yy <= Math.min(N - 1, Math.ceil(y + rad)); yy++) {
      for (let xx = Math.max(0, Math.floor(x - rad)); xx <= Math.min(N - 1, Math.ceil(x + rad)); xx++) {
        if ((xx - x) ** 2 + (yy - y) ** 2 <= rad * rad && seg[yy * N + xx] === 0) seg[yy * N + xx] = i + 1;
      }
    }
    const a = 1 + rad / 3, b = a * (0.5 + 0.5 * r.uniform());
    sources.push({ id: i + 1, x, y, a, b, theta: 180 * r.uniform() - 90, kronRadius: 3.5 + r.uniform(), flags: 0, snr: 5 + 100 * r.uniform(), flux: 10 + 500 * r.uniform() ** 3 });
  }
  const bands: BandInput[] = [];
  for (let k = 0; k < nb; k++) {
    const name = BANDS[nb === 8 ? k : Math.round((k * 7) / Math.max(1, nb - 1))];
    const psf = pipelinePsf(name);
    const h = (psf.size - 1) / 2;
    const data = new Float32Array(N * N);
    const err = new Float32Array(N * N);
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      const s = 1 + 0.3 * Math.sin((2 * Math.PI * x) / N) * Math.cos((2 * Math.PI * y) / N);
      err[y * N + x] = s;
      data[y * N + x] = s * r.normal();
    }
    for (const s of sources) {
      const ix = Math.round(s.x), iy = Math.round(s.y);
      for (let j = -h; j <= h; j++) {
        const yy = iy + j;
        if (yy < 0 || yy >= N) continue;
        for (let i = -h; i <= h; i++) {
          const xx = ix + i;
          if (xx >= 0 && xx < N) data[yy * N + xx] += s.flux * psf.data[(j + h) * psf.size + i + h];
        }
      }
    }
    bands.push({ name, image: { width: N, height: N, data, header: new Header() }, err: { width: N, height: N, data: err, header: new Header() }, psf, nJyPerUnit: 1 });
  }
  return { det: { sources, segmentation: seg }, bands };
}

