// Mock-survey closure through the WHOLE pipeline (issue 15, "Survey closure"): pointings in a deep and a
// medium tier simulated by @asteris/sim from a KNOWN input UV LF (its high-z population is drawn from an
// evolving double power law, populations.ts drawCatalogue), run as one survey (`asteris run survey.json`:
// runPipeline over every field, per-field injection–recovery completeness, one LF over all), and the
// recovered LF compared with the input:
//  - binned φ: χ²/dof over bins with ≥ 3 objects, per z bin (8.5–9.5, 9.5–10.5, 10.5–13), against the input
//    LF averaged as the survey sees it (φ(M, z) weighted by the measured V_eff in z sub-slices);
//  - DPL posterior: the input parameters (φ* averaged over the bin's comoving volume) inside the 95 % interval;
//  - ρ_UV(M < −17) of the input inside the fit's 68 % interval.
// The LF is recomputed from the published per-field candidates and completeness with the lf stage's own
// function and config (runLuminosityFunction), which must reproduce the run's lf.json, to get the samples
// that lf.json drops. Used by `npm run bench:survey -- --closure` and libs/pipeline/test/survey-closure.test.ts.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Cosmology, lfPhi, uvLuminosityDensity, type LfParams } from '@asteris/astro';
import { simulateField } from '@asteris/sim';
import { binEffectiveVolume, readCandidatesCsv, readCompleteness, runLuminosityFunction, unitCompleteness, type CompletenessProduct, type LfResult } from '@asteris/lumfunc';
import { loadRunConfig, type RunConfig } from '../src/config.ts';
import { closurePurity, purityLines, tierOf } from './closure-purity.ts';

/** The input LF of the mock (the simulator's evolving DPL): φ*(z) = 10^(logPhiStar + dLogPhiStarDz (z − z0)). */
export const INPUT_LF = { kind: 'dpl' as const, MStar: -21.0, alpha: -2.2, beta: -4.5, logPhiStar: -4.46, dLogPhiStarDz: -0.21, z0: 9 };
export const CLOSURE_Z_BINS: [number, number][] = [[8.5, 9.5], [9.5, 10.5], [10.5, 13]];
export const CLOSURE_BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];

export interface Tier { name: string; n: number; depth: number }
export interface ClosureSurveyOptions {
  tiers: Tier[];
  /** field side in pixels (0.04″/px) */
  size: number;
  /** high-z oversampling k of the simulation (each candidate counts 1/k in the LF): the effective area is k × the pixel area */
  oversample: number;
  nexp: number;
  /** faint limit of the simulated high-z population (apparent rest-1500 Å) */
  mLimit: number;
  seed: number;
  /** default CLOSURE_BANDS */
  bands?: string[];
}

/** Simulates the pointings and writes `<dir>/survey.json`; returns its path and the fields' specs. */
export async function buildClosureSurvey(dir: string, o: ClosureSurveyOptions): Promise<{ survey: string; fields: { dir: string; tier: string }[] }> {
  const fields: { dir: string; tier: string }[] = [];
  let k = 0;
  for (const t of o.tiers) {
    for (let i = 0; i < t.n; i++, k++) {
      const name = `${t.name}${i + 1}`;
      const d = join(dir, name);
      const { kind: _k, dLogPhiStarDz, z0, logPhiStar, ...shape } = INPUT_LF;
      await simulateField({
        kind: 'asteris-field-spec', name, seed: o.seed + 101 * k, width: o.size, height: o.size, nexp: o.nexp, bands: o.bands ?? CLOSURE_BANDS, depth: t.depth, psfRadius: 1.5,
        crval: [34.3 + 0.02 * k, -5.1],
        populations: {
          lowz: { magRange: [20, 30.5] }, browndwarfs: { perArcmin2: 5 },
          highz: { oversample: o.oversample, mLimit: o.mLimit, zRange: [8.5, 17], lf: { kind: 'dpl', ...shape, logPhiStar, dLogPhiStarDz, z0 } },
        },
      } as never, d, { workers: 0 });
      fields.push({ dir: d, tier: t.name });
    }
  }
  const survey = join(dir, 'survey.json');
  writeFileSync(survey, JSON.stringify({ kind: 'asteris-survey', name: 'closure', fields: fields.map((f) => f.dir) }, null, 2));
  return { survey, fields };
}

