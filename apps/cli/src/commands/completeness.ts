// `asteris completeness <field | mosaic.fits …> --out <dir>`: selection completeness C(M_UV, z) of a real
// field or set of mosaics by injection–recovery through the pipeline's own chain (libs/pipeline
// completeness-real.ts); writes the completeness.json that `asteris lf --completeness` reads.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

interface CompletenessCliOptions {
  out: string; preset?: string; injections?: string; rounds?: string; magRange?: string; zRange?: string; seed?: string;
  denoiser?: string; detectBands?: string; workers?: string; quiet?: boolean;
}

function int(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name}: expected an integer in ${lo}–${hi}, got '${v}'`);
  return n;
}

/** "a:b" with a < b. */
function range(v: string | undefined, name: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  const [a, b, ...rest] = v.split(':').map((s) => Number(s.trim()));
  if (rest.length || !Number.isFinite(a) || !Number.isFinite(b) || !(a! < b!)) throw new UsageError(`--${name}: expected lo:hi with lo < hi, got '${v}'`);
  return [a!, b!];
}

export function register(program: Command): void {
  program
    .command('completeness')
    .description('selection completeness C(M_UV, z) of a real field or mosaics by injecting z ≈ 8.5–17 galaxies and rerunning detection, photometry and selection (for asteris lf --completeness)')
    .argument('<inputs...>', 'a field directory, or two or more mosaic FITS files on one pixel grid (band from FILTER or the file name, or BAND=file)')
    .requiredOption('-o, --out <dir>', 'output directory (completeness.json, completeness.svg, depth.json, candidates.csv, cache)')
    .option('--preset <name>', "selection preset(s): name, JSON file or comma list; default auto = every built-in preset the field's bands allow (auto-lprior: with the z ≳ 11 luminosity-prior variants)")
    .option('--injections <n>', 'injected galaxies per round (default 150)')
    .option('--rounds <n>', 'injection rounds, each a copy of the field through the whole chain (default 4)')
    .option('--mag-range <a:b>', 'apparent rest-1500 Å AB magnitudes of the injections, bright:faint (default 25.5:31)')
    .option('--z-range <a:b>', 'redshifts of the injections (default 8.5:17)')
    .option('--seed <n>', 'seed of the injections (round r uses seed + r); same inputs and seed give the same bytes')
    .option('--denoiser <name>', 'none (default: a mosaic is one frame) | lite | asteris4 | asteris8 | path to an .onnx model (needs exposure stacks)')
    .option('--detect-bands <list>', 'bands summed for detection (default: the long-wavelength bands present)')
    .option('--workers <n>', 'worker threads per stage; 0 = in-process')
    .option('--quiet', 'no progress output')
    .action(async (inputs: string[], o: CompletenessCliOptions) => {
      const injections = int(o.injections, 'injections', 1, 20000);
      const rounds = int(o.rounds, 'rounds', 1, 50);
      const seed = int(o.seed, 'seed', -(2 ** 31), 2 ** 31 - 1);
      const workers = int(o.workers, 'workers', 0, 64);
      const magRange = range(o.magRange, 'mag-range');
      const zRange = range(o.zRange, 'z-range');
      if (zRange && (zRange[0] < 6 || zRange[1] > 20)) throw new UsageError(`--z-range: ${o.zRange} outside 6–20`);
      const { runCompleteness, makeReporter } = await import('@asteris/pipeline');
      const res = await runCompleteness({
        inputs, out: o.out, preset: o.preset, injections, rounds, seed, workers, magRange, zRange, denoiser: o.denoiser,
        detectBands: o.detectBands?.split(',').map((b) => b.trim().toUpperCase()).filter(Boolean), reporter: makeReporter({ quiet: o.quiet }),
      });
      if (res.dropped.length) console.log(`presets restricted to the field's bands: ${res.presets.join(', ')} (left out: ${res.dropped.map((d) => `${d.preset}, needs ${d.missing.join('+')}`).join('; ')})`);
      console.log(res.summary);
      console.log(`${res.nInjected} injections over ${res.areaArcmin2.toFixed(4)} arcmin², presets ${res.presets.join(', ')}: ${res.note}`);
      console.log(`completeness: ${res.completeness}`);
      console.log(`figure: ${res.figure}`);
      console.log(`candidates of the field itself: ${res.candidates}`);
    });
}
