// `asteris simulate` (issue 3): mock NIRCam fields from a spec, or semi-real stacks from a mosaic.
//   asteris simulate --spec data/demo/field.json --out DIR [--seed N] [--size WxH] [--nexp N] [--bands F115W,F444W] [--workers 2]
//   asteris simulate --from-mosaic sci.fits --weight wht.fits --nexp 8 --out DIR [--band F115W] [--seed N] [--correlation drizzle]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

export interface SimulateCliOptions {
  spec?: string; out: string; seed?: string; size?: string; nexp?: string; bands?: string; workers?: string;
  fromMosaic?: string; weight?: string; band?: string; correlation?: string; name?: string;
}

function int(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name}: expected an integer in ${lo}–${hi}, got '${v}'`);
  return n;
}

export async function runSimulate(o: SimulateCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<string> {
  const sim = await import('@asteris/sim');
  if (o.fromMosaic) {
    if (!o.weight) throw new UsageError('--from-mosaic needs --weight <wht.fits>');
    if (o.spec) throw new UsageError('use either --spec or --from-mosaic, not both');
    const corr = o.correlation === undefined ? undefined : o.correlation === 'drizzle' ? 'drizzle' as const : (() => {
      try { return JSON.parse(o.correlation!) as number[][]; } catch { throw new UsageError(`--correlation: 'drizzle' or a JSON kernel like [[0,1,0],[1,4,1],[0,1,0]], got '${o.correlation}'`); }
    })();
    const t0 = Date.now();
    const f = sim.stackFromMosaic({ sci: o.fromMosaic, weight: o.weight, nexp: int(o.nexp, 'nexp', 2, 64) ?? 8, outDir: o.out,
      band: o.band, seed: int(o.seed, 'seed', 0, 2 ** 31), correlation: corr, name: o.name });
    log(`semi-real stack: ${f.bands.map((b) => `${b.name} ×${b.exposures.length}`).join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${f.dir}\n`);
    return f.dir;
  }
  if (!o.spec) throw new UsageError('give --spec <field.json> (e.g. data/demo/field.json) or --from-mosaic <sci.fits>');
  const raw = sim.readSpecFile(o.spec) as Record<string, unknown>;
  const spec: Record<string, unknown> = { ...raw };
  const seed = int(o.seed, 'seed', 0, 2 ** 31);
  if (seed !== undefined) spec.seed = seed;
  const nexp = int(o.nexp, 'nexp', 1, 64);
  if (nexp !== undefined) spec.nexp = nexp;
  if (o.size !== undefined) {
    const m = /^(\d+)(?:x(\d+))?$/.exec(o.size);
    if (!m) throw new UsageError(`--size: expected WxH or N, got '${o.size}'`);
    spec.width = Number(m[1]); spec.height = Number(m[2] ?? m[1]);
  }
  if (o.bands !== undefined) spec.bands = o.bands.split(',').map((s) => s.trim()).filter(Boolean);
  if (o.name !== undefined) spec.name = o.name;
  const workers = int(o.workers, 'workers', 0, 64);
  // errors name the user's spec file; the overridden spec then goes to the simulate stage as a file
  sim.parseSpec(spec, o.spec);
  const overridden = Object.keys(spec).some((k) => spec[k] !== raw[k]);
  const tmp = overridden ? mkdtempSync(join(tmpdir(), 'asteris-spec-')) : null;
  try {
    const specFile = tmp ? join(tmp, 'field.json') : o.spec;
    if (tmp) writeFileSync(specFile, JSON.stringify(spec));
    // the runner's simulate stage (same Stage.run), into --out
    const r = (await sim.simulateStage.run({ spec: specFile, workers }, {}, o.out, { progress: (_d, _t, m) => log(`  ${m ?? ''}\n`) })) as unknown as SimulateSummary;
    log(`simulated ${r.bands} band(s) × ${r.exposures} exposures, ${r.sources} sources (${Object.entries(r.kinds).map(([k, v]) => `${k} ${v}`).join(', ')}) in ${r.seconds.toFixed(1)} s → ${resolve(o.out)}\n`);
    return sim.simulateStage.read(resolve(o.out)).field;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

interface SimulateSummary { bands: number; exposures: number; sources: number; kinds: Record<string, number>; seconds: number }

export function register(program: Command): void {
  program
    .command('simulate')
    .description('simulate a JWST/NIRCam multi-exposure field with full truth (or a semi-real stack from a mosaic)')
    .option('--spec <field.json>', 'field spec (JSON), e.g. data/demo/field.json')
    .requiredOption('--out <dir>', 'output field directory (field.json, <BAND>/*.fits, psf/, truth.csv)')
    .option('--seed <n>', 'override the spec seed')
    .option('--size <WxH>', 'override the image size in pixels')
    .option('--nexp <n>', 'exposures per band (spec default 8; 4–32 supported)')
    .option('--bands <list>', 'override the bands, e.g. F115W,F150W,F200W,F444W')
    .option('--workers <n>', 'worker threads (default 2; 0 = in-process)')
    .option('--name <name>', 'field name')
    .option('--from-mosaic <sci.fits>', 'semi-real mode: a real drizzled mosaic')
    .option('--weight <wht.fits>', 'semi-real mode: its inverse-variance weight map')
    .option('--band <name>', 'semi-real mode: band (default: FILTER keyword)')
    .option('--correlation <k>', "semi-real mode: 'drizzle' or a JSON kernel for correlated noise")
    .action(async (o: SimulateCliOptions) => { await runSimulate(o); });
}
