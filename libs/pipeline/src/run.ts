// `asteris run`: the runner. It validates everything up front (validate.ts), turns one field or a survey
// (a list of fields, one LF over all) into a DAG of stage jobs (ENGINE-INTERFACE.md) and hands it to an
// engine (the in-process one by default). It knows each stage only through the stage contract
// (@asteris/core Stage): names, config sections, product references and what to publish.
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureDir, writeFileAtomic, type Stage } from '@asteris/core';
import { loadField, isFieldSpec, FIELD_JSON, type Field } from '@asteris/field';
import { simulateStage, injectStage, simOversample, readSpecFile } from '@asteris/sim';
import { imagesStage, modelSummary } from '@asteris/asteris';
import { detectStage } from '@asteris/extract';
import { photometryStage, PHOTOMETRY_FILES } from '@asteris/photometry';
import { selectStage, SELECT_FILES } from '@asteris/select';
import { lfStage, LF_FILES } from '@asteris/lumfunc';
import { reportStage, REPORT_FILES } from '@asteris/report';
import { completenessStage, areaArcmin2, type DepthSummary, type FourNumbers } from './completeness.ts';
import { checkEngine, engineFactory, stageHandler, type EngineChoice, type JobHandler, type JobSpec, type StageHandlerOptions, type StageResult } from './engine.ts';
import { acquireOutLock } from './lock.ts';
import { stableStringify } from './hash.ts';
import { engineProgress, makeReporter, summaryTable, type Reporter, type StageRecord } from './progress.ts';
import { cacheRoot, productsPath, writeRunRecord } from './runs.ts';
import { fieldChain, ref } from './chain.ts';
import { checkPlan, validateField, FieldValidationError, LW_BANDS, type Plan } from './validate.ts';
import type { RunConfig } from './config.ts';

export type { DepthSummary, FourNumbers };

/** Every stage the runner composes, registered as job handlers by name. */
export const STAGES: Stage<any, any, any>[] = [simulateStage, injectStage, imagesStage, detectStage, photometryStage, selectStage, completenessStage, lfStage, reportStage];

/** Every stage as a job handler: what `asteris worker` serves and what the runner enqueues. */
export function stageHandlers(opts: StageHandlerOptions = {}): JobHandler<any, any>[] {
  return STAGES.map((s) => stageHandler(s, opts));
}

export interface RunOptions {
  /** a field directory, a simulation spec directory, or a survey file (survey.json) */
  field: string;
  out: string;
  config: RunConfig;
  reporter?: Reporter;
  /** product version recorded in the provenance */
  version?: string;
  /** the engine (default: in-process; `{ kind: 'bullmq', redis }` for `asteris worker`s) */
  engine?: EngineChoice;
}

export interface RunResult {
  out: string;
  report: string;
  candidates: string;
  catalogue: string;
  lf: string | null;
  stages: StageRecord[];
  summary: string;
  depthGain: number | null;
  /** the run's four numbers (depth.json `four`), null without injections */
  four: FourNumbers | null;
}

export const SURVEY_KIND = 'asteris-survey';

/** A survey file: {"kind": "asteris-survey", "name": …, "fields": [paths relative to the file]}. */
export function readSurvey(file: string): { name: string; fields: string[] } {
  let s: { kind?: unknown; name?: unknown; fields?: unknown };
  try { s = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new FieldValidationError(file, [`${file}: not a readable JSON survey file (${(e as Error).message})`]); }
  if (!Array.isArray(s.fields) || !s.fields.length || s.fields.some((f) => typeof f !== 'string')) {
    throw new FieldValidationError(file, [`${file}: fields must be a non-empty array of field directories`]);
  }
  return { name: typeof s.name === 'string' ? s.name : 'survey', fields: (s.fields as string[]).map((f) => resolve(dirname(file), f)) };
}

/** --out must be a directory or creatable as one (its first existing ancestor a directory). */
function checkOut(out: string): void {
  let p = out;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (!statSync(p).isDirectory()) throw new FieldValidationError(out, [`--out ${out}: ${p} is a file, not a directory`]);
}


