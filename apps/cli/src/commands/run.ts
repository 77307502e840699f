// `asteris run <field|survey.json> --out <dir>`: the whole pipeline, cached and resumable, over one field
// or a survey (a list of fields, one LF over all). Everything is validated before any stage runs.
import type { Command } from 'commander';
import { version } from '../version.ts';
import { UsageError } from '../errors.ts';

interface RunCliOptions { out: string; denoiser?: string; selfcal?: boolean; preset?: string; config?: string; injections?: string; workers?: string; seed?: string; quiet?: boolean; engine?: string; redis?: string; queue?: string }

/** An integer option in [lo, hi]; anything else is a usage error (exit 2). */
function int(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name}: expected an integer in ${lo}–${hi}, got '${v}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('exposures → denoise → detect → photometry → select → completeness → LF → report (cached, resumable)')
    .argument('<field>', 'field directory (docs/field-format.md), a simulation spec directory such as data/demo, or a survey file (survey.json: a list of fields, one LF over all)')
    .requiredOption('-o, --out <dir>', 'output directory (products, cache, report)')
    .option('--denoiser <name>', 'lite-null (default) | lite | lite-art | lite-clean | asteris4 | asteris8 | none | path to an .onnx model')
    .option('--selfcal', 'detector-frame self-calibration of every band\'s exposures before co-adding and denoising (needs DITHX/DITHY keywords; docs/field-format.md)')
    .option('--preset <name>', 'selection preset(s): name, JSON file or comma list; auto (default) = every built-in preset, auto-lprior = the same with the z ≳ 11 luminosity-prior variants, -name drops one')
    .option('--config <file>', 'JSON run configuration (docs/pipeline.md); command-line options override it')
    .option('--injections <n>', 'injected high-z galaxies for completeness (0 disables completeness and the LF)')
    .option('--workers <n>', 'worker threads per stage; 0 = in-process everywhere (default: the number of cores)')
    .option('--engine <name>', 'local (in-process, default) | bullmq (stage jobs on a Redis queue, run by `asteris worker`s sharing the cache directory)')
    .option('--redis <url>', 'with --engine bullmq: redis://[:password@]host[:port][/db] or rediss:// (default: $ASTERIS_REDIS_URL)')
    .option('--queue <name>', 'with --engine bullmq: queue name (must match the workers; default asteris-jobs)')
    .option('--seed <n>', 'random seed of the LF posterior sampling')
    .option('--quiet', 'no progress output')
    .action(async (field: string, opts: RunCliOptions) => {
      const injections = int(opts.injections, 'injections', 0, 20000);
      const workers = int(opts.workers, 'workers', 0, 64);
      const engineName = opts.engine ?? 'local';
      if (engineName !== 'local' && engineName !== 'bullmq') throw new UsageError(`--engine: expected local or bullmq, got '${engineName}'`);
      const redis = opts.redis ?? process.env.ASTERIS_REDIS_URL;
      if (engineName === 'bullmq' && !redis) throw new UsageError('--engine bullmq: give --redis URL (or set ASTERIS_REDIS_URL)');
      if (engineName === 'local' && (opts.redis || opts.queue)) throw new UsageError('--redis/--queue need --engine bullmq');
      const seed = int(opts.seed, 'seed', -(2 ** 31), 2 ** 31 - 1);
      // Loaded on use: the pipeline pulls in every stage library (≈ 1 s), which other commands do not need.
      const { runPipeline, loadRunConfig, makeReporter, formatFourNumbers } = await import('@asteris/pipeline');
      const base = loadRunConfig(opts.config, {});
      const cfg = loadRunConfig(opts.config, {
        denoiser: opts.denoiser, preset: opts.preset, workers, seed, selfcal: opts.selfcal,
        injection: injections !== undefined ? { ...base.injection, n: injections } : undefined,
      });
      const engine = engineName === 'bullmq' ? { kind: 'bullmq' as const, redis: redis!, queue: opts.queue } : undefined;
      const res = await runPipeline({ field, out: opts.out, config: cfg, reporter: makeReporter({ quiet: opts.quiet }), version: version(), engine });
      console.log(res.summary);
      if (res.four) for (const line of formatFourNumbers(res.four)) console.log(line);
      console.log(`candidates: ${res.candidates}`);
      if (res.lf) console.log(`luminosity function: ${res.lf}`);
      console.log(`report: ${res.report}`);
    });
}
