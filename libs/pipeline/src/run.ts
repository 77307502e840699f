// `asteris run`: the whole chain from exposures to the luminosity function. Every stage is a call into
// its library; this module only composes them, keys their products in the cache, and publishes the
// user-facing products into the output directory.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { readFits, readImage, selectImageHdu, writeFits, Wcs, nJyPerPixelScale, type Image } from '@asteris/fits';
import { abMagFromNJy } from '@asteris/astro';
import { isFieldSpec, loadField, readExposureStack, readSpecFile, simulateField, injectSources, bandPsf, type Field } from '@asteris/sim';
import { coadd } from '@asteris/stack';
import { denoiseStack, resolveModel } from '@asteris/asteris';
import { extractSources, detectionImage, segRunsSource, type ExtractOptions, type Source } from '@asteris/extract';
import { calibrateThreshold, falseDetections, negated } from './threshold.ts';
import { forcedPhotometry, writeCatalogueCsv, writeCatalogueFits, loadEeTable, type BandInput } from '@asteris/photometry';
import { readCatalogueCsv, loadPreset, selectCandidates, writeFollowUpPackage, BUILTIN_PRESETS, photozCatalogue, comparePriority, type Candidate, type SelectionResult } from '@asteris/select';
import { runLuminosityFunction, writeLfProducts, readCandidatesCsv, readCompleteness, validateCompleteness, type CompletenessProduct } from '@asteris/lumfunc';
import { renderReport, imageToPng, stretchLimits, cutout, type CandidateRow, type OverviewPanel } from '@asteris/report';
import { ProductCache, type CacheEntry, type KeyParts } from './cache.ts';
import { hashFile, sha256, stableStringify } from './hash.ts';
import { codeVersion } from './code-version.ts';
import { CsvError, csvLine, parseCsv, parseCsvRecords, writeFileAtomic, type CsvTable } from '@asteris/core';
import { makeReporter, summaryTable, type Reporter, type StageRecord } from './progress.ts';
import { cacheRoot, writeRunRecord } from './runs.ts';
import { validateField } from './validate.ts';
import { completenessCurve, purityCurve, m90, recovered } from './depth.ts';
import type { RunConfig } from './config.ts';

export interface RunOptions {
  field: string;
  out: string;
  config: RunConfig;
  reporter?: Reporter;
  /** product version recorded in the provenance */
  version?: string;
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
}

const LW_BANDS = ['F277W', 'F356W', 'F410M', 'F444W'];
const MIN_FRAMES: Record<string, number> = { asteris4: 4, asteris8: 8 };

