import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProductCache, cacheKey } from '../src/cache.ts';
import { stableStringify } from '../src/hash.ts';

const parts = (config: unknown) => ({ inputs: { a: 'abc' }, config, codeVersion: 'v1' });

describe('ProductCache', () => {
  it('computes once, then reuses the product', async () => {
    const cache = new ProductCache(mkdtempSync(join(tmpdir(), 'cache-')));
    let calls = 0;
    const compute = async (dir: string) => {
      calls++;
      writeFileSync(join(dir, 'out.txt'), 'hello');
      return { n: 1 };
    };
    const first = await cache.getOrCompute('stageA', parts({ x: 1 }), compute);
    const second = await cache.getOrCompute('stageA', parts({ x: 1 }), compute);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(calls).toBe(1);
    expect(readFileSync(join(second.entry.dir, 'out.txt'), 'utf8')).toBe('hello');
    expect(second.entry.summary).toEqual({ n: 1 });
  });

  it('keys change with config, inputs and code version but not with key order', () => {
    const k = cacheKey('s', parts({ x: 1, y: 2 }));
    expect(cacheKey('s', parts({ y: 2, x: 1 }))).toBe(k);
    expect(cacheKey('s', parts({ x: 1, y: 3 }))).not.toBe(k);
    expect(cacheKey('s', { ...parts({ x: 1, y: 2 }), codeVersion: 'v2' })).not.toBe(k);
    expect(cacheKey('s', { ...parts({ x: 1, y: 2 }), inputs: { a: 'abd' } })).not.toBe(k);
    expect(cacheKey('t', parts({ x: 1, y: 2 }))).not.toBe(k);
    expect(stableStringify({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('a failed computation leaves no product and no debris', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cache-'));
    const cache = new ProductCache(root);
    await expect(cache.getOrCompute('s', parts(1), async (dir) => {
      writeFileSync(join(dir, 'half.txt'), 'x');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(readdirSync(join(root, 's'))).toEqual([]);
  });

  it('damaged entries are recomputed and gc removes debris and unreferenced entries', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cache-'));
    const cache = new ProductCache(root);
    const a = await cache.getOrCompute('s', parts(1), async (d) => { writeFileSync(join(d, 'f'), 'aaaa'); });
    const b = await cache.getOrCompute('s', parts(2), async (d) => { writeFileSync(join(d, 'f'), 'bbbb'); });
    writeFileSync(join(a.entry.dir, 'f'), 'a'); // truncated by someone else
    expect(cache.lookup('s', a.entry.key)).toBeNull();
    const again = await cache.getOrCompute('s', parts(1), async (d) => { writeFileSync(join(d, 'f'), 'aaaa'); });
    expect(again.cached).toBe(false);
    mkdirSync(join(root, 's', 'dead.tmp-123-abcd'));
    const { removed } = cache.gc(new Set([`s/${b.entry.key}`]));
    expect(removed.sort()).toEqual([`s/${a.entry.key}`, 's/dead.tmp-123-abcd'].sort());
    expect(cache.list().map((e) => e.key)).toEqual([b.entry.key]);
  });
});
