// The in-process engine, the DAG checks, the roots boundary and redaction (no Redis needed).
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPath, demoHandlers, groupProgress, localEngine, type GroupProgress, redact, redactUrl, redisOptions, type EngineEvent, type JobSpec } from '../src/index.ts';
import { cleanup, snapshot, tempDir } from './helpers.ts';
import { surveyDag } from './dag.ts';

const dirs: string[] = [];
const dir = (tag: string): string => {
  const d = tempDir(tag);
  dirs.push(d);
  return d;
};
afterAll(() => cleanup(...dirs));

describe('localEngine', () => {
  it('runs a DAG in dependency order, passes deps results, and is deterministic at any concurrency', async () => {
    const a = dir('la');
    const b = dir('lb');
    const events: EngineEvent[] = [];
    const ra = await localEngine(demoHandlers(), { roots: { cache: a, fields: [] }, concurrency: 1 }).run(surveyDag(3), { onEvent: (e) => events.push(e) });
    const rb = await localEngine(demoHandlers(), { roots: { cache: b, fields: [] }, concurrency: 4 }).run(surveyDag(3));
    expect(Object.keys(ra)).toHaveLength(13);
    expect(rb).toEqual(ra);
    expect(snapshot(b)).toEqual(snapshot(a));
    // each job started after all of its deps were done
    const doneAt = new Map(events.flatMap((e, i) => (e.type === 'done' ? [[e.id, i] as const] : [])));
    for (const j of surveyDag(3)) {
      const startAt = events.findIndex((e) => e.type === 'start' && e.id === j.id);
      for (const d of j.deps) expect(doneAt.get(d)!).toBeLessThan(startAt);
    }
    expect(events.filter((e) => e.type === 'progress' && e.id === 'survey/lf').map((e) => (e as { done: number }).done)).toEqual([1, 2]);
    // the lf's bytes depend on every field: a different field seed changes them
    const c = dir('lc');
    const dag = surveyDag(3);
    (dag.find((j) => j.id === 'field2/f150w')!.payload as { seed: number }).seed = 77;
    await localEngine(demoHandlers(), { roots: { cache: c, fields: [] } }).run(dag);
    expect(readFileSync(join(c, 'survey/lf.bin'))).not.toEqual(readFileSync(join(a, 'survey/lf.bin')));
    expect(readFileSync(join(c, 'field0/measure.bin'))).toEqual(readFileSync(join(a, 'field0/measure.bin')));
  });

  it('groupProgress counts jobs per field from the per-job events', async () => {
    const seen: GroupProgress[] = [];
    const jobs = surveyDag(2);
    let perJob = 0;
    await localEngine(demoHandlers(), { roots: { cache: dir('groups'), fields: [] }, concurrency: 2 })
      .run(jobs, { onEvent: groupProgress(jobs, (g) => seen.push(g), () => perJob++) });
    expect(perJob).toBe(9 * 4); // start, 2 progress, done per job
    const last = (g: string) => seen.filter((s) => s.group === g).at(-1);
    expect(last('field0')).toEqual({ group: 'field0', done: 4, total: 4, running: 0, failed: 0 });
    expect(last('survey')).toEqual({ group: 'survey', done: 1, total: 1, running: 0, failed: 0 });
    const f1 = seen.filter((s) => s.group === 'field1');
    expect(f1).toHaveLength(8); // 4 starts, 4 ends
    expect(f1.map((s) => s.done)).toEqual([...f1.map((s) => s.done)].sort((a, b) => a - b));
    expect(Math.max(...f1.map((s) => s.running))).toBeLessThanOrEqual(2);
  });

  it('refuses bad DAGs and bad payloads before running anything, naming the job', async () => {
    const e = localEngine(demoHandlers(), { roots: { cache: dir('bad'), fields: [] } });
    const one = (over: Partial<JobSpec>): JobSpec[] => [{ id: 'a', kind: 'demo.write', deps: [], payload: { out: 'a.bin', seed: 1, bytes: 8 }, ...over }];
    await expect(e.run(one({ kind: 'nope' }))).rejects.toThrow('job a: no handler for kind "nope"');
    await expect(e.run(one({ deps: ['zz'] }))).rejects.toThrow('job a: unknown dependency "zz"');
    await expect(e.run([...one({ deps: ['b'] }), { id: 'b', kind: 'demo.write', deps: ['a'], payload: {} }])).rejects.toThrow(/dependency cycle: a → b → a/);
    await expect(e.run(one({ payload: { out: 'a.bin', seed: 'x', bytes: 8 } }))).rejects.toThrow(/job a \(demo.write\): invalid payload: seed: /);
    await expect(e.run(one({ payload: { out: 'a.bin', seed: 1, bytes: 8, treshold: 3 } }))).rejects.toThrow(/invalid payload: .*treshold/);
  });

  it('retries a failing job when asked, reporting the retry', async () => {
    const events: EngineEvent[] = [];
    const r = await localEngine(demoHandlers(), { roots: { cache: dir('retry'), fields: [] }, attempts: 2 })
      .run([{ id: 'a', kind: 'demo.write', deps: [], payload: { out: 'a.bin', seed: 1, bytes: 8, failTimes: 1 } }], { onEvent: (e) => events.push(e) });
    expect(r.a).toMatchObject({ bytes: 8 });
    expect(events.map((e) => e.type)).toEqual(['start', 'retry', 'progress', 'done']);
  });
});

