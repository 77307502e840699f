// Speed of forced photometry on pipeline-like synthetic fields.
//   node --import tsx libs/photometry/bench/speed.bench.ts [case…]      cases: 512x8 (default), 2048x4, 4096x2
// Each case: N×N noise images with a smoothly varying σ map, ~300 sources per 512² rendered with the
// pipeline's PSFs (@asteris/sim psfKernel, 2″ radius → 101-px stamps at 0.04″/px), a segmentation of discs.
// Prints the wall (and CPU) time of the single-threaded path (the reference, same run) and the wall time of
// the worker-pool path (forced on with minPixels: 0), their ratio, and checks that both catalogues are
// byte-identical. BENCH_REPS (default 2) runs of each, alternating; the best is kept. BENCH_VERBOSE=1
// prints the per-band log with timestamps.
import { catalogueToCsv, forcedPhotometry, type BandInput, type Detection } from '../src/index.ts';
import { makeCase } from './cases.ts';
import * as phot from '../src/index.ts';
import { cpus, loadavg } from 'node:os';

const pixelToSky = (x: number, y: number): [number, number] => [34 + x * 1e-5, -5 + y * 1e-5];

async function runCase(label: string): Promise<void> {
  const [N, nb] = label.split('x').map(Number);
  const t0 = performance.now();
  const { det, bands } = makeCase(N, nb);
  const tMake = performance.now() - t0;
  const opts = { pixelScale: 0.04, pixelToSky, noise: { seed: 1 } };
  const steps: string[] = [];
  const reps = Number(process.env.BENCH_REPS ?? 2);
  const par = (phot as Record<string, unknown>).forcedPhotometryParallel as
    ((d: Detection, b: BandInput[], o: object, p?: { threads?: number; minPixels?: number }) => Promise<ReturnType<typeof forcedPhotometry>>) | undefined;
  // alternate the two paths and keep the best of `reps` runs each (the machine is shared)
  let tSerial = Infinity, tPar = Infinity, cSerial = Infinity, same = true;
  for (let rep = 0; rep < reps; rep++) {
    const t1 = performance.now(), c1 = process.cpuUsage();
    const serial = forcedPhotometry(det, bands, { ...opts, log: rep ? undefined : (m) => steps.push(`${((performance.now() - t1) / 1000).toFixed(2)} ${m}`) });
    tSerial = Math.min(tSerial, performance.now() - t1);
    const u = process.cpuUsage(c1);
    cSerial = Math.min(cSerial, (u.user + u.system) / 1000);
    if (!par) continue;
    const t2 = performance.now();
    const cat = await par(det, bands, opts, { threads: 2, minPixels: 0 });
    tPar = Math.min(tPar, performance.now() - t2);
    same &&= catalogueToCsv(cat) === catalogueToCsv(serial) && JSON.stringify(cat.meta) === JSON.stringify(serial.meta);
  }
  const line = [`${N}²×${nb} bands, ${det.sources.length} sources (setup ${(tMake / 1000).toFixed(1)} s), best of ${reps}`,
    `  single-threaded ${(tSerial / 1000).toFixed(2)} s wall, ${(cSerial / 1000).toFixed(2)} s CPU (the CPU time hardly depends on the machine load)`];
  if (par) {
    line.push(`  worker pool (2) ${(tPar / 1000).toFixed(2)} s  → ratio parallel/single ${(tPar / tSerial).toFixed(2)}; byte-identical: ${same}`);
    if (!same) process.exitCode = 1;
  }
  if (process.env.BENCH_VERBOSE) line.push(...steps.map((s) => `    ${s}`));
  console.log(line.join('\n'));
}

const cases = process.argv.slice(2).length ? process.argv.slice(2) : ['512x8'];
console.log(`cpus ${cpus().length}, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (const c of cases) await runCase(c);
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
