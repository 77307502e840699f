// `asteris completeness`: the selection completeness C(M_UV, z) of a REAL set of mosaics (or any field) by
// injection–recovery (issue 15): simulated z ≈ 8.5–17 galaxies (@asteris/sim inject stage: the SED, IGM
// and PSF machinery of the simulator) are added to copies of the field, and every copy goes through the
// same images → detect → photometry → select chain as the field itself (thresholds from the field's own
// detection, as `asteris run` does); the completeness stage then fits the smooth model C(M_UV, z) that
// `asteris lf --completeness` reads. Composition as in run.ts: stage objects from their libraries, jobs
// on an engine, the content-addressed cache under <out>/cache (a rerun reuses every product).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ensureDir, writeFileAtomic, type Stage } from '@asteris/core';
import { readFits, type ImageHdu } from '@asteris/fits';
import { loadField, FIELD_JSON, type Field } from '@asteris/field';
import { injectStage } from '@asteris/sim';
import { imagesStage } from '@asteris/asteris';
import { detectStage } from '@asteris/extract';
import { photometryStage } from '@asteris/photometry';
import { selectStage, loadPreset, presetList, specHasAuto, SELECT_FILES } from '@asteris/select';
import { fieldChain, ref } from './chain.ts';
import { completenessStage, areaArcmin2, COMPLETENESS_FILES, type DepthSummary } from './completeness.ts';
import { engineFactory, stageHandler, type EngineChoice, type JobSpec, type StageResult } from './engine.ts';
import { acquireOutLock } from './lock.ts';
import { engineProgress, makeReporter, summaryTable, type Reporter, type StageRecord } from './progress.ts';
import { cacheRoot } from './runs.ts';
import { validateField, FieldValidationError, type Plan } from './validate.ts';
import { loadRunConfig, type RunConfig } from './config.ts';

/** The stages `asteris completeness` composes (a subset of the runner's STAGES: no simulate, lf, report). */
const COMPLETENESS_STAGES: Stage<any, any, any>[] = [injectStage, imagesStage, detectStage, photometryStage, selectStage, completenessStage];

/** Products written to --out (atomically): the model `asteris lf --completeness` reads, its figure, the depth, the field's own candidates and a record. */
export const REAL_COMPLETENESS_FILES = {
  completeness: 'completeness.json', figure: 'completeness.svg', depth: 'depth.json', candidates: 'candidates.csv', record: 'completeness-run.json', field: 'field',
} as const;

export interface RealCompletenessOptions {
  /** one field directory (docs/field-format.md), or two or more mosaic FITS files (band from FILTER or the file name; or BAND=file) */
  inputs: string[];
  out: string;
  /** preset name, JSON file, comma-separated list, or 'auto' (every built-in preset the field's bands allow; default) */
  preset?: string;
  /** injected galaxies per round, rounds, apparent rest-1500 Å magnitude range, redshift range, seed */
  injections?: number;
  rounds?: number;
  magRange?: [number, number];
  zRange?: [number, number];
  seed?: number;
  /** default 'none': a drizzled mosaic is one frame, so there is no exposure stack for a denoiser */
  denoiser?: string;
  detectBands?: string[];
  workers?: number;
  reporter?: Reporter;
  engine?: EngineChoice;
}

export interface RealCompletenessResult {
  out: string;
  completeness: string;
  figure: string;
  depth: string;
  candidates: string;
  field: string;
  presets: string[];
  /** presets of 'auto' left out, each with the bands the field lacks */
  dropped: { preset: string; missing: string[] }[];
  nInjected: number;
  areaArcmin2: number;
  stages: StageRecord[];
  summary: string;
  note: string;
}

const BAND_RE = /(?:^|[^a-z0-9])(f\d{3}(?:w2|w|m|n|lp))(?:[^a-z0-9]|$)/i;

/**
 * A field directory for a set of mosaics (one frame per band): `<dir>/field.json` listing each file as the
 * band's only exposure, the pixel scale from the first file's CD matrix. The band is `BAND=file`, else the
 * FILTER keyword, else an F###W-style token in the file name; every problem names its file.
 */
