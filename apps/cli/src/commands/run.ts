// `asteris run <field> --out <dir>`: the whole pipeline, cached and resumable.
import type { Command } from 'commander';
import { version } from '../version.ts';

export function register(program: Command): void {
  program
    .command('run')
    .description('exposures → denoise → detect → photometry → select → completeness → LF → report (cached, resumable)')
    .argument('<field>', 'field directory (docs/field-format.md) or a simulation spec directory such as data/demo')
    .requiredOption('-o, --out <dir>', 'output directory (products, cache, report)')
    .option('--denoiser <name>', 'lite | asteris4 | asteris8 | none | path to an .onnx model')
    .option('--preset <name>', 'selection preset name or JSON file (default: every built-in preset)')
    .option('--config <file>', 'JSON run configuration (docs/pipeline.md); command-line options override it')
    .option('--injections <n>', 'injected high-z galaxies for completeness (0 disables completeness and the LF)', (v) => Number.parseInt(v, 10))
    .option('--workers <n>', 'worker threads (default: the number of cores)', (v) => Number.parseInt(v, 10))
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10))
    .option('--quiet', 'no progress output')
    .action(async (field: string, opts: { out: string; denoiser?: string; preset?: string; config?: string; injections?: number; workers?: number; seed?: number; quiet?: boolean }) => {
      // Loaded on use: the pipeline pulls in every stage library (≈ 1 s), which other commands do not need.
      const { runPipeline, loadRunConfig, makeReporter } = await import('@asteris/pipeline');
      const base = loadRunConfig(opts.config, {});
      const cfg = loadRunConfig(opts.config, {
        denoiser: opts.denoiser, preset: opts.preset, workers: opts.workers, seed: opts.seed,
        injection: opts.injections !== undefined ? { ...base.injection, n: opts.injections } : undefined,
      });
      const res = await runPipeline({ field, out: opts.out, config: cfg, reporter: makeReporter({ quiet: opts.quiet }), version: version() });
      console.log(res.summary);
      if (res.depthGain !== null) console.log(`depth gain (m90 denoised − m90 co-add): ${res.depthGain >= 0 ? '+' : ''}${res.depthGain.toFixed(2)} mag`);
      console.log(`candidates: ${res.candidates}`);
      if (res.lf) console.log(`luminosity function: ${res.lf}`);
      console.log(`report: ${res.report}`);
    });
}
