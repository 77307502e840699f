import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TMP_MARK, tmpSibling, writeDirAtomic, writeFileAtomic, writeFileAtomicWith } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'core-atomic-'));

describe('atomic writes', () => {
  it('writes files and leaves no temporary file on success', () => {
    const d = mkdtempSync(join(root, 'ok-'));
    writeFileAtomic(join(d, 'sub', 'a.txt'), 'hello');
    writeFileAtomic(join(d, 'sub', 'a.txt'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(d, 'sub', 'a.txt'))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(d, 'sub'))).toEqual(['a.txt']);
  });

  it('keeps the old content and leaves no temporary file when the writer fails', () => {
    const d = mkdtempSync(join(root, 'fail-'));
    const p = join(d, 'b.txt');
    writeFileSync(p, 'old');
    expect(() => writeFileAtomicWith(p, () => { throw new Error('boom'); })).toThrow('boom');
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['b.txt']);
    // a target that cannot be replaced (a directory) also cleans up
    const q = join(d, 'dir');
    writeFileAtomic(join(q, 'x'), 'x');
    expect(() => writeFileAtomic(q, 'y')).toThrow();
    expect(readdirSync(d).filter((f) => f.includes(TMP_MARK))).toEqual([]);
  });

  it('writes directories atomically and removes the temporary one on failure', async () => {
    const d = mkdtempSync(join(root, 'dir-'));
    const out = join(d, 'prod');
    await writeDirAtomic(out, async (tmp) => { writeFileSync(join(tmp, 'f'), '1'); });
    expect(readFileSync(join(out, 'f'), 'utf8')).toBe('1');
    await expect(writeDirAtomic(out, async () => { throw new Error('nope'); })).rejects.toThrow('nope');
    expect(readFileSync(join(out, 'f'), 'utf8')).toBe('1');
    expect(readdirSync(d)).toEqual(['prod']);
  });

  it('temporary names are unique across calls and worker threads', async () => {
    const names = new Set(Array.from({ length: 1000 }, () => tmpSibling('/x/y.fits')));
    expect(names.size).toBe(1000);
    // Two worker threads start with the same call counter; pid + threadId keep their names apart.
    const fromWorkers = await Promise.all([0, 1].map(() => new Promise<string>((res, rej) => {
      const w = new Worker(new URL('./tmpname-worker.mjs', import.meta.url), { execArgv: ['--import', 'tsx'] });
      w.once('message', (m) => { res(m as string); void w.terminate(); });
      w.once('error', rej);
    })));
    expect(new Set([...fromWorkers, ...names]).size).toBe(1002);
    for (const n of fromWorkers) expect(n).toMatch(new RegExp(`y\\.fits\\.tmp-${process.pid}-[1-9][0-9]*-1-[0-9a-f]{8}\\.tmp$`));
  });
});