export function mosaicField(files: string[], dir: string, name = 'mosaics'): string {
  const bands: { name: string; exposures: string[] }[] = [];
  let pixelScale = NaN;
  let first: { file: string; shape: string } | undefined;
  for (const arg of files) {
    const m = /^([A-Za-z0-9]+)=(.+)$/.exec(arg);
    const file = resolve(m ? m[2]! : arg);
    if (!existsSync(file)) throw new FieldValidationError(file, [`${file}: no such mosaic file`]);
    if (statSync(file).isDirectory()) throw new FieldValidationError(file, [`${file}: is a directory; give either one field directory or mosaic FITS files`]);
    let sci: ImageHdu | undefined;
    try {
      const hdus = readFits(file);
      sci = (hdus.find((h) => h.kind === 'image' && h.name.toUpperCase() === 'SCI' && h.data) ?? hdus.find((h) => h.kind === 'image' && h.data)) as ImageHdu | undefined;
    } catch (e) {
      const msg = (e as Error).message;
      throw new FieldValidationError(file, [msg.includes(file) ? msg : `${file}: not a readable FITS mosaic (${msg})`]);
    }
    if (!sci) throw new FieldValidationError(file, [`${file}: no image data (expected a SCI extension or an image in the primary HDU)`]);
    if (sci.shape.length < 2 || sci.shape.slice(2).some((n) => n !== 1)) throw new FieldValidationError(file, [`${file}: image of shape ${sci.shape.join('×')}; a mosaic must be a 2-D image`]);
    const shape = `${sci.shape[0]}×${sci.shape[1]}`;
    if (first && first.shape !== shape) throw new FieldValidationError(file, [`${file}: shape ${shape} differs from ${first.shape} of ${first.file}; the mosaics must share one pixel grid`]);
    first ??= { file, shape };
    const band = (m?.[1] ?? sci.header.getString('FILTER')?.trim() ?? BAND_RE.exec(basename(file))?.[1] ?? '').toUpperCase();
    if (!band) throw new FieldValidationError(file, [`${file}: no FILTER keyword and no band in the file name; give it as BAND=${file}`]);
    if (bands.some((b) => b.name === band)) throw new FieldValidationError(file, [`${file}: band ${band} given twice`]);
    if (!Number.isFinite(pixelScale)) {
      const h = sci.header;
      const cd = [h.getNumber('CD1_1'), h.getNumber('CD1_2') ?? 0, h.getNumber('CD2_1') ?? 0, h.getNumber('CD2_2')];
      const det = cd[0] !== undefined && cd[3] !== undefined ? Math.abs(cd[0] * cd[3]! - cd[1]! * cd[2]!) : Math.abs((h.getNumber('CDELT1') ?? NaN) * (h.getNumber('CDELT2') ?? NaN));
      pixelScale = Math.sqrt(det) * 3600;
      if (!(pixelScale > 0 && pixelScale < 10)) throw new FieldValidationError(file, [`${file}: no usable celestial WCS (CD or CDELT keywords) for the pixel scale`]);
    }
    bands.push({ name: band, exposures: [file] });
  }
  if (bands.length < 2) throw new FieldValidationError(files[0] ?? dir, [`${files[0]}: one mosaic; the dropout selection needs at least two bands`]);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, FIELD_JSON), JSON.stringify({ name, pixelScale: Number(pixelScale.toPrecision(8)), bands }, null, 2) + '\n');
  return dir;
}

/**
 * The presets of a run: 'auto' keeps every built-in preset whose required bands the field has (the others
 * are returned in `dropped`, for a message) and fails when none is left; a named preset or list must be
 * usable as given (else checkPlan's error names the preset and the missing bands).
 */