/** Runs (or resumes) the pipeline; products already in the cache with a valid key are reused. */
export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const out = resolve(o.out);
  const cfg = o.config;
  const rep = o.reporter ?? makeReporter();
  const cache = cacheRoot(out);
  const startedAt = new Date().toISOString();
  const records: StageRecord[] = [];
  const src = resolve(o.field);
  const isSurvey = src.endsWith('.json') && existsSync(src) && statSync(src).isFile();
  checkOut(out);
  const created = !existsSync(out);
  // One run per --out (lock.ts), first, before any write; a killed run's temporaries are removed.
  const lock = await acquireOutLock(out, { command: `asteris run ${o.field}` });
  if (lock.tookOver) rep.info(`took over the lock of a run that is gone (pid ${lock.tookOver.pid})`);
  if (lock.removedDebris.length) rep.info(`removed ${lock.removedDebris.length} temporary file(s) left by a killed run`);
  let engine: ReturnType<ReturnType<typeof engineFactory>> | undefined;
  try {
    const fieldDirs = isSurvey ? readSurvey(src).fields : [src];
    // bad input is named before any service is contacted (the BullMQ engine connects to Redis first)
    if (o.engine && typeof o.engine !== 'function' && o.engine.kind === 'bullmq') validateInputs(fieldDirs, cfg, src);
    await checkEngine(o.engine);
    engine = engineFactory(o.engine)(stageHandlers({ log: (m) => rep.info(m) }), { cache, fields: fieldDirs });
    return await compose(o, { out, cfg, rep, cache, startedAt, records, src, fieldDirs, engine });
  } finally {
    await engine?.close();
    rep.close();
    lock.release();
    // a run refused before any work leaves no output directory behind (rmdir: only if still empty)
    if (created) try { rmdirSync(out); } catch { /* has products: keep */ }
  }
}

/**
 * The up-front checks of compose() that need no engine: a spec's plan, and a field's exposures and plan. A spec's
 * simulated exposures are checked after its simulation, in compose().
 */
function validateInputs(fieldDirs: string[], cfg: RunConfig, src: string): void {
  const problems: string[] = [];
  for (const d of fieldDirs) {
    if (isFieldSpec(d)) {
      const s = join(d, FIELD_JSON);
      checkPlan(s, readSpecFile(s).bands.map((b) => b.name), cfg, problems);
      continue;
    }
    const fp: string[] = [];
    try { validateField(loadField(d, { problems: fp }), cfg, fp); } catch (e) { if (!(e instanceof FieldValidationError)) throw e; problems.push(...e.problems); }
  }
  if (problems.length) throw new FieldValidationError(src, problems);
}

interface RunContext {
  out: string; cfg: RunConfig; rep: Reporter; cache: string; startedAt: string; records: StageRecord[];
  src: string; fieldDirs: string[]; engine: ReturnType<ReturnType<typeof engineFactory>>;
}

