// The stage contract as the runner uses it: per-band models in the images stage's key, strict config
// sections, the dependency-closure code version, and the in-process engine's DAG order and path checks.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesStage } from '@asteris/asteris';
import { simulateStage } from '@asteris/sim';
import { cacheKey } from '../src/cache.ts';
import { localEngine } from '@asteris/engine';
import { stageHandler, stageKeyParts, CACHED, type JobHandler } from '../src/engine.ts';
import { dependencyClosure } from '../src/code-version.ts';
import { loadRunConfig, ConfigError } from '../src/config.ts';
import { STAGES } from '../src/run.ts';
import { tinyField } from '../../field/test/fixture.ts';
import { z } from 'zod';

const tmp = mkdtempSync(join(tmpdir(), 'stages-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const saved = process.env.ASTERIS_MODEL_DIR;
afterEach(() => { if (saved === undefined) delete process.env.ASTERIS_MODEL_DIR; else process.env.ASTERIS_MODEL_DIR = saved; });

describe('images stage: every band gets its own model (issue #16/#14)', () => {
  it('resolves the SW model for F150W and the LW model for F444W, and each model enters only its band key', () => {
    const field = tinyField(join(tmp, 'f'), [{ name: 'F150W', n: 4 }, { name: 'F444W', n: 4 }]);
    const models = join(tmp, 'models');
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, 'asteris4_nrcshort.onnx'), 'short-wavelength model');
    writeFileSync(join(models, 'asteris4_nrclong.onnx'), 'long-wavelength model v1');
    process.env.ASTERIS_MODEL_DIR = models;
    const cfg = imagesStage.schema.parse({ denoiser: 'asteris4', coadd: 'clipped-mean' });
    expect(imagesStage.dataFiles({ field, band: 'F150W' }, cfg)).toContain(join(models, 'asteris4_nrcshort.onnx'));
    expect(imagesStage.dataFiles({ field, band: 'F444W' }, cfg)).toContain(join(models, 'asteris4_nrclong.onnx'));
    const key = (band: string) => cacheKey('images', stageKeyParts(imagesStage, { field, band }, cfg, []));
    const [sw1, lw1] = [key('F150W'), key('F444W')];
    writeFileSync(join(models, 'asteris4_nrclong.onnx'), 'long-wavelength model v2');
    expect(key('F150W')).toBe(sw1);
    expect(key('F444W')).not.toBe(lw1);
  });
});


describe('config sections are the stages\' strict schemas', () => {
  it('{"extract":{"treshold":3}} fails naming extract.treshold', () => {
    const f = join(tmp, 'typo.json');
    writeFileSync(f, JSON.stringify({ extract: { treshold: 3 } }));
    expect(() => loadRunConfig(f)).toThrow(ConfigError);
    expect(() => loadRunConfig(f)).toThrow(/typo\.json: invalid configuration: extract\.treshold: unknown key/);
  });
  it('names nested keys of photometry and lf sections, and accepts valid ones', () => {
    const f = join(tmp, 'nested.json');
    writeFileSync(f, JSON.stringify({ photometry: { noise: { nApertures: 100, bogus: 1 } }, lf: { nStep: 10 } }));
    expect(() => loadRunConfig(f)).toThrow(/photometry\.noise\.bogus: unknown key.*lf\.nStep: unknown key/);
    writeFileSync(f, JSON.stringify({ extract: { threshold: 3 }, photometry: { apertureRadii: [2, 4] }, lf: { nSteps: 10 } }));
    expect(loadRunConfig(f).extract.threshold).toBe(3);
  });
});

describe('code version and registry', () => {
  it('comes from the package dependency closure (sim, core, field included where used)', () => {
    const c = dependencyClosure('@asteris/photometry');
    for (const p of ['@asteris/photometry', '@asteris/extract', '@asteris/fits', '@asteris/core', '@asteris/field', '@asteris/sim']) expect(c).toContain(p);
    expect(dependencyClosure('@asteris/fits')).toEqual(['@asteris/core', '@asteris/fits']);
  });
  it('registers every stage once, each with a strict schema and its product file names', () => {
    const names = STAGES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['simulate', 'inject', 'images', 'detect', 'photometry', 'select', 'completeness', 'lf', 'report']);
    for (const s of STAGES) expect(Object.keys(s.files).length).toBeGreaterThan(0);
  });
});