describe('roots boundary', () => {
  const cache = tempDir('roots-cache');
  const field = tempDir('roots-field');
  const outside = tempDir('roots-outside');
  dirs.push(cache, field, outside);
  mkdirSync(join(cache, 'sub'));
  symlinkSync(outside, join(cache, 'escape'));
  symlinkSync(join(field), join(cache, 'tofield'));
  const roots = { cache, fields: [field] };

  it('accepts paths inside the cache or a field root, existing or not, and symlinks that stay inside', () => {
    expect(checkPath(join(cache, 'sub/x.fits'), roots)).toBe(join(cache, 'sub/x.fits'));
    expect(checkPath('new/dir/y.bin', roots)).toBe(join(cache, 'new/dir/y.bin'));
    expect(checkPath(join(field, 'f150w.fits'), roots)).toBe(join(field, 'f150w.fits'));
    expect(checkPath(join(cache, 'tofield/a.fits'), roots)).toBe(join(field, 'a.fits'));
  });

  it('refuses .., absolute paths elsewhere and symlink escapes with an error naming the path', () => {
    expect(() => checkPath(`${cache}/../etc/passwd`, roots, 'f/x')).toThrow(`job f/x: refused path ${cache}/../etc/passwd: '..' segments are not allowed`);
    expect(() => checkPath('sub/../../x', roots)).toThrow(/refused path sub\/\.\.\/\.\.\/x: '\.\.'/);
    expect(() => checkPath('/etc/passwd', roots)).toThrow(/refused path \/etc\/passwd: outside the worker's roots/);
    expect(() => checkPath(join(cache, 'escape/secret.txt'), roots)).toThrow(`refused path ${join(cache, 'escape/secret.txt')} (resolves to ${join(outside, 'secret.txt')}): outside the worker's roots`);
    expect(() => checkPath(join(cache, 'escape/new/deeper.bin'), roots)).toThrow(/outside the worker's roots/);
    expect(() => checkPath(`${cache}-evil/x`, roots)).toThrow(/outside the worker's roots/);
  });

  it('a job naming a path outside the roots fails with that path in the error', async () => {
    const e = localEngine(demoHandlers(), { roots });
    await expect(e.run([{ id: 'j', kind: 'demo.write', deps: [], payload: { out: join(outside, 'x.bin'), seed: 1, bytes: 8 } }]))
      .rejects.toThrow(`job j: refused path ${join(outside, 'x.bin')}: outside the worker's roots`);
    await expect(e.run([{ id: 'j', kind: 'demo.write', deps: [], payload: { out: 'escape/x.bin', seed: 1, bytes: 8 } }]))
      .rejects.toThrow(/job j: refused path escape\/x\.bin \(resolves to .*\): outside/);
    expect(snapshot(outside)).toEqual({});
  });
});

describe('redaction', () => {
  it('hides passwords in URLs and in any text', () => {
    expect(redactUrl('redis://:s3cr%40t@db.example:6380/2')).toBe('redis://:***@db.example:6380/2');
    expect(redactUrl('rediss://user:pw@h')).toBe('rediss://user:***@h');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    const url = 'redis://:s3cr%40t@db.example:6380';
    expect(redact(`connect ${url} failed: s3cr@t / s3cr%40t rejected`, url)).toBe('connect redis://:***@db.example:6380 failed: *** / *** rejected');
  });

  it('takes password, db and TLS from the URL', () => {
    expect(redisOptions('redis://:p%2Fw@10.0.0.5:6390/3')).toMatchObject({ host: '10.0.0.5', port: 6390, password: 'p/w', db: 3, tls: undefined });
    expect(redisOptions('rediss://u:pw@cache.example')).toMatchObject({ host: 'cache.example', port: 6379, username: 'u', password: 'pw', tls: { servername: 'cache.example' } });
    expect(() => redisOptions('http://:pw@x')).toThrow('invalid Redis URL http://:***@x: scheme must be redis:// or rediss://');
  });
});
