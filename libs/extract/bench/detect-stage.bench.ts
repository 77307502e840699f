// Wall time of the detect stage (detectStage.run) on a field's cached images, and optionally of a second
// stage module in the same process, alternating A/B (for the threshold-ladder reuse of issue 16 item 3).
//   node --import tsx libs/extract/bench/detect-stage.bench.ts <out>/cache/images/<key> ... [--reps 2] [--warmup 1] [--other ./stage-old.ts]
// Each images dir holds coadd.fits (with ERR) and denoised.fits; they are given in detection-band order.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectStage } from '../src/stage.ts';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); if (i < 0) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
const reps = Number(opt('--reps') ?? 2);
const warmup = Number(opt('--warmup') ?? 1); // unrecorded runs of each first (JIT, file cache)
const other = opt('--other');
const images = args.map((d) => ({ coadd: join(d, 'coadd.fits'), denoised: join(d, 'denoised.fits') }));
if (!images.length) { console.error('usage: detect-stage.bench.ts <images dir>... [--reps n] [--other stage.ts]'); process.exit(2); }
const stages: [string, typeof detectStage][] = [['current', detectStage]];
if (other) stages.unshift(['other', (await import(pathToFileURL(resolve(other)).href)).detectStage]);
const config = detectStage.schema.parse({ bands: images.map((_, i) => `B${i}`) });
const times: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {}; // process CPU seconds (user + system): less sensitive to a loaded machine than wall time
const outputs: Record<string, string> = {};
for (let r = -warmup; r < reps; r++) {
  for (const [name, st] of stages) {
    const dir = mkdtempSync(join(tmpdir(), 'detect-bench-'));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await st.run({ images }, config, dir);
    if (r >= 0) {
      (times[name] ??= []).push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      (cpu[name] ??= []).push((c.user + c.system) / 1e6);
    }
    outputs[name] = ['sources.json', 'sources_false.json', 'sources_coadd.json', 'sources_coadd_false.json', 'thresholds.json']
      .map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const [name, t] of Object.entries(times)) console.log(`${name}: wall ${t.map((x) => x.toFixed(2)).join(' ')} s; cpu ${cpu[name]!.map((x) => x.toFixed(2)).join(' ')} s`);
if (other) {
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  console.log(`speed-up other/current: wall ${(mean(times.other!) / mean(times.current!)).toFixed(2)}×, cpu ${(mean(cpu.other!) / mean(cpu.current!)).toFixed(2)}×; products identical: ${outputs.other === outputs.current}`);
}