/** The run config of a closure run (`denoiser`: 'none' = co-add path, 'lite-null' (or another model) = ASTERIS path). */
export function closureConfig(denoiser: string, o: {
  injections: number; rounds: number; nSteps: number; oversample: number; seed?: number; workers?: number;
  preset?: string; zBins?: [number, number][]; models?: ('schechter' | 'dpl')[]; nWalkers?: number; injectionZ?: [number, number];
  /** median rest EW (Å) of [OIII]+Hβ given to the injections (default: none) */
  injectionEw?: number;
  /** parameters held at fixed values, e.g. { dpl: { MStar: -21, alpha: -2.2, beta: -4.5 } } (only φ* free) */
  fixed?: Partial<Record<'schechter' | 'dpl', Record<string, number>>>;
}): RunConfig {
  return loadRunConfig(undefined, {
    denoiser, preset: o.preset ?? 'auto', workers: o.workers ?? (denoiser === 'none' ? 0 : undefined), seed: o.seed ?? 1,
    injection: { n: o.injections, rounds: o.rounds, magRange: [25.5, 30.5], zRange: o.injectionZ ?? [8.5, 13], seed: 4242, ...(o.injectionEw ? { ewOiiiHb: o.injectionEw } : {}) },
    // fits need ≥ 5 objects: 5 raw candidates weigh 5/k
    lf: { zBins: o.zBins ?? CLOSURE_Z_BINS, models: o.models ?? ['schechter', 'dpl'], nSteps: o.nSteps, nWalkers: o.nWalkers ?? 24, minForFit: 5, ...(o.fixed ? { fixed: o.fixed } : {}) },
  });
}

/** The input DPL at redshift z. */
export function inputLfAt(z: number): LfParams & { kind: 'dpl' } {
  const l = INPUT_LF;
  return { kind: 'dpl', phiStar: 10 ** (l.logPhiStar + l.dLogPhiStarDz * (z - l.z0)), MStar: l.MStar, alpha: l.alpha, beta: l.beta };
}

/** φ* averaged over the comoving volume of [z1, z2] (the normalisation a non-evolving fit over the bin estimates). */
export function binPhiStar(z1: number, z2: number, cosmo: Cosmology, n = 20): number {
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const z = z1 + ((i + 0.5) * (z2 - z1)) / n;
    const dv = cosmo.differentialComovingVolume(z);
    num += inputLfAt(z).phiStar * dv; den += dv;
  }
  return num / den;
}

export interface ClosureBin {
  zLo: number; zHi: number; nCandidates: number; /** raw (unweighted) candidates in the z bin */ nRaw: number; nBinsUsed: number; chi2: number; chi2PerDof: number;
  /** faint end of the fits' likelihood (lf minCompleteness), null when no fit */ fitFaint: number | null;
  /** per DPL parameter: input value and the posterior's 2.5 / 50 / 97.5 % points */
  params: { name: string; input: number; q025: number; median: number; q975: number; inside: boolean }[];
  paramsInside95: boolean;
  rho: { model: string; input: number; lo: number; median: number; hi: number; inside: boolean;
    /** the 68 % profile-likelihood interval (fit.ts logRhoUV17Profile), null when φ* was fixed */
    profile: { lo: number; best: number; hi: number; inside: boolean } | null }[];
  status: string[];
}
export interface ClosureResult { bins: ClosureBin[]; lf: LfResult; lfJsonMatches: boolean; nCandidates: number; /** effective area (pixel area × k) */ areaArcmin2: number }

const quantile = (v: number[], f: number): number => { const s = [...v].sort((a, b) => a - b); return s[Math.round(f * (s.length - 1))]!; };

/**
 * Compares the survey's LF with the input (see the file comment). `out` is the run's --out; each field's
 * published candidates (candidates/candidates.csv) and completeness.json are read, as the lf stage read them.
 */
