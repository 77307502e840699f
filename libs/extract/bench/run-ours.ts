// Child process of extract.bench.ts: reads a FITS image, extracts, reports wall time, count and peak RSS.
import { readImage } from '@asteris/fits';
import { extractSourcesParallel } from '../src/index.ts';

const file = process.argv[2]!;
const t0 = performance.now();
const img = readImage(file);
const t1 = performance.now();
const threads = Number(process.env.EXTRACT_THREADS ?? 2);
const res = await extractSourcesParallel(img, { apertures: [5, 10], maps: false, inPlace: true, file }, { threads });
const t2 = performance.now();
const bytesImage = img.width * img.height * 4;
console.log(JSON.stringify({
  seconds: (t2 - t0) / 1000, readSeconds: (t1 - t0) / 1000, extractSeconds: (t2 - t1) / 1000,
  n: res.sources.length, maxRssBytes: process.resourceUsage().maxRSS * 1024, imageBytes: bytesImage,
}));
