// Child process of extract.bench.ts: reads a FITS image, extracts, reports wall time, count and peak RSS.
// As `asteris extract` does: with worker threads, they are started first (they boot while the file is
// read) and the file is read straight into a SharedArrayBuffer (one copy of the image, shared with the
// workers and background-subtracted in place); on one thread it is read with readImage (a shared buffer
// measured 1–9 MiB more at the peak there, see docs/extract.md "Memory").
import { closeSync, openSync, readSync } from 'node:fs';
import { readImage } from '@asteris/fits';
import { defaultExtractThreads, extractSourcesParallel, readImageShared, startExtractWorkers } from '../src/index.ts';

const file = process.argv[2]!;
const baseRss = process.memoryUsage.rss(); // Node + tsx + the extraction code loaded, before any data
const t0 = performance.now();
// EXTRACT_THREADS, or the library's default for the image size (NAXIS1/2 from the primary header)
const size = (() => {
  const fd = openSync(file, 'r'); const b = Buffer.alloc(2880); readSync(fd, b, 0, 2880, 0); closeSync(fd);
  const hdr = b.toString('latin1');
  const card = (k: string) => Number(new RegExp(`${k}\\s*=\\s*(\\d+)`).exec(hdr)?.[1] ?? 0);
  return [card('NAXIS1'), card('NAXIS2')] as const;
})();
const threads = process.env.EXTRACT_THREADS ? Number(process.env.EXTRACT_THREADS) : defaultExtractThreads(size[0], size[1]);
const workers = threads > 1 ? startExtractWorkers(threads - 1) : undefined;
const img = threads > 1 ? readImageShared(file) : readImage(file);
const t1 = performance.now();
// the noise model as `asteris extract` runs it by default (covariance kernel measured on the sky);
// BENCH_NOISE_KERNEL=none gives SExtractor's white-noise model
const noiseKernel = (process.env.BENCH_NOISE_KERNEL ?? 'auto') as 'auto' | 'none';
const res = await extractSourcesParallel(img, { apertures: [5, 10], maps: false, inPlace: true, file, noiseKernel }, workers ? { workers } : { threads: 1 });
const t2 = performance.now();
await workers?.close();
const bytesImage = img.width * img.height * 4;
const maxRssBytes = process.resourceUsage().maxRSS * 1024; // the peak, taken before anything below allocates
const catalogueJsonBytes = Buffer.byteLength(JSON.stringify(res.sources));
// The catalogue's own size in memory: JS heap retained by the Source objects (run with --expose-gc; the
// collections happen after the peak was read, so they do not change it).
const gc = (globalThis as { gc?: () => void }).gc;
let catalogueHeapBytes = NaN;
const n = res.sources.length;
if (gc) {
  // (a turn of the event loop between collections: temporaries of this frame may still point at the sources)
  const tick = () => new Promise((r) => setTimeout(r, 5));
  // collect until the live heap stops shrinking (garbage of the run must not count as catalogue)
  const settled = async () => {
    let h = Infinity;
    for (let i = 0; i < 8; i++) { await tick(); gc(); const u = process.memoryUsage().heapUsed; if (u > h - 65536) return u; h = u; }
    return h;
  };
  const h1 = await settled();
  res.sources = [];
  catalogueHeapBytes = h1 - (await settled());
}
console.log(JSON.stringify({
  threads, noiseKernel: noiseKernel === 'auto' ? 1 : 0,
  seconds: (t2 - t0) / 1000, readSeconds: (t1 - t0) / 1000, extractSeconds: (t2 - t1) / 1000,
  cpuSeconds: (() => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; })(),
  n, maxRssBytes, imageBytes: bytesImage, baseRssBytes: baseRss, catalogueJsonBytes, catalogueHeapBytes,
}));