export function closureCheck(out: string, cfg: RunConfig, oversample: number, o: { assumeComplete?: boolean } = {}): ClosureResult {
  const products = JSON.parse(readFileSync(join(out, 'products.json'), 'utf8')) as { fields?: string[] };
  const dirs = products.fields ?? [out];
  const comps = dirs.map((d) => readCompleteness(join(d, 'completeness.json')));
  const raw = dirs.flatMap((d) => readCandidatesCsv(join(d, 'candidates', 'candidates.csv'), { skipInvalid: true, skipped: [] }));
  // The run's lf stage weighs each candidate of a k× oversampled field 1/k (lf.json). For the posteriors the
  // oversampling is used as what it is, k× the area: raw counts against V_eff × k. Binned φ and their errors
  // are the same either way (φ = n/(k V ΔM), Gehrels on n); the weighted likelihood would carry 1/k of the
  // information (posteriors k× too wide; reported in docs/pipeline.md).
  const asArea = (c: CompletenessProduct): CompletenessProduct => ({ ...c, areaArcmin2: c.areaArcmin2 * oversample });
  // control (tests): the same candidates with C = 1 over each field's grid, i.e. completeness ignored
  const used = (o.assumeComplete ? comps.map((c) => unitCompleteness(c.zEdges, c.mEdges, c.areaArcmin2)) : comps).map(asArea);
  const comp = used.length === 1 ? used[0]! : used;
  const lf = runLuminosityFunction(raw, comp, { ...cfg.lf, minForFit: 5 } as never);
  // the run's own lf stage (weighted candidates, real area): its binned φ must be the same
  const runLf = JSON.parse(readFileSync(join(out, 'lf', 'lf.json'), 'utf8')) as { zBins: { bins: { phi: number }[] }[] };
  const lfJsonMatches = lf.zBins.every((zb, k) => zb.bins.every((b, i) => Math.abs(b.phi - (runLf.zBins[k]?.bins[i]?.phi ?? NaN)) <= 1e-9 * Math.max(1e-30, b.phi)));
  const cands = raw;
  const cosmo = new Cosmology();
  const bins = lf.zBins.map((zb): ClosureBin => {
    const { zLo, zHi } = zb;
    // expected φ of each magnitude bin: Σ over z sub-slices and M sub-steps of φ(M, z) V_eff, over V_eff ΔM
    let chi2 = 0, dof = 0;
    const nz = 4, nm = 4;
    for (const b of zb.bins) {
      if (b.nRaw < 3) continue;
      let num = 0;
      for (let j = 0; j < nz; j++) {
        const z1 = zLo + (j * (zHi - zLo)) / nz, z2 = z1 + (zHi - zLo) / nz;
        const p = inputLfAt(0.5 * (z1 + z2));
        for (let i = 0; i < nm; i++) {
          const a = b.Mlo + (i * (b.Mhi - b.Mlo)) / nm, c = a + (b.Mhi - b.Mlo) / nm;
          num += lfPhi(p, 0.5 * (a + c)) * binEffectiveVolume(comp, a, c, z1, z2, cosmo, 2) * (c - a);
        }
      }
      const e = num / (b.veff * (b.Mhi - b.Mlo));
      const sig = b.phi > e ? b.errLo : b.errUp;
      chi2 += ((b.phi - e) / sig) ** 2;
      dof++;
    }
    const phiStar = binPhiStar(zLo, zHi, cosmo);
    const truth: Record<string, number> = { logPhiStar: Math.log10(phiStar), MStar: INPUT_LF.MStar, alpha: INPUT_LF.alpha, beta: INPUT_LF.beta };
    const dpl = zb.fits.find((f) => f.model === 'dpl');
    const params = dpl ? dpl.sampleNames.filter((nm) => dpl.free.includes(nm)).map((nm) => {
      const v = dpl.samples.map((r) => r[dpl.sampleNames.indexOf(nm)]!);
      const q025 = quantile(v, 0.025), q975 = quantile(v, 0.975);
      return { name: nm, input: truth[nm]!, q025, median: quantile(v, 0.5), q975, inside: truth[nm]! >= q025 && truth[nm]! <= q975 };
    }) : [];
    const rhoIn = Math.log10(uvLuminosityDensity({ kind: 'dpl', phiStar, MStar: INPUT_LF.MStar, alpha: INPUT_LF.alpha, beta: INPUT_LF.beta }, -17));
    const rho = zb.fits.map((f) => {
      const pr = f.logRhoUV17Profile;
      return { model: f.model, input: rhoIn, lo: f.logRhoUV17.lo, median: f.logRhoUV17.median, hi: f.logRhoUV17.hi, inside: rhoIn >= f.logRhoUV17.lo && rhoIn <= f.logRhoUV17.hi,
        profile: pr ? { lo: pr.lo, best: pr.median, hi: pr.hi, inside: rhoIn >= pr.lo && rhoIn <= pr.hi } : null };
    });
    return {
      zLo, zHi, nCandidates: zb.nCandidates, nRaw: zb.bins.reduce((a, x) => a + x.nRaw, 0), nBinsUsed: dof, chi2, chi2PerDof: dof ? chi2 / dof : NaN,
      params, paramsInside95: params.length > 0 && params.every((p) => p.inside), rho, status: zb.fits.map((f) => `${f.model}: ${f.diagnostics.status}`), fitFaint: zb.fitRange?.[1] ?? null,
    };
  });
  return { bins, lf, lfJsonMatches, nCandidates: cands.length, areaArcmin2: lf.areaArcmin2 };
}

