// Altered cached bytes never reach a product: the two cases of issue #17 (an edited digit in a cached
// candidates.csv, a 12×12 block written into a cached denoised.fits), with and without the file's
// mtime restored, plus the fast path (untouched / touched-only files are reused without recomputing).
import { describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header, readImage, writeImage } from '@asteris/fits';
import { ProductCache, statFingerprint } from '../src/cache.ts';

const parts = { inputs: { a: 'abc' }, config: { x: 1 }, codeVersion: 'v1' };
const CSV = 'id,ra,dec,z_phot\n1,150.1,2.2,9.37\n2,150.2,2.3,11.02\n';

function setup() {
  const logs: string[] = [];
  const cache = new ProductCache(mkdtempSync(join(tmpdir(), 'cache-int-')), { log: (m) => logs.push(m) });
  let calls = 0;
  const compute = async (dir: string) => {
    calls++;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'candidates.csv'), CSV);
    const data = new Float32Array(32 * 32).fill(0.5);
    writeImage(join(dir, 'denoised.fits'), { width: 32, height: 32, data, header: new Header() });
  };
  return { cache, logs, compute, calls: () => calls };
}

/** Overwrites bytes in place (same size); optionally restores the file's atime/mtime afterwards. */
function patch(path: string, offset: number, bytes: Uint8Array, restoreMtime: boolean): void {
  const st = statSync(path);
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
  if (restoreMtime) utimesSync(path, st.atime, st.mtime);
  expect(statSync(path).size).toBe(st.size);
}

describe('cache integrity', () => {
  for (const restoreMtime of [false, true]) {
    const how = restoreMtime ? 'mtime restored with utimes' : 'mtime changed';
    it(`an edited digit in a cached candidates.csv is caught and recomputed (${how})`, async () => {
      const { cache, logs, compute, calls } = setup();
      const first = await cache.getOrCompute('select', parts, compute);
      const p = join(first.entry.dir, 'candidates.csv');
      const at = readFileSync(p, 'utf8').indexOf('9.37');
      patch(p, at, Buffer.from('8'), restoreMtime); // z 9.37 → 8.37, same size
      expect(readFileSync(p, 'utf8')).toContain('8.37');
      const again = await cache.getOrCompute('select', parts, compute);
      expect(again.cached).toBe(false);
      expect(calls()).toBe(2);
      expect(readFileSync(join(again.entry.dir, 'candidates.csv'), 'utf8')).toBe(CSV);
      expect(logs.join('\n')).toMatch(/select\/\w+: candidates\.csv does not match its recorded sha256/);
    });

    it(`a 12×12 block written into a cached denoised.fits is caught and recomputed (${how})`, async () => {
      const { cache, logs, compute, calls } = setup();
      const first = await cache.getOrCompute('denoise', parts, compute);
      const p = join(first.entry.dir, 'denoised.fits');
      const block = new Uint8Array(12 * 4).fill(0x42); // 12 float32 pixels of ~48.6 per row
      for (let r = 0; r < 12; r++) patch(p, 2880 + ((10 + r) * 32 + 10) * 4, block, restoreMtime);
      expect(readImage(p).data[(15 * 32) + 15]).toBeGreaterThan(40);
      const again = await cache.getOrCompute('denoise', parts, compute);
      expect(again.cached).toBe(false);
      expect(calls()).toBe(2);
      expect(Math.max(...readImage(join(again.entry.dir, 'denoised.fits')).data)).toBe(0.5);
      expect(logs.join('\n')).toMatch(/denoised\.fits does not match its recorded sha256/);
    });
  }

  it('untouched products are reused on the fast path; a touched but identical file is hashed once and reused', async () => {
    const { cache, logs, compute, calls } = setup();
    const first = await cache.getOrCompute('s', parts, compute);
    expect((await cache.getOrCompute('s', parts, compute)).cached).toBe(true);
    const p = join(first.entry.dir, 'candidates.csv');
    const before = statFingerprint(p);
    const later = new Date(Date.now() + 5000);
    utimesSync(p, later, later); // e.g. `touch`: fingerprint differs, bytes do not
    expect(statFingerprint(p)).not.toBe(before);
    const again = await cache.getOrCompute('s', parts, compute);
    expect(again.cached).toBe(true);
    expect(calls()).toBe(1);
    expect(logs).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(first.entry.dir, 'manifest.json'), 'utf8')) as { files: { path: string; stat: string }[] };
    expect(manifest.files.find((f) => f.path === 'candidates.csv')!.stat).toBe(statFingerprint(p)); // refreshed
  });

  it('listing checks structure only and does not hash', async () => {
    const { cache, compute } = setup();
    const first = await cache.getOrCompute('s', parts, compute);
    const p = join(first.entry.dir, 'candidates.csv');
    patch(p, 0, Buffer.from('I'), false);
    expect(cache.list()).toHaveLength(1);
    expect(cache.lookup('s', first.entry.key)).toBeNull();
  });
});
