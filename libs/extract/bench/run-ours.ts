// Child process of extract.bench.ts: reads a FITS image, extracts, reports wall time, count and peak RSS.
// As `asteris extract` should: worker threads are started first (they boot while the file is read), and the
// file is read straight into a SharedArrayBuffer (one copy of the image, shared with the workers and
// background-subtracted in place).
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
const res = await extractSourcesParallel(img, { apertures: [5, 10], maps: false, inPlace: true, file }, workers ? { workers } : { threads: 1 });
const t2 = performance.now();
await workers?.close();
const bytesImage = img.width * img.height * 4;
console.log(JSON.stringify({
  threads,
  seconds: (t2 - t0) / 1000, readSeconds: (t1 - t0) / 1000, extractSeconds: (t2 - t1) / 1000,
  cpuSeconds: (() => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; })(),
  n: res.sources.length, maxRssBytes: process.resourceUsage().maxRSS * 1024, imageBytes: bytesImage, baseRssBytes: baseRss,
  catalogueJsonBytes: Buffer.byteLength(JSON.stringify(res.sources)),
}));