/** A readable table of a closure result. */
export function closureTable(r: ClosureResult): string {
  const lines = [`z bin        N(raw)  bins≥3  χ²/dof   DPL params in 95 %                               ρ_UV(<−17) in 68 % (input ${r.bins[0]?.rho[0]?.input.toFixed(2) ?? '?'} at z≈9)`];
  for (const b of r.bins) {
    const ps = b.params.map((p) => `${p.name} ${p.input.toFixed(2)}∈[${p.q025.toFixed(2)},${p.q975.toFixed(2)}]${p.inside ? '' : '✗'}`).join(' ');
    const rs = b.rho.map((x) => `${x.model} ${x.input.toFixed(2)}∈[${x.lo.toFixed(2)},${x.hi.toFixed(2)}]${x.inside ? '' : '✗'}`
      + (x.profile ? ` prof [${x.profile.lo.toFixed(2)},${x.profile.hi.toFixed(2)}]${x.profile.inside ? '' : '✗'}` : '')).join(' ');
    lines.push(`${`${b.zLo}–${b.zHi}`.padEnd(11)}  ${String(b.nRaw).padStart(6)}  ${String(b.nBinsUsed).padStart(6)}  ${b.chi2PerDof.toFixed(2).padStart(6)}   ${ps}   ${rs}   (${b.status.join(', ')}${b.fitFaint != null ? `; fit M_UV < ${b.fitFaint.toFixed(1)}` : ''})`);
  }
  const used = r.bins.filter((b) => b.nBinsUsed > 0);
  const rhoDpl = r.bins.map((b) => b.rho.find((x) => x.model === 'dpl')).filter((x) => x !== undefined);
  lines.push(`goals (issue 15): χ²/dof ≤ 1.5 in ${used.filter((b) => b.chi2PerDof <= 1.5).length}/${used.length} z bins with bins of ≥ 3 objects;`
    + ` every DPL input inside the 95 % posterior in ${r.bins.filter((b) => b.paramsInside95).length}/${r.bins.length};`
    + ` ρ_UV (DPL) within 1σ in ${rhoDpl.filter((x) => x.inside).length}/${rhoDpl.length} (posterior 68 %; high ${rhoDpl.filter((x) => x.input < x.lo).length}, low ${rhoDpl.filter((x) => x.input > x.hi).length}),`
    + ` ${rhoDpl.filter((x) => x.profile?.inside).length}/${rhoDpl.length} (profile likelihood; high ${rhoDpl.filter((x) => x.profile && x.input < x.profile.lo).length}, low ${rhoDpl.filter((x) => x.profile && x.input > x.profile.hi).length})`);
  return lines.join('\n');
}