export function choosePresets(preset: string, bands: string[], source: string): { presets: string[]; dropped: { preset: string; missing: string[] }[] } {
  const names = presetList(preset);
  const dropped: { preset: string; missing: string[] }[] = [];
  const keep: string[] = [];
  const problems: string[] = [];
  for (const n of names) {
    let p;
    try { p = loadPreset(n); } catch (e) { problems.push(`--preset ${n}: ${(e as Error).message}`); continue; }
    const missing = p.requiredBands.filter((b) => !bands.includes(b));
    if (!missing.length) keep.push(n);
    else if (specHasAuto(preset)) dropped.push({ preset: p.name, missing });
    else problems.push(`${source}: preset '${p.name}' needs ${missing.join(', ')}, which the field lacks (bands: ${bands.join(', ')})`);
  }
  if (!problems.length && !keep.length) {
    problems.push(`${source}: no built-in preset can run on bands ${bands.join(', ')} (${dropped.map((d) => `${d.preset} needs ${d.missing.join(', ')}`).join('; ')}); give one with --preset (e.g. two-band-f115w-f444w for F115W + F444W)`);
  }
  if (problems.length) throw new FieldValidationError(source, problems);
  return { presets: keep, dropped };
}


/** Injection–recovery completeness of a real field or set of mosaics; see the file comment. */
export async function runCompleteness(o: RealCompletenessOptions): Promise<RealCompletenessResult> {
  const out = resolve(o.out);
  const rep = o.reporter ?? makeReporter();
  if (!o.inputs.length) throw new FieldValidationError(out, ['no input: give a field directory or mosaic FITS files']);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new FieldValidationError(out, [`--out ${out}: is a file, not a directory`]);
  const created = !existsSync(out);
  const lock = await acquireOutLock(out, { command: `asteris completeness ${o.inputs.join(' ')}` });
  let ok = false;
  try {
    const res = await compose(o, out, rep);
    ok = true;
    return res;
  } finally {
    rep.close();
    lock.release();
    // a refused or failed run into a new --out leaves nothing behind (its field.json, cache and lock included)
    if (created && !ok) rmSync(out, { recursive: true, force: true });
  }
}