/** Runs (or resumes) the pipeline; products already in the cache with a valid key are reused. */
export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const out = resolve(o.out);
  const cfg = o.config;
  const rep = o.reporter ?? makeReporter();
  const cache = new ProductCache(cacheRoot(out));
  const records: StageRecord[] = [];
  const used: { stage: string; key: string }[] = [];
  const startedAt = new Date().toISOString();

  // Every stage's code version includes libs/pipeline, where its compute function lives.
  async function stage(label: string, name: string, parts: KeyParts, compute: (dir: string) => Promise<Record<string, unknown> | void>): Promise<CacheEntry> {
    const t0 = performance.now();
    rep.start(label);
    const { entry, cached } = await cache.getOrCompute(name, parts, compute);
    const rec: StageRecord = { stage: label, seconds: (performance.now() - t0) / 1000, cached, key: entry.key };
    rep.end(rec);
    records.push(rec);
    used.push({ stage: name, key: entry.key });
    return entry;
  }

  try {
    // 1. The field: a directory of exposures, or a spec that the simulator turns into one.
    let fieldDir = resolve(o.field);
    if (isFieldSpec(fieldDir)) {
      const specFile = join(fieldDir, 'field.json');
      const spec = readSpecFile(specFile);
      const e = await stage('simulate', 'simulate', { inputs: { spec: hashFile(specFile) }, config: {}, codeVersion: codeVersion(['sim', 'astro', 'fits', 'pipeline']) },
        async (dir) => { await simulateField(spec, dir, { workers: cfg.workers }); });
      fieldDir = e.dir;
    }
    const problems: string[] = [];
    const field = loadField(fieldDir, { problems });
    const denoiser = cfg.denoiser;
    const t0 = performance.now();
    rep.start('validate');
    let model: ReturnType<typeof resolveModel> | null = null;
    if (denoiser !== 'none') {
      try { model = resolveModel(denoiser, field.bands[0]?.name); } catch (err) { problems.push((err as Error).message); }
    }
    const minExp = model ? modelFrames(model.path, denoiser) : denoiser === 'none' ? 1 : (MIN_FRAMES[denoiser] ?? 1);
    const vb = validateField(field.name, field.bands, { minExposures: minExp, denoiser, problems });
    records.push({ stage: 'validate', seconds: (performance.now() - t0) / 1000, cached: false, note: `${vb.length} bands` });
    rep.end(records[records.length - 1]!);

    const detectBands = cfg.detectBands ?? (() => {
      const lw = field.bands.map((b) => b.name).filter((b) => LW_BANDS.includes(b));
      return lw.length ? lw : field.bands.map((b) => b.name);
    })();
    for (const b of detectBands) {
      if (!field.bands.some((x) => x.name === b)) throw new Error(`${field.dir}: detection band ${b} is not in the field (bands: ${field.bands.map((x) => x.name).join(', ')})`);
    }
    const presets = cfg.preset === 'auto' ? [...BUILTIN_PRESETS] : [cfg.preset];
    const presetHash = sha256(stableStringify(presets.map((p) => loadPreset(p)))).slice(0, 16);

    // 2–5. Images → detection → photometry → selection, for the field and (later) its injected copy.
    const main = await processField('', field, { stage, cfg, model, detectBands, presets, presetHash });

    // 6. Completeness and depth by injection–recovery through the same stages.
    let completenessFile: string | null = null;
    let depth: DepthSummary | null = null;
    if (cfg.injection.n > 0) {
      const injectEntries: { field: Field; list: string; chain: ChainProducts }[] = [];
      for (let r = 0; r < cfg.injection.rounds; r++) {
        const seed = cfg.injection.seed + r;
        const inj = await stage(`inject#${r + 1}`, 'inject', {
          inputs: { field: main.fieldHash }, config: { ...cfg.injection, seed, rounds: undefined }, codeVersion: codeVersion(['sim', 'astro', 'fits', 'pipeline']),
        }, async (dir) => {
          const res = injectSources(field.dir, join(dir, 'field'), {
            n: cfg.injection.n, mag: cfg.injection.magRange, kind: 'highz', zRange: cfg.injection.zRange, seed,
          });
          copyFileSync(res.listFile, join(dir, 'injected.csv'));
          return { n: res.sources.length };
        });
        const injField = loadField(join(inj.dir, 'field'));
        const chain = await processField(`inj${r + 1}/`, injField, { stage, cfg, model, detectBands, presets, presetHash, thresholds: main.thresholds });
        injectEntries.push({ field: injField, list: join(inj.dir, 'injected.csv'), chain });
      }
      const compEntry = await stage('completeness', 'completeness', {
        inputs: { main: main.selectKey, ...Object.fromEntries(injectEntries.map((e, i) => [`inj${i}`, e.chain.selectKey])) },
        config: { injection: cfg.injection, presets }, codeVersion: codeVersion(['pipeline']),
      }, async (dir) => {
        const { product, summary } = measureCompleteness(main, injectEntries, cfg, field, detectBands);
        writeFileAtomic(join(dir, 'completeness.json'), JSON.stringify(validateCompleteness(product), null, 2));
        writeFileAtomic(join(dir, 'depth.json'), JSON.stringify(summary, null, 2));
        return { gain: summary.gain };
      });
      completenessFile = join(compEntry.dir, 'completeness.json');
      depth = JSON.parse(readFileSync(join(compEntry.dir, 'depth.json'), 'utf8')) as DepthSummary;
    }

    // 7. Luminosity function.
    let lfDir: string | null = null;
    if (completenessFile) {
      const lfEntry = await stage('lf', 'lf', {
        inputs: { select: main.selectKey, completeness: hashFile(completenessFile) }, config: { lf: cfg.lf, seed: cfg.seed, oversample: simOversample(field) }, codeVersion: codeVersion(['lumfunc', 'astro', 'pipeline']),
      }, async (dir) => {
        const comp = readCompleteness(completenessFile!);
        // A simulated field whose high-z population was oversampled k× (sim spec) counts each candidate 1/k.
        const k = simOversample(field);
        const cands = readCandidatesCsv(join(main.selectDir, 'candidates.csv'), { skipInvalid: true })
          .map((c) => ({ ...c, weight: (c.weight ?? 1) / k }));
        const res = runLuminosityFunction(cands, comp, { seed: cfg.seed, ...(cfg.lf as object) });
        writeLfProducts(res, comp, dir, { png: true });
        return { nCandidates: cands.length, weight: 1 / k };
      });
      lfDir = lfEntry.dir;
    }

    // 8. Report.
    const reportEntry = await stage('report', 'report', {
      inputs: { main: main.selectKey, lf: lfDir ? basename(lfDir) : 'none', depth: depth ? stableStringify(depth) : 'none' },
      config: { version: o.version ?? '' }, codeVersion: codeVersion(['report', 'pipeline']),
    }, async (dir) => {
      const html = buildReport(field, main, depth, lfDir, cfg, model, o.version ?? '', records);
      writeFileAtomic(join(dir, 'index.html'), html);
    });

    // Publish user-facing products (small files are copied; images stay in the cache, listed in products.json).
    const publish = (src: string, dst: string) => {
      if (!existsSync(src)) return;
      mkdirSync(join(dst, '..'), { recursive: true });
      writeFileAtomic(dst, readFileSync(src));
    };
    publish(join(reportEntry.dir, 'index.html'), join(out, 'report', 'index.html'));
    for (const f of ['candidates.csv', 'candidates.ecsv', 'candidates.reg', 'msa_targets.txt', 'selection_log.csv']) {
      publish(join(main.selectDir, f), join(out, 'candidates', f));
    }
    publish(join(main.photDir, 'catalogue.csv'), join(out, 'catalogue.csv'));
    publish(join(main.photDir, 'catalogue.fits'), join(out, 'catalogue.fits'));
    if (lfDir) for (const f of ['lf.json', 'lf.csv', 'lf.svg', 'lf.png']) publish(join(lfDir, f), join(out, 'lf', f));
    if (completenessFile) publish(completenessFile, join(out, 'completeness.json'));
    const products = {
      images: Object.fromEntries(field.bands.map((b) => [b.name, main.images[b.name]])),
      detection: main.detectDir, catalogue: join(out, 'catalogue.csv'), candidates: join(out, 'candidates', 'candidates.csv'),
      lf: lfDir ? join(out, 'lf', 'lf.json') : null, report: join(out, 'report', 'index.html'),
    };
    writeFileAtomic(join(out, 'products.json'), JSON.stringify(products, null, 2));
    writeRunRecord(out, { version: o.version ?? '', field: resolve(o.field), startedAt, finishedAt: new Date().toISOString(), config: cfg, products: used, stages: records });
    return {
      out, report: products.report, candidates: products.candidates, catalogue: products.catalogue, lf: products.lf,
      stages: records, summary: summaryTable(records), depthGain: depth?.gain ?? null,
    };
  } finally {
    rep.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Per-field chain: images (co-add + denoise per band) → detection → photometry → selection.

interface ChainCtx {
  stage: (label: string, name: string, parts: KeyParts, compute: (dir: string) => Promise<Record<string, unknown> | void>) => Promise<CacheEntry>;
  cfg: RunConfig;
  model: ReturnType<typeof resolveModel> | null;
  detectBands: string[];
  presets: string[];
  presetHash: string;
  /** detection thresholds fixed by the main field (injected copies reuse them) */
  thresholds?: Thresholds;
}

interface Thresholds { coadd: number; denoised: number }

interface ChainProducts {
  fieldHash: string;
  /** per band: { coadd, denoised? } file paths */
  images: Record<string, { coadd: string; denoised?: string }>;
  detectDir: string;
  detectKey: string;
  photDir: string;
  selectDir: string;
  selectKey: string;
  thresholds: Thresholds;
}

function bandHash(files: string[]): string {
  return sha256(files.map((f) => hashFile(f)).join(','));
}

async function processField(prefix: string, field: Field, ctx: ChainCtx): Promise<ChainProducts> {
  const { stage, cfg, model } = ctx;
  const images: ChainProducts['images'] = {};
  const imageKeys: Record<string, string> = {};
  const bandHashes: string[] = [];
  for (const band of field.bands) {
    const h = bandHash(band.exposures);
    bandHashes.push(`${band.name}:${h}`);
    const e = await stage(`${prefix}images:${band.name}`, 'images', {
      inputs: { exposures: h, model: model?.sha256 ?? 'none' },
      config: { denoiser: cfg.denoiser, coadd: cfg.coadd, tileSize: cfg.tileSize },
      codeVersion: codeVersion(['stack', 'asteris', 'fits', 'pipeline']),
    }, async (dir) => {
      const stack = readExposureStack(band);
      const co = coadd(stack.images, stack.errs, cfg.coadd);
      writeFits(join(dir, 'coadd.fits'), [
        { header: co.image.header, data: co.image.data, shape: [co.image.width, co.image.height] },
        { name: 'ERR', header: co.err.header, data: co.err.data, shape: [co.err.width, co.err.height] },
      ]);
      if (model) {
        const res = await denoiseStack(stack.images, { model: model.path, band: band.name, tileSize: cfg.tileSize, workers: cfg.workers });
        writeFits(join(dir, 'denoised.fits'), [{ header: res.denoised.header, data: res.denoised.data, shape: [res.denoised.width, res.denoised.height] }]);
        writeFits(join(dir, 'raw.fits'), [{ header: res.coadd.header, data: res.coadd.data, shape: [res.coadd.width, res.coadd.height] }]);
        return { model: res.info.model, tileSize: res.info.tileSize };
      }
      return {};
    });
    imageKeys[band.name] = e.key;
    images[band.name] = { coadd: join(e.dir, 'coadd.fits'), ...(model ? { denoised: join(e.dir, 'denoised.fits') } : {}) };
  }
  const fieldHash = sha256(bandHashes.join('|'));

  // Detection on the inverse-variance-weighted sum of the detection bands (denoised when available).
  const detKey = ctx.detectBands.map((b) => imageKeys[b]).join(',');
  // Detection. The co-add detection image uses the configured threshold (SExtractor's 1.5σ by default).
  // A denoised detection image gets the lowest threshold at which its false-detection count (negated
  // image) is no higher than the co-add's (threshold.ts); injected copies reuse the main field's thresholds.
  const det = await stage(`${prefix}detect`, 'detect', {
    inputs: { images: detKey },
    config: { bands: ctx.detectBands, mode: cfg.detectMode, extract: cfg.extract, thresholds: ctx.thresholds ?? 'calibrate' },
    codeVersion: codeVersion(['extract', 'fits', 'pipeline']),
  }, async (dir) => {
    const base = { ...(cfg.extract as object), weight: { type: 'background' } } as ExtractOptions;
    const t0 = typeof cfg.extract['threshold'] === 'number' ? (cfg.extract['threshold'] as number) : 1.5;
    const { image, rmsNoise } = detectionImageOf(ctx.detectBands.map((b) => images[b]!), Boolean(model), cfg.detectMode);
    writeFits(join(dir, 'detection.fits'), [
      { header: image.header, data: image.data, shape: [image.width, image.height] },
      { name: 'ERR', data: rmsNoise, shape: [image.width, image.height] },
    ]);
    const co = model ? detectionImageOf(ctx.detectBands.map((b) => images[b]!), false, cfg.detectMode) : null;
    let thresholds: Thresholds = { coadd: t0, denoised: t0 };
    let calibration: unknown = null;
    if (ctx.thresholds) thresholds = ctx.thresholds;
    else if (co) {
      const nFalseCoadd = falseDetections(co.image, base, t0);
      const c = calibrateThreshold(image, base, Math.max(nFalseCoadd, 1), t0);
      thresholds = { coadd: t0, denoised: c.threshold };
      calibration = { nFalseCoadd, nFalseDenoised: c.nFalse, tried: c.tried };
    }
    const tMain = co ? thresholds.denoised : thresholds.coadd;
    const res = extractSources(image, { ...base, threshold: tMain });
    writeFits(join(dir, 'segmentation.fits'), [{ header: image.header.clone(), data: segRunsSource(res.segmentationRuns), shape: [image.width, image.height] }]);
    writeFileAtomic(join(dir, 'sources.json'), JSON.stringify(res.sources));
    // Negated image: spurious detections of noise, for the purity estimate.
    const resNeg = extractSources(negated(image), { ...base, threshold: tMain, maps: false });
    writeFileAtomic(join(dir, 'sources_negative.json'), JSON.stringify(resNeg.sources));
    // The co-add detection image through the same extraction, for the depth comparison.
    if (co) {
      const r2 = extractSources(co.image, { ...base, threshold: thresholds.coadd, maps: false });
      writeFileAtomic(join(dir, 'sources_coadd.json'), JSON.stringify(r2.sources));
      const r3 = extractSources(negated(co.image), { ...base, threshold: thresholds.coadd, maps: false });
      writeFileAtomic(join(dir, 'sources_coadd_negative.json'), JSON.stringify(r3.sources));
    }
    writeFileAtomic(join(dir, 'thresholds.json'), JSON.stringify({ ...thresholds, calibration }, null, 2));
    return { n: res.sources.length, nNegative: resNeg.sources.length, thresholds };
  });
  const thresholds = JSON.parse(readFileSync(join(det.dir, 'thresholds.json'), 'utf8')) as Thresholds;

  const phot = await stage(`${prefix}photometry`, 'photometry', {
    inputs: { detect: det.key, images: Object.values(imageKeys).join(',') }, config: cfg.photometry,
    codeVersion: codeVersion(['photometry', 'extract', 'fits', 'pipeline']),
  }, async (dir) => {
    const sources = JSON.parse(readFileSync(join(det.dir, 'sources.json'), 'utf8')) as Source[];
    // labels from the Int32 HDU's exact values (readImage's float32 would round labels above 2²⁴)
    const segPath = join(det.dir, 'segmentation.fits');
    const segmentation = Int32Array.from(selectImageHdu(readFits(segPath), undefined, segPath).data!);
    const bands: BandInput[] = field.bands.map((b) => {
      const files = images[b.name]!;
      const image = readImage(files.denoised ?? files.coadd);
      const err = readImage(files.coadd, { hdu: 'ERR' });
      const k = bandPsf(field, b.name, field.pixelScale);
      return { name: b.name, image, err, psf: { data: k.data, size: k.size } };
    });
    const ref = readImage(images[ctx.detectBands[0]!]!.coadd);
    const wcs = Wcs.fromHeader(ref.header);
    let eeTable;
    try { eeTable = loadEeTable('LW'); } catch { eeTable = undefined; }
    const cat = forcedPhotometry({ sources, segmentation }, bands, {
      ...(cfg.photometry as object), pixelScale: field.pixelScale, pixelToSky: (x, y) => wcs.pixelToSky(x, y), eeTable,
    } as Parameters<typeof forcedPhotometry>[2]);
    writeCatalogueCsv(join(dir, 'catalogue.csv'), cat);
    writeCatalogueFits(join(dir, 'catalogue.fits'), cat);
    return { rows: cat.rows.length };
  });

  const sel = await stage(`${prefix}select`, 'select', {
    inputs: { photometry: phot.key }, config: { presets: ctx.presets, presetHash: ctx.presetHash },
    codeVersion: codeVersion(['select', 'astro', 'pipeline']),
  }, async (dir) => {
    const cat = readCatalogueCsv(join(phot.dir, 'catalogue.csv'));
    const pz = photozCatalogue(cat, { keepPz: true });
    const stampImages = field.bands.flatMap((b) => [
      { band: b.name, kind: 'coadd' as const, path: images[b.name]!.coadd },
      ...(images[b.name]!.denoised ? [{ band: b.name, kind: 'denoised' as const, path: images[b.name]!.denoised! }] : []),
    ]);
    const results: SelectionResult[] = [];
    for (const p of ctx.presets) {
      const res = selectCandidates(cat, loadPreset(p), { photoz: pz });
      results.push(res);
      if (ctx.presets.length > 1) await writeFollowUpPackage(res, join(dir, 'presets', res.preset.name), { images: prefix ? undefined : stampImages });
    }
    // The union over presets (one row per object, tagged with every preset that selected it) is the
    // sample the LF and the report use, written as a full follow-up package.
    const union = unionSelection(results);
    await writeFollowUpPackage(union, dir, { images: prefix ? undefined : stampImages });
    // P(z) of every candidate on the photo-z grid (for the report), thinned to ≤ 200 points.
    const pzOut: Record<string, { z: number[]; p: number[] }> = {};
    for (const c of union.candidates) {
      const z = c.pz?.z;
      const p = c.pz?.pz;
      if (!z || !p) continue;
      const step = Math.max(1, Math.ceil(z.length / 200));
      const zi: number[] = [];
      const pi: number[] = [];
      for (let i = 0; i < z.length; i += step) { zi.push(Number(z[i]!.toFixed(4))); pi.push(Number(p[i]!.toPrecision(4))); }
      pzOut[c.id] = { z: zi, p: pi };
    }
    writeFileAtomic(join(dir, 'pz.json'), JSON.stringify(pzOut));
    return { selected: union.candidates.length, perPreset: Object.fromEntries(results.map((r) => [r.preset.name, r.candidates.length])) };
  });

  return { fieldHash, images, detectDir: det.dir, detectKey: det.key, photDir: phot.dir, selectDir: sel.dir, selectKey: sel.key, thresholds: { coadd: thresholds.coadd, denoised: thresholds.denoised } };
}

/** Union of several presets' selections: each object once (highest priority first), tagged with every preset. */
export function unionSelection(results: SelectionResult[]): SelectionResult {
  if (results.length === 1) return results[0]!;
  const byId = new Map<string, Candidate>();
  const tags = new Map<string, string[]>();
  for (const r of results) {
    for (const c of r.candidates) {
      tags.set(c.id, [...(tags.get(c.id) ?? []), r.preset.name]);
      const prev = byId.get(c.id);
      if (!prev || comparePriority(c, prev) < 0) byId.set(c.id, c);
    }
  }
  const candidates = [...byId.values()].map((c) => ({ ...c, preset: tags.get(c.id)!.join('+') })).sort(comparePriority);
  const first = results[0]!;
  const name = results.map((r) => r.preset.name).join('+');
  return {
    ...first,
    preset: { ...first.preset, name, citations: [...new Set(results.flatMap((r) => r.preset.citations))] },
    candidates,
    warnings: [...new Set(results.flatMap((r) => r.warnings))],
  };
}

/**
 * The detection image (extract.detectionImage: inverse-variance-weighted mean or χ-mean) of the detection
 * bands, each first converted to nJy per pixel so that detection fluxes are in nJy.
 */
function detectionImageOf(files: { coadd: string; denoised?: string }[], useDenoised: boolean, mode: 'ivw' | 'chi-mean'): { image: Image; rmsNoise: Float32Array } {
  const imgs: Image[] = [];
  const errs: Image[] = [];
  for (const f of files) {
    const img = readImage(useDenoised && f.denoised ? f.denoised : f.coadd);
    const err = readImage(f.coadd, { hdu: 'ERR' });
    const scale = nJyPerPixelScale(img.header);
    imgs.push({ ...img, data: img.data.map((v) => v * scale) });
    errs.push({ ...err, data: err.data.map((v) => v * scale) });
  }
  const { image, rms } = detectionImage(imgs, errs, mode);
  const header = image.header.clone();
  header.set('BUNIT', mode === 'ivw' ? 'nJy' : '', mode === 'ivw' ? 'inverse-variance-weighted mean, nJy per pixel' : 'chi-mean detection image');
  header.delete('PIXAR_SR');
  header.addHistory(`ASTERIS detection image (${mode}) from ${files.length} band(s), ${useDenoised ? 'denoised' : 'co-added'}`);
  return { image: { ...image, header }, rmsNoise: rms };
}

// ---------------------------------------------------------------------------------------------
// Completeness C(M_UV, z) of the selection and the detection depth (co-add vs denoised).

export interface DepthSummary {
  edges: number[];
  curves: { label: string; mag: number[]; completeness: number[]; purity: number[] }[];
  m90: Record<string, number | null>;
  gain: number | null;
  nInjected: number;
  /** detection thresholds (σ) used for the co-add and the denoised detection images */
  thresholds: Thresholds;
}

export interface InjectedRow { x: number; y: number; z: number; muv: number; mag: number; flux: Record<string, number> }

/** A CSV product of an earlier stage (RFC 4180 via @asteris/core; errors name the file and line). */
function readCsvFile(file: string): CsvTable {
  try {
    return parseCsv(readFileSync(file, 'utf8'), { file });
  } catch (e) {
    if (e instanceof CsvError && e.code === 'empty') return { header: [], rows: [], lines: [] };
    throw e;
  }
}

export function readInjected(file: string): InjectedRow[] {
  const { header: head, rows } = readCsvFile(file);
  const num = (c: string[], ...names: string[]) => {
    for (const n of names) { const i = head.indexOf(n); if (i >= 0) return Number(c[i]); }
    return NaN;
  };
  return rows.map((c) => {
    const flux: Record<string, number> = {};
    head.forEach((h, i) => { const m = /^flux_(.+)$/.exec(h); if (m) flux[m[1]!.toUpperCase()] = Number(c[i]); });
    return { x: num(c, 'x'), y: num(c, 'y'), z: num(c, 'z'), muv: num(c, 'muv', 'M_UV'), mag: num(c, 'mag', 'mag_in'), flux };
  });
}

function measureCompleteness(main: ChainProducts, inj: { field: Field; list: string; chain: ChainProducts }[], cfg: RunConfig, field: Field, detectBands: string[]) {
  const zEdges: number[] = [];
  for (let z = Math.floor(cfg.injection.zRange[0] * 2) / 2; z < cfg.injection.zRange[1] + 1e-9; z += 1) zEdges.push(Number(z.toFixed(2)));
  if (zEdges[zEdges.length - 1]! < cfg.injection.zRange[1]) zEdges.push(cfg.injection.zRange[1]);
  const mEdges: number[] = [];
  for (let m = -23; m <= -15 + 1e-9; m += 0.5) mEdges.push(m);
  const nz = zEdges.length - 1;
  const nm = mEdges.length - 1;
  const nInj = Array.from({ length: nz }, () => new Array<number>(nm).fill(0));
  const nSel = Array.from({ length: nz }, () => new Array<number>(nm).fill(0));
  const magEdges: number[] = [];
  for (let m = cfg.injection.magRange[0]; m <= cfg.injection.magRange[1] + 1e-9; m += 0.5) magEdges.push(Number(m.toFixed(2)));

  const wcs = Wcs.fromHeader(readImage(main.images[detectBands[0]!]!.coadd).header);
  const mainSel = readCandidatePositions(join(main.selectDir, 'candidates.csv'), wcs);
  const readSrc = (dir: string, f: string): Source[] => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) as Source[] : []);
  const det0 = readSrc(main.detectDir, 'sources.json');
  const det0co = readSrc(main.detectDir, 'sources_coadd.json');
  const injMags: number[] = [];
  const foundDen: boolean[] = [];
  const foundCo: boolean[] = [];
  for (const r of inj) {
    const rows = readInjected(r.list);
    const sel = readCandidatePositions(join(r.chain.selectDir, 'candidates.csv'), wcs);
    const selFound = recovered(rows, sel, mainSel, 2.5, 1.5);
    rows.forEach((row, i) => {
      const zi = bin(zEdges, row.z);
      const mi = bin(mEdges, row.muv);
      if (zi < 0 || mi < 0) return;
      nInj[zi]![mi]!++;
      if (selFound[i]) nSel[zi]![mi]!++;
    });
    const fluxDet = rows.map((row) => {
      const fs = detectBands.map((b) => row.flux[b]).filter((v): v is number => Number.isFinite(v));
      return fs.length ? fs.reduce((a, b) => a + b, 0) / fs.length : NaN;
    });
    injMags.push(...fluxDet.map((f) => (f > 0 ? abMagFromNJy(f) : NaN)));
    foundDen.push(...recovered(rows, readSrc(r.chain.detectDir, 'sources.json'), det0));
    if (existsSync(join(r.chain.detectDir, 'sources_coadd.json'))) foundCo.push(...recovered(rows, readSrc(r.chain.detectDir, 'sources_coadd.json'), det0co));
  }
  const completeness = nInj.map((row, zi) => row.map((n, mi) => (n > 0 ? nSel[zi]![mi]! / n : 0)));
  const areaArcmin2 = ((field.width ?? 0) * (field.height ?? 0) * field.pixelScale ** 2) / 3600;
  const product: CompletenessProduct = {
    preset: 'union of ' + cfg.preset, zEdges, mEdges, axis: 'M_UV', nInjected: nInj, nSelected: nSel, completeness, areaArcmin2,
    cosmology: { H0: 70, Om: 0.3 },
  };

  // Detection depth: completeness vs injected detection-band magnitude, purity from negative images.
  const magOf = (s: Source) => (s.fluxAuto > 0 ? abMagFromNJy(s.fluxAuto) : NaN);
  const curves: DepthSummary['curves'] = [];
  const m90s: Record<string, number | null> = {};
  const add = (label: string, found: boolean[], pos: Source[], neg: Source[]) => {
    const c = completenessCurve(injMags, found, magEdges);
    const p = purityCurve(pos.map(magOf), neg.map(magOf), magEdges);
    curves.push({ label, mag: c.centres, completeness: c.values, purity: p.values });
    m90s[label] = m90(c, p);
  };
  const isDenoised = existsSync(join(main.detectDir, 'sources_coadd.json'));
  if (isDenoised) add('co-add', foundCo, det0co, readSrc(main.detectDir, 'sources_coadd_negative.json'));
  add(isDenoised ? 'denoised' : 'co-add', foundDen, det0, readSrc(main.detectDir, 'sources_negative.json'));
  const gain = isDenoised && m90s['co-add'] !== null && m90s['denoised'] !== null ? m90s['denoised']! - m90s['co-add']! : null;
  return { product, summary: { edges: magEdges, curves, m90: m90s, gain, nInjected: injMags.length, thresholds: main.thresholds } satisfies DepthSummary };
}

