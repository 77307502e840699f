// `asteris lf <candidates.csv> --completeness <completeness.json> --out <dir>` (issue 7).
// Binned UV LF per redshift bin, Schechter/DPL posteriors, ρ_UV, and figures (docs/lumfunc.md).
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

export interface LfCliOptions {
  completeness?: string;
  area?: string;
  out: string;
  zBins?: string;
  magEdges?: string;
  models?: string;
  fixBeta?: string;
  cv?: string;
  seed?: string;
  steps?: string;
  walkers?: string;
  png: boolean;
  assumeComplete?: boolean;
  skipInvalid?: boolean;
  minCompleteness?: string;
  /** false with --no-migration */
  migration?: boolean;
}

function num(v: string | undefined, name: string, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!check(n)) throw new UsageError(`--${name}: invalid value '${v}'`);
  return n;
}

/** Parses "8.5:9.5,9.5:10.5" into z bins. */
export function parseZBins(s: string): Array<[number, number]> {
  return s.split(',').map((part) => {
    const [a, b] = part.split(':').map(Number);
    if (!Number.isFinite(a) || !Number.isFinite(b) || !(b > a)) throw new UsageError(`--z-bins: '${part}' is not zLo:zHi with zHi > zLo`);
    return [a, b] as [number, number];
  });
}

/** Parses "-23:-16:0.5" (start:stop:step) or a comma list of edges. */
export function parseMagEdges(s: string): number[] {
  if (s.includes(',')) {
    const e = s.split(',').map(Number);
    if (e.some((v, i) => !Number.isFinite(v) || (i > 0 && v <= e[i - 1]))) throw new UsageError(`--mag-edges: '${s}' must be ascending numbers`);
    return e;
  }
  const [a, b, d] = s.split(':').map(Number);
  if (![a, b, d].every(Number.isFinite) || !(b > a) || !(d > 0)) throw new UsageError(`--mag-edges: '${s}' is not start:stop:step`);
  const e: number[] = [];
  for (let k = 0; a + k * d <= b + 1e-9; k++) e.push(Math.round((a + k * d) * 1e6) / 1e6);
  return e;
}

const opt = <K extends string>(k: K, v: number | undefined): Partial<Record<K, number>> => (v === undefined ? {} : { [k]: v } as Record<K, number>);

