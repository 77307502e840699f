// npm run bench:extract — the same 4096×4096 seeded mock image through Debian's `source-extractor` 2.25 and
// through extractSources, in one run (same detection/photometry parameters). Prints the wall-time ratio
// (ours / SExtractor), both detection counts, and our peak memory relative to the image size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFits } from '@asteris/fits';
import { mockField } from '../src/index.ts';
import { runSourceExtractorFile } from '../test/helpers/sextractor.ts';

const size = Number(process.env.BENCH_SIZE ?? 4096);
const nSources = Math.round((20000 * size * size) / (4096 * 4096));
const dir = mkdtempSync(join(tmpdir(), 'asteris-bench-'));
try {
  console.log(`generating ${size}×${size} mock with ${nSources} sources (seed 42)…`);
  const f = mockField({ width: size, height: size, nSources, seed: 42, noise: 1, background: 5, fluxRange: [5, 5000], sigmaRange: [0.8, 2.5] });
  const file = join(dir, 'mock.fits');
  writeFits(file, [{ data: f.data, shape: [size, size] }]);
  const sx = runSourceExtractorFile(file, size, size, { apertures: [5, 10] });
  const child = fileURLToPath(new URL('./run-ours.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, file], { encoding: 'utf8' });
  const ours = JSON.parse(out.trim().split('\n').pop()!);
  const ratio = ours.seconds / sx.seconds;
  console.log(`source-extractor: ${sx.seconds.toFixed(2)} s, ${sx.rows.length} detections`);
  console.log(`asteris extract : ${ours.seconds.toFixed(2)} s (read ${ours.readSeconds.toFixed(2)} s + extract ${ours.extractSeconds.toFixed(2)} s), ${ours.n} detections`);
  console.log(`wall-time ratio (ours / SExtractor): ${ratio.toFixed(2)}   detection-count ratio: ${(ours.n / sx.rows.length).toFixed(4)}`);
  console.log(`peak RSS ${(ours.maxRssBytes / 2 ** 20).toFixed(0)} MiB = ${(ours.maxRssBytes / ours.imageBytes).toFixed(2)} × the float32 image (${(ours.imageBytes / 2 ** 20).toFixed(0)} MiB; includes the Node/tsx runtime)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