describe('local engine', () => {
  it('runs jobs in dependency order, passes dep results, refuses paths outside the roots', async () => {
    const order: string[] = [];
    const h: JobHandler<{ n: number; path?: string }, number> = {
      kind: 'add', schema: z.object({ n: z.number(), path: z.string().optional() }).strict(),
      paths: (p) => (p.path ? [p.path] : []),
      async run(p, ctx) { order.push(ctx.id); return p.n + Object.values(ctx.deps).reduce((a: number, b) => a + (b as number), 0); },
    };
    const eng = localEngine([h], { roots: { cache: tmp, fields: [] } });
    const res = await eng.run([
      { id: 'c', kind: 'add', payload: { n: 1 }, deps: ['a', 'b'] },
      { id: 'a', kind: 'add', payload: { n: 2 }, deps: [] },
      { id: 'b', kind: 'add', payload: { n: 3 }, deps: ['a'] },
    ]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(res).toEqual({ a: 2, b: 5, c: 8 });
    await expect(eng.run([{ id: 'x', kind: 'add', payload: { n: 1, path: join(tmp, '..', 'elsewhere') }, deps: [] }])).rejects.toThrow(/outside the worker's roots/);
    await expect(eng.run([{ id: 'y', kind: 'add', payload: { n: 'one' }, deps: [] }])).rejects.toThrow();
  });
});

describe('stageHandler', () => {
  it("forwards the job's progress to a stage that takes it, and reports a cache hit as progress 'cached'", async () => {
    const stage = {
      name: 'count', package: '@asteris/pipeline', schema: z.strictObject({ n: z.number().int() }), files: { out: 'n.txt' },
      dataFiles: () => [], read: (dir: string) => ({ dir }),
      async run(_i: unknown, c: { n: number }, dir: string, x?: { progress(d: number, t: number, m?: string): void }) {
        for (let k = 1; k <= c.n; k++) x?.progress(k, c.n, `step ${k}`);
        writeFileSync(join(dir, 'n.txt'), String(c.n));
      },
    };
    const h = stageHandler(stage as never);
    const cache = join(tmp, 'progress-cache');
    mkdirSync(cache, { recursive: true });
    const run = async () => {
      const seen: string[] = [];
      const r = await h.run({ inputs: {}, config: { n: 3 }, cache }, { id: 'j', deps: {}, roots: { cache, fields: [] }, progress: (d, t, m) => seen.push(`${d}/${t} ${m ?? ''}`) });
      return { r, seen };
    };
    const first = await run();
    expect(first.seen).toEqual(['1/3 step 1', '2/3 step 2', '3/3 step 3']);
    expect(first.r.cached).toBe(false);
    const again = await run();
    expect(again.seen).toEqual([`1/1 ${CACHED}`]);
    expect(again.r.cached).toBe(true);
  });
});

describe('long stages report progress inside the stage (issue #17)', () => {
  it('images: one tick per denoised tile, ending at the tile count; simulate: one per band', async () => {
    const field = tinyField(join(tmp, 'fp'), [{ name: 'F444W', n: 8 }], {}, 96);
    const seen: [number, number, string][] = [];
    const progress = (d: number, t: number, m?: string) => { seen.push([d, t, m ?? '']); };
    const dir = join(tmp, 'images-progress');
    mkdirSync(dir, { recursive: true });
    await imagesStage.run({ field, band: 'F444W', workers: 0 }, imagesStage.schema.parse({ denoiser: 'lite', coadd: 'clipped-mean', tileSize: 64, nulls: { count: 0 } }), dir, { progress });
    expect(seen.length).toBeGreaterThan(1);
    const last = seen[seen.length - 1]!;
    expect(last[0]).toBe(last[1]);
    expect(seen.every(([d, t, m]) => d >= 1 && d <= t && m === 'F444W: denoised tiles')).toBe(true);

    const spec = join(tmp, 'spec.json');
    writeFileSync(spec, JSON.stringify({ kind: 'asteris-field-spec', name: 'p', seed: 3, width: 48, height: 48, nexp: 2, bands: ['F150W', 'F277W'], psfRadius: 1 }));
    const sim: [number, number, string][] = [];
    const simDir = join(tmp, 'sim-progress');
    mkdirSync(simDir, { recursive: true });
    await simulateStage.run({ spec, workers: 0 }, {}, simDir, { progress: (d, t, m) => { sim.push([d, t, m ?? '']); } });
    expect(sim.filter(([, , m]) => / done$/.test(m)).map(([d, t]) => `${d}/${t}`)).toEqual(['1/2', '2/2']);
  }, 60_000);
});
