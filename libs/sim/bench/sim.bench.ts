// npm run bench:sim — a 2048×2048 field, 8 exposures × 7 bands (F090W…F444W without F410M), 2 worker threads.
// Prints wall time, peak RSS, and the ratio to the time of just writing the same bytes to disk
// (same number of files, same sizes, in the same directory tree). Goal: < 60 s and < 2 GB on 2 cores.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateField } from '../src/index.ts';

const size = Number(process.env.SIM_BENCH_SIZE ?? 2048);
const nexp = Number(process.env.SIM_BENCH_NEXP ?? 8);
const workers = Number(process.env.SIM_BENCH_WORKERS ?? 2);
const bands = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
const root = mkdtempSync(join(process.env.SIM_BENCH_DIR ?? tmpdir(), 'sim-bench-'));
const out = join(root, 'field');

let peak = process.memoryUsage().rss;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);

function files(dir: string): Array<{ rel: string; size: number }> {
  const r: Array<{ rel: string; size: number }> = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), join(rel, e.name));
      else r.push({ rel: join(rel, e.name), size: statSync(join(d, e.name)).size });
    }
  };
  walk(dir, '');
  return r;
}

try {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const res = await simulateField({ kind: 'asteris-field-spec', name: 'bench', seed: 1, width: size, height: size, nexp, bands }, out, {
    workers, onProgress: (m) => console.log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s  ${m}`),
  });
  const tSim = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6; // all threads of this process
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const maxRssOs = process.resourceUsage().maxRSS * 1024; // bytes, whole process incl. worker threads
  const list = files(out);
  const bytes = list.reduce((a, f) => a + f.size, 0);
  // reference: write the same bytes (fresh buffers, same files and sizes) to disk
  const ref = join(root, 'ref');
  const t1 = performance.now();
  for (const f of list) {
    const p = join(ref, f.rel);
    mkdirSync(join(p, '..'), { recursive: true });
    const buf = Buffer.allocUnsafe(f.size);
    buf.fill(f.size & 255);
    writeFileSync(p, buf);
  }
  const tWrite = (performance.now() - t1) / 1000;
  const per = res.bands.map((b) => `${b.band} psf ${(b.timings.psf / 1000).toFixed(1)} render ${(b.timings.render / 1000).toFixed(1)} exposures ${(b.timings.exposures / 1000).toFixed(1)} s`);
  console.log(per.map((s) => `  ${s}`).join('\n'));
  console.log(`sim: ${size}×${size}, ${bands.length} bands × ${nexp} exposures, ${res.truth.length} sources, ${workers} workers`);
  console.log(`  wall ${tSim.toFixed(1)} s (goal < 60 s), CPU ${cpuS.toFixed(1)} s over all threads (load average now ${(await import('node:os')).loadavg()[0].toFixed(1)}); peak RSS ${(Math.max(peak, maxRssOs) / 2 ** 30).toFixed(2)} GiB (goal < 2 GB)`);
  console.log(`  output ${(bytes / 2 ** 30).toFixed(2)} GiB in ${list.length} files; writing the same bytes takes ${tWrite.toFixed(1)} s → ratio ${(tSim / tWrite).toFixed(1)}×`);
} finally {
  clearInterval(timer);
  rmSync(root, { recursive: true, force: true });
}
