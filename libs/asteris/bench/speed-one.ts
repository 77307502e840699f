// One speed/memory measurement in its own process (so peak RSS belongs to this run only).
// usage: node --import tsx libs/asteris/bench/speed-one.ts <model> <size> <nExp> <tile> <workers>
// prints one JSON line.
import { Header, type Image } from '@asteris/fits';
import { coadd } from '@asteris/stack';
import { denoiseStack } from '../src/index.ts';
import { mockStack } from './mock.ts';

const [model, sizeS, nS, tileS, wS] = process.argv.slice(2);
const size = Number(sizeS), nExp = Number(nS), tile = Number(tileS), workers = Number(wS);
const m = mockStack({ seed: 4242, width: size, height: size, nExp, sigmaExp: 4, psfSigma: 0.85, spacing: 32 });
const images: Image[] = m.frames.map((data) => {
  const h = new Header();
  h.set('BUNIT', 'nJy');
  return { width: size, height: size, data, header: h };
});
const rssBase = process.memoryUsage().rss;
const t0 = performance.now();
coadd(images, images.map(() => null), 'mean');
const t1 = performance.now();
coadd(images, images.map(() => null), 'clipped-mean');
const t2 = performance.now();
const r = await denoiseStack(images, { model, tileSize: tile, workers });
const t3 = performance.now();
const npx = size * size;
console.log(JSON.stringify({
  model, size, nExp, tile, workers: r.info.workers, tiles: r.info.nTiles,
  coaddMeanUs: ((t1 - t0) * 1e3) / npx,
  coaddClipUs: ((t2 - t1) * 1e3) / npx,
  totalUs: ((t3 - t2) * 1e3) / npx,
  preUs: (r.info.secondsPre * 1e6) / npx,
  netUs: (r.info.secondsNet * 1e6) / npx,
  inputMB: (nExp * npx * 4) / 2 ** 20,
  baseRssMB: rssBase / 2 ** 20,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
}));
