// Scale check: N×N synthetic images, 5000 sources, 2 bands with PSF matching; prints wall/CPU time and
// peak RSS of the single-threaded path, then of the worker pool (2 threads, same bytes).
//   node --import tsx libs/photometry/bench/scale.ts [N=4096] [serial|pool|both]
import { catalogueToCsv, forcedPhotometry, forcedPhotometryParallel } from '../src/index.ts';
import { stpsfAt004, mosaicF444wPsf } from '../test/psfdata.ts';
import { makeImage } from '../test/helpers.ts';
import { photometryRng } from '../src/rng.ts';
import { loadavg } from 'node:os';
const N = Number(process.argv[2] ?? 4096); const r = photometryRng(1);
const which = process.argv[3] ?? 'both';
const a = makeImage(Float32Array.from({ length: N * N }, () => r.normal()), N, N);
const b = makeImage(Float32Array.from({ length: N * N }, () => r.normal()), N, N);
const seg = new Int32Array(N * N);
const sources = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, x: 20 + r.uniform() * (N - 40), y: 20 + r.uniform() * (N - 40), a: 2, b: 1.5, theta: 10, kronRadius: 3.5, flags: 0, snr: 10 }));
const det = { sources, segmentation: seg };
const bands = [
  { name: 'F115W', image: a, psf: stpsfAt004('F115W', 51), nJyPerUnit: 1 }, { name: 'F444W', image: b, psf: mosaicF444wPsf(0), nJyPerUnit: 1 }];
const rss = (): string => (process.resourceUsage().maxRSS / 1024).toFixed(0);
console.log(`${N}², 2 bands, image ${(N * N * 4 / 1e6).toFixed(0)} MB (float32), load ${loadavg()[0].toFixed(1)}, RSS after setup ${rss()} MB`);
let serialCsv = '';
if (which !== 'pool') {
  const t = performance.now(), c = process.cpuUsage();
  const cat = forcedPhotometry(det, bands, {});
  const u = process.cpuUsage(c);
  serialCsv = catalogueToCsv(cat);
  console.log(`single-threaded ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${((u.user + u.system) / 1e6).toFixed(1)} s CPU, peak RSS ${rss()} MB, load ${loadavg()[0].toFixed(1)}`);
}
if (which !== 'serial') {
  const t = performance.now();
  const cat = await forcedPhotometryParallel(det, bands, {}, { threads: 2 });
  console.log(`worker pool (2) ${((performance.now() - t) / 1000).toFixed(1)} s wall, peak RSS ${rss()} MB (main thread + workers), load ${loadavg()[0].toFixed(1)}` +
    (serialCsv ? `, byte-identical: ${catalogueToCsv(cat) === serialCsv}` : ''));
}