// ---- `npm run bench:survey -- --closure [--deep 2 --medium 2 --size 256 --oversample 1500 --mlimit 30 --injections 100 --rounds 2 --steps 1500 --paths none,lite-null --inj-ew 0 --keep]`
// (--inj-ew E: the injected galaxies carry [OIII]+Hβ of median rest EW E Å, as the simulated population does: 600)

const argNum = (argv: string[], name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const argStr = (argv: string[], name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : dflt;
};

interface ClosureChildReport { wall: number; rssMiB: number; candidates: number; areaArcmin2: number; table: string; bins: ClosureBin[]; lfJsonMatches: boolean; nWeighted: number; purity: string[] }

/** What the candidates are, per tier (closure-purity.ts): each field's truth.csv against its published candidates. */
function surveyPurity(survey: string, out: string): string[] {
  const { fields } = JSON.parse(readFileSync(survey, 'utf8')) as { fields: string[] };
  return purityLines(closurePurity(fields.map((d) => {
    const name = basename(d);
    const pub = fields.length > 1 ? join(out, name) : out; // run.ts publishes a one-field survey at the out root
    return { tier: tierOf(name), truth: join(d, 'truth.csv'), candidates: join(pub, 'candidates', 'candidates.csv') };
  })));
}

/** Child process: one path (denoiser) over the survey, from an empty cache; prints REPORT <json>. */
export async function closureChild(argv: string[]): Promise<void> {
  const [survey, out, denoiser, optsJson] = argv;
  const o = JSON.parse(optsJson!) as { injections: number; rounds: number; nSteps: number; oversample: number; injectionEw?: number; preset?: string };
  const { runPipeline, silentReporter } = await import('../src/index.ts');
  const cfg = closureConfig(denoiser!, o);
  const t0 = performance.now();
  await runPipeline({ field: survey!, out: out!, config: cfg, reporter: silentReporter() });
  const wall = (performance.now() - t0) / 1000;
  const products = JSON.parse(readFileSync(join(out!, 'products.json'), 'utf8')) as { fields?: string[] };
  let candidates = 0;
  for (const d of products.fields ?? [out!]) candidates += readFileSync(join(d, 'candidates', 'candidates.csv'), 'utf8').trim().split('\n').length - 1;
  const r = closureCheck(out!, cfg, o.oversample);
  const rep: ClosureChildReport = {
    wall, rssMiB: process.resourceUsage().maxRSS / 1024, candidates, areaArcmin2: r.areaArcmin2, table: closureTable(r), bins: r.bins, lfJsonMatches: r.lfJsonMatches, nWeighted: r.nCandidates,
    purity: surveyPurity(survey!, out!),
  };
  process.stdout.write(`REPORT ${JSON.stringify(rep)}\n`);
}

/** Copies `<root>/fields/<f>/{truth.csv,field.json}`, and each field's catalogue.csv, candidates.csv and completeness.json plus lf/lf.json of one path's out, to `dest` in the same layout. */
function saveSmallProducts(root: string, out: string, dest: string, path: string): void {
  const copy = (from: string, to: string): void => {
    if (!existsSync(from)) return;
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  const fields = readdirSync(join(root, 'fields'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const f of fields) {
    for (const x of ['truth.csv', 'field.json']) copy(join(root, 'fields', f, x), join(dest, 'fields', f, x));
    const from = fields.length > 1 ? join(out, f) : out; // run.ts publishes a one-field survey at the out root
    copy(join(from, 'completeness.json'), join(dest, `out-${path}`, f, 'completeness.json'));
    copy(join(from, 'candidates', 'candidates.csv'), join(dest, `out-${path}`, f, 'candidates', 'candidates.csv'));
    copy(join(from, 'catalogue.csv'), join(dest, `out-${path}`, f, 'catalogue.csv')); // for closure-diag/reselect.ts
  }
  copy(join(out, 'lf', 'lf.json'), join(dest, `out-${path}`, 'lf', 'lf.json'));
}

export async function closureBench(argv: string[], self: string): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir, cpus } = await import('node:os');
  const { spawn } = await import('node:child_process');
  const size = argNum(argv, 'size', 256);
  const oversample = argNum(argv, 'oversample', 1500);
  const tiers: Tier[] = [{ name: 'deep', n: argNum(argv, 'deep', 2), depth: 29.8 }, { name: 'medium', n: argNum(argv, 'medium', 2), depth: 29.0 }];
  const opts = { injections: argNum(argv, 'injections', 100), rounds: argNum(argv, 'rounds', 2), nSteps: argNum(argv, 'steps', 1500), oversample, injectionEw: argNum(argv, 'inj-ew', 0), preset: argStr(argv, 'preset', 'auto') };
  const paths = argStr(argv, 'paths', 'none,lite-null').split(',');
  const keep = argv.includes('--keep');
  // --save DIR: keep only the small products (truth, photometry catalogue, candidates, completeness, lf.json) in the
  // --keep layout, for closure-diag/{closure_truth.py,purity.ts,reselect.ts} on surveys too large to keep whole (≥ 10 arcmin² ≈ 1.7 GB of pixels per field and path)
  const save = argStr(argv, 'save', '');
  const tmp = mkdtempSync(join(tmpdir(), 'asteris-closure-'));
  try {
    const t0 = performance.now();
    const { survey, fields } = await buildClosureSurvey(join(tmp, 'fields'), { tiers, size, oversample, nexp: 8, mLimit: argNum(argv, 'mlimit', 30), seed: argNum(argv, 'seed', 1) });
    const simS = (performance.now() - t0) / 1000;
    const pixArea = (fields.length * size * size * 0.04 ** 2) / 3600;
    console.log(`\nbench:survey --closure — ${fields.length} pointings (${tiers.map((t) => `${t.n} ${t.name}, 5σ ${t.depth}`).join('; ')}) of ${size}×${size} px at 0.04″ = ${pixArea.toFixed(3)} arcmin² of pixels;`
      + ` high-z population oversampled ×${oversample} (each candidate counts 1/${oversample}) = ${(pixArea * oversample).toFixed(1)} arcmin² effective for the LF; ${CLOSURE_BANDS.length} bands × 8 exposures;`
      + ` input LF: DPL M* ${INPUT_LF.MStar}, α ${INPUT_LF.alpha}, β ${INPUT_LF.beta}, log φ*(z) = ${INPUT_LF.logPhiStar} ${INPUT_LF.dLogPhiStarDz} (z − ${INPUT_LF.z0}), z 8.5–17;`
      + ` ${opts.injections} × ${opts.rounds} injections per field (z 8.5–13); presets ${opts.preset}; ${cpus().length} CPU cores; simulation ${simS.toFixed(0)} s`);
    for (const denoiser of paths) {
      const out = join(tmp, `out-${denoiser}`);
      const c = spawn(process.execPath, ['--import', 'tsx', self, '--closure-child', survey, out, denoiser, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      c.stdout!.on('data', (b: Buffer) => { text += b; });
      const code = await new Promise<number | null>((res) => c.on('close', res));
      const m = text.match(/REPORT (.*)/);
      if (code !== 0 || !m) { console.log(`${denoiser}: run failed (exit ${code})`); continue; }
      const r = JSON.parse(m[1]!) as ClosureChildReport;
      const label = denoiser === 'none' ? 'co-add path (--denoiser none)' : `ASTERIS path (--denoiser ${denoiser})`;
      console.log(`\n${label}: wall ${r.wall.toFixed(0)} s, peak RSS ${r.rssMiB.toFixed(0)} MiB, ${r.candidates} candidates = ${(r.candidates / pixArea).toFixed(1)} per arcmin² of pixels`
        + ` (${(r.nWeighted).toFixed(0)} rows into the LF); lf.json reproduced: ${r.lfJsonMatches}`);
      console.log(r.table);
      console.log(`what the candidates are (matched to the truth within 0.12″; the high-z population is drawn ×${oversample}, interlopers at the sky's density):\n  ${r.purity.join('\n  ')}`);
      if (save) saveSmallProducts(tmp, out, save, denoiser);
      if (!keep) rmSync(out, { recursive: true, force: true });
    }
  } finally {
    if (keep) console.log(`kept ${tmp}`); else rmSync(tmp, { recursive: true, force: true });
  }
}