async function compose(o: RealCompletenessOptions, out: string, rep: Reporter): Promise<RealCompletenessResult> {
  // 1. The field: a directory as given, or a field made for the mosaics (under --out; the mosaics are read where they are).
  const one = o.inputs.length === 1 ? resolve(o.inputs[0]!) : null;
  const fieldDir = one && existsSync(one) && statSync(one).isDirectory()
    ? one
    : mosaicField(o.inputs, join(out, REAL_COMPLETENESS_FILES.field), basename(resolve(o.inputs[0]!)).replace(/[_-]?(sci|drz|i2d)?\.fits(\.gz)?$/i, '') || 'mosaics');
  const problems: string[] = [];
  const field: Field = loadField(fieldDir, { problems });
  const fj = join(field.dir, FIELD_JSON);
  const bands = field.bands.map((b) => b.name);
  const { presets, dropped } = choosePresets(o.preset ?? 'auto', bands, fj);
  if (dropped.length) rep.info(`presets restricted to the field's bands (${bands.join(', ')}): ${presets.join(', ')}; left out ${dropped.map((d) => `${d.preset} (needs ${d.missing.join(', ')})`).join(', ')}`);
  const zRange = o.zRange ?? [8.5, 17];
  const cfg: RunConfig = loadRunConfig(undefined, {
    denoiser: o.denoiser ?? 'none', preset: presets[0], workers: o.workers, detectBands: o.detectBands,
    injection: { n: o.injections ?? 150, rounds: o.rounds ?? 4, magRange: o.magRange ?? [25.5, 31], zRange, seed: o.seed ?? 12345 },
  });
  // every exposure (mosaic) checked up front: readable, one pixel grid, units; `preset` above is one usable preset
  const plan: Plan = { ...validateField(field, cfg, problems), presets };
  const presetLabel = presets.join(',');

  // 2. The DAG, as the runner builds it (run.ts): the field's chain, then per round an injected copy through the
  //    same chain with the field's detection thresholds, then the completeness stage over every round.
  const cache = cacheRoot(out);
  ensureDir(cache);
  const jobs: JobSpec[] = [];
  const job = (stage: Stage<any, any, any>, id: string, inputs: unknown, config: unknown, deps: string[], label = id): JobSpec =>
    ({ id, kind: stage.name, payload: { inputs, config, cache }, deps, label, group: 'completeness' });
  const chain = (pre: string, fieldIn: string | { $product: string; pick: string }, deps: string[], main?: string) =>
    fieldChain(jobs, (st, id, inp, conf, d) => job(st, id, inp, conf, d), cfg,
      { prefix: pre, label: (x) => `${pre}${x}`, field: fieldIn, deps, plan, pixelScale: field.pixelScale, main });
  const m = chain('', field.dir, []);
  const inj: { list: unknown; detect: unknown; select: unknown }[] = [];
  const injDeps: string[] = [];
  const { rounds, ...ic } = cfg.injection;
  for (let r = 0; r < rounds; r++) {
    const id = `inject#${r + 1}`;
    jobs.push(job(injectStage, id, { field: field.dir }, { ...ic, seed: cfg.injection.seed + r }, []));
    const c = chain(`inj${r + 1}/`, ref(id, 'field') as { $product: string; pick: string }, [id], m.detect);
    inj.push({ list: ref(id, 'list'), detect: ref(c.detect), select: ref(c.select) });
    injDeps.push(id, c.detect, c.select);
  }
  const geom = { width: field.width ?? 0, height: field.height ?? 0, pixelScale: field.pixelScale };
  jobs.push(job(completenessStage, 'completeness', {
    field: geom, refCoadd: ref(m.img(plan.detectBands[0]!), 'coadd'), main: { detect: ref(m.detect), select: ref(m.select) }, injected: inj,
  }, { injection: cfg.injection, preset: presetLabel, detectBands: plan.detectBands }, [m.detect, m.select, m.img(plan.detectBands[0]!), ...injDeps]));

  const records: StageRecord[] = [];
  const engine = engineFactory(o.engine)(COMPLETENESS_STAGES.map((s) => stageHandler(s, { log: (msg) => rep.info(msg) })), { cache, fields: [field.dir] });
  let results: Record<string, StageResult>;
  try {
    results = await engine.run(jobs, { onEvent: engineProgress(jobs, rep, records, false) }) as Record<string, StageResult>;
  } finally {
    await engine.close();
  }

  // 3. Products: copied atomically from the cache.
  const comp = results['completeness']!;
  const copy = (from: string, to: string) => writeFileAtomic(join(out, to), readFileSync(from));
  copy(join(comp.dir, COMPLETENESS_FILES.completeness), REAL_COMPLETENESS_FILES.completeness);
  copy(join(comp.dir, COMPLETENESS_FILES.figure), REAL_COMPLETENESS_FILES.figure);
  copy(join(comp.dir, COMPLETENESS_FILES.depth), REAL_COMPLETENESS_FILES.depth);
  copy(join(results[m.select]!.dir, SELECT_FILES.candidates), REAL_COMPLETENESS_FILES.candidates);
  const depth = JSON.parse(readFileSync(join(out, REAL_COMPLETENESS_FILES.depth), 'utf8')) as DepthSummary;
  const area = areaArcmin2(geom);
  const nInjected = cfg.injection.n * rounds;
  writeFileAtomic(join(out, REAL_COMPLETENESS_FILES.record), JSON.stringify({
    field: field.dir, inputs: o.inputs.map((f) => resolve(f.replace(/^[A-Za-z0-9]+=/, ''))), bands, presets, dropped, config: cfg, areaArcmin2: area,
    nInjected, finishedAt: new Date().toISOString(), stages: records,
  }, null, 2) + '\n');
  return {
    out, completeness: join(out, REAL_COMPLETENESS_FILES.completeness), figure: join(out, REAL_COMPLETENESS_FILES.figure),
    depth: join(out, REAL_COMPLETENESS_FILES.depth), candidates: join(out, REAL_COMPLETENESS_FILES.candidates), field: field.dir,
    presets, dropped, nInjected, areaArcmin2: area, stages: records, summary: summaryTable(records), note: depth.completenessNote ?? '',
  };
}
