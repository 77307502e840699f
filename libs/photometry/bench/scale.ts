// Scale check: N×N synthetic images, 5000 sources, 2 bands with PSF matching; prints wall time and peak RSS.
//   node --import tsx libs/photometry/bench/scale.ts [N=4096]
import { forcedPhotometry } from '../src/index.ts';
import { stpsfAt004, mosaicF444wPsf } from '../test/psfdata.ts';
import { makeImage } from '../test/helpers.ts';
import { createRng } from '../src/rng.ts';
const N = Number(process.argv[2] ?? 4096); const r = createRng(1);
const a = makeImage(Float32Array.from({ length: N * N }, () => r.normal()), N, N);
const b = makeImage(Float32Array.from({ length: N * N }, () => r.normal()), N, N);
const seg = new Int32Array(N * N);
const sources = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, x: 20 + r.uniform() * (N - 40), y: 20 + r.uniform() * (N - 40), a: 2, b: 1.5, theta: 10, kronRadius: 3.5, flags: 0, snr: 10 }));
const t = performance.now();
const cat = forcedPhotometry({ sources, segmentation: seg }, [
  { name: 'F115W', image: a, psf: stpsfAt004('F115W', 51), nJyPerUnit: 1 }, { name: 'F444W', image: b, psf: mosaicF444wPsf(0), nJyPerUnit: 1 }],
  { log: (m) => console.log(((performance.now() - t) / 1000).toFixed(1), m) });
console.log(N, 'total s', ((performance.now() - t) / 1000).toFixed(1), 'rows', cat.rows.length, 'peak RSS MB', (process.resourceUsage().maxRSS / 1024).toFixed(0), 'image MB', (N * N * 4 / 1e6).toFixed(0));