export async function runLf(candidatesCsv: string, o: LfCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<string[]> {
  const lf = await import('@asteris/lumfunc');
  const zBins = o.zBins ? parseZBins(o.zBins) : undefined;
  const mEdges = o.magEdges ? parseMagEdges(o.magEdges) : undefined;
  const models = (o.models ?? 'schechter,dpl').split(',').map((m) => m.trim().toLowerCase());
  // numeric options are checked before anything is read or printed (one line on a bad value)
  const minCompleteness = num(o.minCompleteness, 'min-completeness', (n) => n >= 0 && n <= 1);
  for (const m of models) if (m !== 'schechter' && m !== 'dpl') throw new UsageError(`--models: unknown model '${m}' (schechter, dpl)`);
  if (!o.completeness && !o.assumeComplete) {
    throw new UsageError('no completeness: give --completeness <completeness.json> (injection–recovery), or --assume-complete --area <arcmin²> to accept C = 1 (φ then only a lower limit)');
  }
  if (o.completeness && o.assumeComplete) throw new UsageError('--assume-complete and --completeness exclude each other');
  const skipped: Array<{ row: number; reason: string }> = [];
  const cands = lf.readCandidatesCsv(candidatesCsv, { skipInvalid: o.skipInvalid, skipped });
  if (skipped.length) {
    const byReason = new Map<string, number[]>();
    for (const s of skipped) {
      // the reason without its line and cell value (`line L, column C: "v" problem` → `column C problem`)
      const key = s.reason.replace(/^line \d+(, |: )/, '').replace(/: "[^"]*" /, ' ').replace(/at z = [\d.]+/, 'at its z');
      byReason.set(key, [...(byReason.get(key) ?? []), s.row]);
    }
    for (const [why, rows] of byReason) log(`warning: skipped ${rows.length} row(s) of ${candidatesCsv}: ${why} (lines ${rows.slice(0, 8).join(', ')}${rows.length > 8 ? ', …' : ''})\n`);
  }
  if (cands.length === 0) throw new lf.LumfuncError(`no usable candidates${skipped.length ? ` (${skipped.length} row(s) skipped as invalid)` : ''}`, candidatesCsv);
  let comp;
  if (o.completeness) {
    const files = o.completeness.split(',').map((f) => f.trim()).filter(Boolean);
    comp = files.length === 1 ? lf.readCompleteness(files[0]) : files.map((f) => lf.readCompleteness(f));
  }
  else {
    const area = num(o.area, 'area', (n) => n > 0);
    if (area === undefined) throw new UsageError('--assume-complete needs --area <arcmin²>');
    log('warning: completeness ASSUMED to be 1 (--assume-complete): the binned φ are lower limits wherever the survey is incomplete\n');
    const zs = zBins ?? lf.DEFAULT_Z_BINS;
    comp = lf.unitCompleteness([Math.min(...zs.map((z) => z[0])), Math.max(...zs.map((z) => z[1]))], mEdges ? [mEdges[0], mEdges[mEdges.length - 1]] : [-25, -15], area);
  }
  const fixBeta = num(o.fixBeta, 'fix-beta', (n) => n < -1);
  log(`[lf] ${cands.length} candidates, ${lf.asFields(comp).length} field(s), area ${lf.totalArea(comp).toFixed(2)} arcmin², models ${models.join(', ')}\n`);
  // the lf stage's own computation and products (config checked by its schema)
  const config: import('@asteris/lumfunc').LfConfig = {
    ...(zBins ? { zBins } : {}), ...(mEdges ? { mEdges } : {}), models: models as Array<'schechter' | 'dpl'>,
    ...(fixBeta !== undefined ? { fixed: { dpl: { beta: fixBeta } } } : {}),
    ...opt('cosmicVariance', num(o.cv, 'cv', (n) => n >= 0)), ...opt('seed', num(o.seed, 'seed', Number.isInteger)),
    ...opt('nSteps', num(o.steps, 'steps', (n) => Number.isInteger(n) && n >= 100)), ...opt('nWalkers', num(o.walkers, 'walkers', (n) => Number.isInteger(n) && n >= 8)),
    ...opt('minCompleteness', minCompleteness),
    ...(o.migration === false ? { migration: false } : {}),
  };
  const { res, files } = lf.lfProducts(cands, comp, config, o.out, {
    png: o.png, assumeComplete: !!o.assumeComplete,
    warnings: skipped.length ? [`${skipped.length} invalid row(s) of ${candidatesCsv} skipped (--skip-invalid)`] : [],
  });
  for (const zb of res.zBins) {
    log(`[lf] ${zb.label}: N = ${+zb.nCandidates.toFixed(2)}, ${zb.bins.length} bins`);
    if (zb.fitSkipped) log(`; ${zb.fitSkipped}`);
    if (zb.fitRange) log(`; fits over M_UV ${zb.fitRange[0]} … ${+zb.fitRange[1].toFixed(2)}`);
    for (const f of zb.fits) {
      const p = f.posterior;
      const st = f.diagnostics.status === 'ok' ? 'converged'
        : f.diagnostics.status === 'at-prior-bound' ? `AT PRIOR BOUND: ${f.diagnostics.atPriorBound.map((b) => `${b.param} = ${b.value}`).join(', ')} — not converged` : 'NOT converged';
      const r = f.logRhoUV17, pr = f.logRhoUV17Profile;
      // 68 % intervals: the posterior's, and the profile likelihood's (frequentist; docs/lumfunc.md, ρ_UV intervals)
      const prof = pr ? `, profile likelihood ${pr.lo.toFixed(2)}–${pr.hi.toFixed(2)}${pr.open.length ? ' (open)' : ''}` : '';
      log(`; ${f.model}: M* = ${p.MStar.median.toFixed(2)}, α = ${p.alpha.median.toFixed(2)}, log ρ_UV(<−17) = ${r.median.toFixed(2)} [68 %: posterior ${r.lo.toFixed(2)}–${r.hi.toFixed(2)}${prof}] (${st})`);
    }
    log('\n');
  }
  for (const w of res.warnings) if (!w.startsWith('completeness ASSUMED') && !/ skipped \(--skip-invalid\)$/.test(w)) log(`warning: ${w}\n`);
  log(`[lf] wrote ${files.length} files to ${o.out}\n`);
  return files;
}

export function register(program: Command): void {
  program
    .command('lf')
    .description('UV luminosity function: binned φ, Schechter/DPL posteriors, ρ_UV and figures from a candidate catalogue')
    .argument('<candidates>', 'candidates CSV (z or z_phot, M_UV or flux_<BAND> columns; optional weight)')
    .option('--completeness <files>', 'completeness.json from injection–recovery (docs/contracts.md); comma-separate one per field to sum V_eff')
    .option('--area <arcmin2>', 'survey area, with --assume-complete')
    .option('--assume-complete', 'no completeness product: assume C = 1 (warned in the output and on the figure)')
    .option('--skip-invalid', 'skip candidate rows with invalid values (counted, with the reason) instead of failing')
    .requiredOption('--out <dir>', 'output directory')
    .option('--z-bins <list>', 'redshift bins, e.g. 8.5:9.5,9.5:10.5,10.5:12,12:16')
    .option('--mag-edges <spec>', 'M_UV bin edges: start:stop:step or a comma list (default -23:-16:0.5)')
    .option('--models <list>', 'schechter,dpl (default both)')
    .option('--fix-beta <beta>', 'fix the DPL bright-end slope')
    .option('--cv <fraction>', 'cosmic variance as a fraction of the counts, added in quadrature')
    .option('--seed <n>', 'MCMC seed (default 1)')
    .option('--steps <n>', 'MCMC steps per walker (default 3000 Schechter, 6000 DPL)')
    .option('--walkers <n>', 'MCMC walkers (default 32)')
    .option('--min-completeness <f>', 'fit only M_UV where V_eff ≥ f × its maximum in the z bin (default 0.2; 0 fits every bin)')
    .option('--no-migration', 'do not forward-model magnitude migration (the completeness transfer) in the fits')
    .option('--no-png', 'skip PNG rendering')
    .action(async (cands: string, o: LfCliOptions) => {
      await runLf(cands, o);
    });
}
