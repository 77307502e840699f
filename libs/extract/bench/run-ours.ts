// Child process of extract.bench.ts: reads a FITS image, extracts, reports wall time, count and peak RSS.
import { readImage } from '@asteris/fits';
import { extractSourcesParallel } from '../src/index.ts';

const file = process.argv[2]!;
const baseRss = process.memoryUsage.rss(); // Node + tsx + the extraction code loaded, before any data
const t0 = performance.now();
let img = readImage(file);
const threads = Number(process.env.EXTRACT_THREADS ?? 2);
if (threads > 1) {
  // As the CLI does: one move into a SharedArrayBuffer (the original is dropped), so that worker threads
  // share the single working copy that is background-subtracted in place.
  const sh = new Float32Array(new SharedArrayBuffer(img.data.byteLength));
  sh.set(img.data);
  img = { ...img, data: sh };
}
const t1 = performance.now();
const res = await extractSourcesParallel(img, { apertures: [5, 10], maps: false, inPlace: true, file }, { threads });
const t2 = performance.now();
const bytesImage = img.width * img.height * 4;
console.log(JSON.stringify({
  seconds: (t2 - t0) / 1000, readSeconds: (t1 - t0) / 1000, extractSeconds: (t2 - t1) / 1000,
  cpuSeconds: (() => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; })(),
  n: res.sources.length, maxRssBytes: process.resourceUsage().maxRSS * 1024, imageBytes: bytesImage, baseRssBytes: baseRss,
  catalogueJsonBytes: Buffer.byteLength(JSON.stringify(res.sources)),
}));