async function compose(o: RunOptions, c: RunContext): Promise<RunResult> {
  const { out, cfg, rep, cache, startedAt, records, src, fieldDirs, engine } = c;
  const results: Record<string, StageResult> = {};
  const run = async (jobs: JobSpec[]) => {
    ensureDir(cache); // only once validation passed: a refused run leaves no cache behind
    const res = await engine.run(jobs, { onEvent: engineProgress(jobs, rep, records, fieldDirs.length > 1) }) as Record<string, StageResult>;
    Object.assign(results, res);
  };
  const job = (stage: Stage<any, any, any>, id: string, inputs: unknown, config: unknown, deps: string[], label: string, group: string): JobSpec =>
    ({ id, kind: stage.name, payload: { inputs, config, cache }, deps, label, group });

  {
    // 1. Up front, before any computation: config, presets, denoiser and bands of every field (specs too).
    const problems: string[] = [];
    const specs = fieldDirs.map((d) => (isFieldSpec(d) ? join(d, FIELD_JSON) : null));
    specs.forEach((s) => { if (s) checkPlan(s, readSpecFile(s).bands.map((b) => b.name), cfg, problems); });
    if (problems.length) throw new FieldValidationError(src, problems);
    // 2. Simulation specs become fields; then every exposure is checked.
    const simJobs = specs.flatMap((s, i) => (s ? [job(simulateStage, `f${i}/simulate`, { spec: s, workers: cfg.workers }, {}, [], 'simulate', `f${i}`)] : []));
    if (simJobs.length) await run(simJobs);
    const fp = fieldDirs.map(() => [] as string[]);
    const fields: Field[] = fieldDirs.map((d, i) => loadField(specs[i] ? results[`f${i}/simulate`]!.dir : d, { problems: fp[i] }));
    const plans = fields.map((f, i) => {
      try { return validateField(f, cfg, fp[i]); } catch (e) { if (!(e instanceof FieldValidationError)) throw e; problems.push(...e.problems); return null; }
    });
    if (problems.length) throw new FieldValidationError(src, problems);

    // 3. The DAG: per field images → detect → photometry → select, injected copies, completeness, report; one LF.
    const jobs: JobSpec[] = [];
    const names = fields.map((f, i) => (fields.findIndex((g) => g.name === f.name) === i ? f.name : `${f.name}-${i}`));
    const chain = (g: string, pre: string, field: string | { $product: string; pick: string }, deps: string[], plan: Plan, pixelScale: number, main?: string) =>
      fieldChain(jobs, (st, id, inp, conf, d, label) => job(st, id, inp, conf, d, label, g), cfg, {
        prefix: `${g}/${pre}`, label: (s) => `${fields.length > 1 ? `${g}: ` : ''}${pre}${s}`, field, deps, plan, pixelScale, main,
        coaddPath: !main && cfg.denoiser !== 'none' && cfg.injection.n > 0,
      });
    const lfFields: { candidates: unknown; completeness: unknown; oversample: number }[] = [];
    const lfDeps: string[] = [];
    const perField = fields.map((f, i) => {
      const g = names[i]!;
      const plan = plans[i]! as Plan;
      const m = chain(g, '', f.dir, [], plan, f.pixelScale);
      let comp: string | null = null;
      if (cfg.injection.n > 0) {
        const inj: { list: unknown; detect: unknown; select: unknown }[] = [];
        const injDeps: string[] = [];
        for (let r = 0; r < cfg.injection.rounds; r++) {
          const id = `${g}/inject#${r + 1}`;
          const { rounds: _rounds, ...ic } = cfg.injection;
          jobs.push(job(injectStage, id, { field: f.dir }, { ...ic, seed: cfg.injection.seed + r }, [], `${fields.length > 1 ? `${g}: ` : ''}inject#${r + 1}`, g));
          const c = chain(g, `inj${r + 1}/`, ref(id, 'field') as { $product: string; pick: string }, [id], plan, f.pixelScale, m.detect);
          inj.push({ list: ref(id, 'list'), detect: ref(c.detect), select: ref(c.select) });
          injDeps.push(id, c.detect, c.select);
        }
        comp = `${g}/completeness`;
        jobs.push(job(completenessStage, comp, {
          field: { width: f.width ?? 0, height: f.height ?? 0, pixelScale: f.pixelScale }, refCoadd: ref(m.img(plan.detectBands[0]!), 'coadd'),
          main: { detect: ref(m.detect), select: ref(m.select) }, injected: inj, ...(m.coaddSelect ? { coaddSelect: ref(m.coaddSelect) } : {}),
        }, { injection: cfg.injection, preset: cfg.preset, detectBands: plan.detectBands }, [m.detect, m.select, m.img(plan.detectBands[0]!), ...injDeps, ...(m.coaddSelect ? [m.coaddSelect] : [])], `${fields.length > 1 ? `${g}: ` : ''}completeness`, g));
        lfFields.push({ candidates: ref(m.select, 'candidates'), completeness: ref(comp, 'completeness'), oversample: simOversample(f) });
        lfDeps.push(m.select, comp);
      }
      return { g, f, plan, m, comp };
    });
    const lfId = lfFields.length ? 'lf' : null;
    if (lfId) jobs.push(job(lfStage, lfId, { fields: lfFields }, { seed: cfg.seed, ...cfg.lf }, lfDeps, 'lf', 'survey'));
    for (const { g, f, plan, m, comp } of perField) {
      const own = jobs.filter((j) => j.group === g || j.id === lfId).map((j) => j.id);
      const k = simOversample(f);
      jobs.push(job(reportStage, `${g}/report`, {
        field: { name: f.name, bands: plan.bands, width: f.width ?? 0, height: f.height ?? 0, pixelScale: f.pixelScale, areaArcmin2: areaArcmin2({ width: f.width ?? 0, height: f.height ?? 0, pixelScale: f.pixelScale }), nExposures: Object.fromEntries(f.bands.map((b) => [b.name, b.exposures.length])) },
        images: m.images, select: ref(m.select), ...(lfId ? { lf: ref(lfId) } : {}), ...(comp ? { depth: ref(comp, 'depth') } : {}),
        stages: own.map((id) => ({ stage: jobs.find((j) => j.id === id)!.label ?? id, result: { $result: id } })),
      }, {
        title: `ASTERIS Cosmic Dawn run: ${f.name}`,
        showBands: [...new Set([...(cfg.detectBands ?? []), ...plan.bands.filter((b) => LW_BANDS.includes(b)).slice(-1), plan.bands[0]!])].slice(0, 2),
        provenance: {
          'asteris version': o.version ?? '', denoiser: cfg.denoiser, model: modelSummary(cfg.denoiser, plan.bands),
          'co-add': cfg.coadd, 'selection presets': cfg.preset, injections: `${cfg.injection.n} × ${cfg.injection.rounds}`, seed: cfg.seed,
          'field directory': fieldDirs[fields.indexOf(f)]!, node: process.version,
          ...(k !== 1 ? { 'LF weighting': `simulated high-z population oversampled ×${k}: each candidate counts 1/${k}` } : {}), config: stableStringify(cfg),
        },
      }, own, `${fields.length > 1 ? `${g}: ` : ''}report`, g));
    }
    await run(jobs);

    // 4. Publish user-facing products (small files are copied; images stay in the cache, listed in products.json).
    const publish = (stageName: string, id: string, dest: string) => {
      const st = STAGES.find((s) => s.name === stageName)!;
      for (const [file, to] of Object.entries(st.publish ?? {})) {
        const from = join(results[id]!.dir, file);
        if (!existsSync(from)) continue;
        mkdirSync(dirname(join(dest, to)), { recursive: true });
        writeFileAtomic(join(dest, to), readFileSync(from));
      }
    };
    const at = (g: string) => (fields.length > 1 ? join(out, g) : out);
    for (const { g, comp } of perField) {
      for (const s of ['report', 'select', 'photometry']) publish(s, `${g}/${s}`, at(g));
      if (comp) publish('completeness', comp, at(g));
    }
    if (lfId) publish('lf', lfId, out);
    const first = perField[0]!;
    const products = {
      images: Object.fromEntries(first.plan.bands.map((b) => [b, (results[first.m.img(b)]!.product)])),
      detection: results[first.m.detect]!.dir, catalogue: join(at(first.g), photometryStage.publish![PHOTOMETRY_FILES.csv]!),
      candidates: join(at(first.g), selectStage.publish![SELECT_FILES.candidates]!),
      lf: lfId ? join(out, lfStage.publish![LF_FILES.json]!) : null, report: join(at(first.g), reportStage.publish![REPORT_FILES.html]!),
      ...(fields.length > 1 ? { fields: names.map((g) => at(g)) } : {}),
    };
    writeFileAtomic(productsPath(out), JSON.stringify(products, null, 2));
    const used = Object.values(results).map((r) => ({ stage: r.stage, key: r.key }));
    writeRunRecord(out, { version: o.version ?? '', field: src, startedAt, finishedAt: new Date().toISOString(), config: cfg, products: used, stages: records });
    const depth = first.comp ? (results[first.comp]!.product as { depth: DepthSummary }).depth : null;
    return {
      out, report: products.report, candidates: products.candidates, catalogue: products.catalogue, lf: products.lf,
      stages: records, summary: summaryTable(records), depthGain: depth?.gain ?? null, four: depth?.four ?? null,
    };
  }
}
