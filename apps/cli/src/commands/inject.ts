// `asteris inject <field> --out <field2> --n 500 --mag 26:31.5 --kind point|sersic|highz [--seed N] [--z 8.5:17]` (issue 3).
// Adds artificial sources to every exposure of every band and writes injected.csv (docs/sim.md), through
// the inject stage the runner uses (@asteris/sim injectStage).
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { tmpSibling } from '@asteris/core';
import { UsageError } from '../errors.ts';

export interface InjectCliOptions { out: string; n: string; mag: string; kind: string; seed?: string; z?: string; margin?: string }

function range(v: string, name: string): [number, number] {
  const m = /^\s*(-?[\d.]+)\s*:\s*(-?[\d.]+)\s*$/.exec(v);
  if (!m) throw new UsageError(`--${name}: expected LO:HI, got '${v}'`);
  const a = Number(m[1]), b = Number(m[2]);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) throw new UsageError(`--${name}: expected LO:HI with LO ≤ HI, got '${v}'`);
  return [a, b];
}

export async function runInject(field: string, o: InjectCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<string> {
  const sim = await import('@asteris/sim');
  const n = Number(o.n);
  if (!Number.isInteger(n) || n < 1 || n > 1e6) throw new UsageError(`--n: expected a positive integer, got '${o.n}'`);
  if (!['point', 'sersic', 'highz'].includes(o.kind)) throw new UsageError(`--kind: expected point, sersic or highz, got '${o.kind}'`);
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got '${o.seed}'`);
  const margin = o.margin === undefined ? undefined : Number(o.margin);
  if (margin !== undefined && !(margin >= 0)) throw new UsageError(`--margin: expected a non-negative number of pixels, got '${o.margin}'`);
  const config = {
    n, magRange: range(o.mag, 'mag'), kind: o.kind as 'point' | 'sersic' | 'highz', seed,
    ...(o.z ? { zRange: range(o.z, 'z') } : {}), ...(margin !== undefined ? { margin } : {}),
  };
  const t0 = Date.now();
  // the runner's inject stage (same Stage.run) into a temporary sibling of --out; its injected field
  // (field.json, exposures, injected.csv) then becomes --out
  const { out } = sim.checkInjectTarget(field, o.out);
  const tmp = tmpSibling(out);
  mkdirSync(tmp, { recursive: true });
  try {
    const r = (await sim.injectStage.run({ field }, sim.InjectConfigSchema.parse(config), tmp)) as { n: number; bands: number };
    rmSync(out, { recursive: true, force: true }); // (absent or empty)
    renameSync(sim.injectStage.read(tmp).field, out);
    const listFile = join(out, sim.INJECT_FILES.list);
    log(`injected ${r.n} ${o.kind} source(s) into ${r.bands} band(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${out} (list: ${listFile})\n`);
    return listFile;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function register(program: Command): void {
  program
    .command('inject')
    .description('inject artificial sources into every exposure of a field (completeness / purity instrument)')
    .argument('<field>', 'field directory (field.json + <BAND>/*.fits)')
    .requiredOption('--out <dir>', 'output field directory (must differ from <field>)')
    .option('--n <n>', 'number of sources', '500')
    .option('--mag <lo:hi>', 'magnitude range (AB; rest-1500 Å apparent for highz)', '26:31.5')
    .option('--kind <kind>', 'point | sersic | highz', 'point')
    .option('--seed <n>', 'random seed', '1')
    .option('--z <lo:hi>', 'redshift range for --kind highz (default 8.5:17)')
    .option('--margin <px>', 'keep sources this far from the edges (default 10)')
    .action(async (field: string, o: InjectCliOptions) => { await runInject(field, o); });
}