function bin(edges: number[], v: number): number {
  if (!(v >= edges[0]!) || !(v < edges[edges.length - 1]!)) return -1;
  for (let i = 0; i < edges.length - 1; i++) if (v < edges[i + 1]!) return i;
  return -1;
}

export function readCandidatePositions(file: string, wcs: Wcs): { x: number; y: number }[] {
  if (!existsSync(file)) return [];
  const { header: head, rows } = readCsvFile(file);
  if (rows.length === 0) return [];
  const xi = head.indexOf('x');
  const yi = head.indexOf('y');
  const ri = head.indexOf('ra');
  const di = head.indexOf('dec');
  if ((xi < 0 || yi < 0) && (ri < 0 || di < 0)) throw new Error(`${file}: candidates need x/y or ra/dec columns for injection–recovery matching`);
  return rows.map((c) => {
    if (xi >= 0 && yi >= 0) return { x: Number(c[xi]), y: Number(c[yi]) };
    const [x, y] = wcs.skyToPixel(Number(c[ri]), Number(c[di]));
    return { x, y };
  });
}

// ---------------------------------------------------------------------------------------------

function buildReport(field: Field, main: ChainProducts, depth: DepthSummary | null, lfDir: string | null, cfg: RunConfig,
  model: ReturnType<typeof resolveModel> | null, version: string, records: StageRecord[]): string {
  const overview: OverviewPanel[] = [];
  const showBands = [...new Set([...(cfg.detectBands ?? []), ...field.bands.map((b) => b.name).filter((b) => LW_BANDS.includes(b)).slice(-1), field.bands[0]!.name])].slice(0, 2);
  for (const b of showBands) {
    const f = main.images[b];
    if (!f) continue;
    const co = readImage(f.coadd);
    const de = f.denoised ? readImage(f.denoised) : null;
    const lim = stretchLimits(de ? [co.data, de.data] : [co.data], 1, 99.8);
    const s = { ...lim, kind: 'asinh' as const, soft: 0.02 };
    const zoom = Math.max(1, Math.floor(540 / co.width));
    const zooms: OverviewPanel['zooms'] = [];
    const z = Math.min(96, Math.floor(co.width / 4));
    const cx = co.width / 2;
    const cy = co.height / 2;
    const zc = cutout(co.data, co.width, co.height, cx, cy, z);
    const zd = de ? cutout(de.data, de.width, de.height, cx, cy, z) : null;
    zooms.push({ label: `centre ${z}×${z} px`, coaddPng: imageToPng(zc, z, z, s, { zoom: 2 }), ...(zd ? { denoisedPng: imageToPng(zd, z, z, s, { zoom: 2 }) } : {}) });
    overview.push({
      band: b, coaddPng: imageToPng(co.data, co.width, co.height, s, { zoom }), ...(de ? { denoisedPng: imageToPng(de.data, de.width, de.height, s, { zoom }) } : {}),
      zooms, stretch: `asinh, limits ${lim.lo.toPrecision(3)} … ${lim.hi.toPrecision(3)} (${co.header.getString('BUNIT') ?? 'data units'})`,
    });
  }
  const candidates: CandidateRow[] = [];
  const cfile = join(main.selectDir, 'candidates.csv');
  if (existsSync(cfile)) {
    const { header: head, rows } = readCsvFile(cfile);
    const g = (c: string[], n: string) => { const i = head.indexOf(n); return i >= 0 ? c[i]! : ''; };
    const stampDirs = [main.selectDir, ...(existsSync(join(main.selectDir, 'presets')) ? readdirSafe(join(main.selectDir, 'presets')).map((p) => join(main.selectDir, 'presets', p)) : [])];
    const pzFile = join(main.selectDir, 'pz.json');
    const pzs = existsSync(pzFile) ? JSON.parse(readFileSync(pzFile, 'utf8')) as Record<string, { z: number[]; p: number[] }> : {};
    for (const c of rows.slice(0, 200)) {
      const id = g(c, 'id');
      const stamp = stampDirs.map((d) => join(d, 'stamps', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.png`)).find((p) => existsSync(p));
      const num = (n: string) => { const t = g(c, n); const v = t === '' ? NaN : Number(t); return Number.isFinite(v) ? v : NaN; };
      candidates.push({
        id, ra: num('ra'), dec: num('dec'), zPhot: num('z_phot'), zLo: num('z_lo68'), zHi: num('z_hi68'), pHighZ: num('p_z_gt7'),
        muv: num('muv'), mag: num('ref_mag'), snr: num('snr_det'), preset: g(c, 'preset'),
        ...(stamp ? { stampPng: readFileSync(stamp) } : {}),
        ...(pzs[id] ? { pz: pzs[id] } : {}),
      });
    }
  }
  const lfSvg = lfDir && existsSync(join(lfDir, 'lf.svg')) ? readFileSync(join(lfDir, 'lf.svg'), 'utf8') : undefined;
  const areaArcmin2 = ((field.width ?? 0) * (field.height ?? 0) * field.pixelScale ** 2) / 3600;
  return renderReport({
    title: `ASTERIS Cosmic Dawn run: ${field.name}`,
    generatedAt: new Date().toISOString(),
    field: {
      name: field.name, bands: field.bands.map((b) => b.name), width: field.width ?? 0, height: field.height ?? 0, pixelScale: field.pixelScale,
      areaArcmin2, nExposures: Object.fromEntries(field.bands.map((b) => [b.name, b.exposures.length])),
    },
    overview,
    ...(depth ? { depth: { curves: depth.curves, m90: depth.m90, gain: depth.gain, note: `${depth.nInjected} injected high-z galaxies. Detection thresholds: co-add ${depth.thresholds.coadd}σ, denoised ${depth.thresholds.denoised}σ (the lowest at which the denoised image has no more negative-image detections than the co-add).` } } : {}),
    candidates,
    ...(lfSvg ? { lfSvg } : {}),
    provenance: {
      'asteris version': version, denoiser: cfg.denoiser, model: model ? `${basename(model.path)} (sha256 ${model.sha256})` : 'none',
      'co-add': cfg.coadd, 'selection presets': cfg.preset, injections: `${cfg.injection.n} × ${cfg.injection.rounds}`, seed: cfg.seed,
      'field directory': field.dir, node: process.version,
      ...(simOversample(field) !== 1 ? { 'LF weighting': `simulated high-z population oversampled ×${simOversample(field)}: each candidate counts 1/${simOversample(field)}` } : {}), config: stableStringify(cfg),
    },
    stages: records.map((r) => ({ stage: r.stage, status: r.cached ? `cached (${r.key})` : `computed (${r.key ?? '-'})`, seconds: r.seconds })),
  });
}

/** Frames T a model needs: from the sidecar `<model>.onnx.json` written by the trainer, else by name. */
function modelFrames(path: string, name: string): number {
  const side = `${path}.json`;
  if (existsSync(side)) {
    try {
      const t = (JSON.parse(readFileSync(side, 'utf8')) as { frames?: number }).frames;
      if (typeof t === 'number' && t > 0) return t;
    } catch { /* fall through */ }
  }
  return MIN_FRAMES[name] ?? (/asteris4/i.test(path) ? 4 : 8);
}

/** High-z oversampling factor of a simulated field (1 for real fields). */
function simOversample(field: Field): number {
  const spec = field.meta['spec'] as { populations?: { highz?: { oversample?: number } } } | undefined;
  const k = spec?.populations?.highz?.oversample;
  return field.simulated && typeof k === 'number' && k > 0 ? k : 1;
}

function readdirSafe(d: string): string[] {
  try { return readdirSync(d); } catch { return []; }
}
