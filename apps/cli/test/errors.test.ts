// apps/cli/src/errors.ts: what reaches the user when something throws.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FitsError } from '@asteris/fits';
import { formatError } from '../src/errors.ts';

const T = mkdtempSync(join(tmpdir(), 'asteris-cli-errors-'));
afterAll(() => rmSync(T, { recursive: true, force: true }));

function thrown(f: () => unknown): unknown {
  try { f(); } catch (e) { return e; }
  throw new Error('did not throw');
}

describe('formatError', () => {
  it('system errors become "<path>: <problem>" without errno jargon', () => {
    const file = join(T, 'f.txt');
    writeFileSync(file, 'x');
    expect(formatError(thrown(() => readFileSync(join(T, 'missing.fits'))))).toBe(`no such file or directory: ${join(T, 'missing.fits')}`);
    expect(formatError(thrown(() => mkdirSync(join(file, 'sub'))))).toBe(`cannot create directory ${join(file, 'sub')}: a parent of this path is a file, not a directory`);
    expect(formatError(thrown(() => mkdirSync(file)))).toBe(`cannot create directory ${file}: exists and is not a directory`);
    expect(formatError(thrown(() => readFileSync(T)))).toMatch(/EISDIR|directory/); // readFileSync's EISDIR has no path
    expect(formatError(thrown(() => writeFileSync(T, 'x')))).toBe(`cannot open ${T}: is a directory (expected a file)`);
  });
  it('typed library errors keep their message (which names the file)', () => {
    const e = new FitsError('truncated: data needs 4096 bytes', { file: '/d/x.fits', hdu: 0 });
    expect(formatError(e)).toBe('/d/x.fits, HDU 0: truncated: data needs 4096 bytes');
  });
  it('an error that knows its file but does not name it gets the file prefixed', () => {
    const e = Object.assign(new Error('band F200W: cannot convert the image units to nJy'), { file: '/d/f200w.fits' });
    expect(formatError(e)).toBe('/d/f200w.fits: band F200W: cannot convert the image units to nJy');
  });
  it('a JSON.parse snippet spanning lines stays on one line', () => {
    const inner = thrown(() => JSON.parse('id,z\n1,2\n')) as Error;
    const msg = formatError(new Error(`/d/c.json: not valid JSON (${inner.message})`));
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/^\/d\/c\.json: not valid JSON \(.*\\n.*\)$/);
  });
  it('deliberate multi-problem lists are kept; stack frames are dropped', () => {
    const list = '/d/field: the field cannot be processed (2 problems):\n  - F200W: no exposures\n  - F444W: no PSF';
    expect(formatError(new Error(list))).toBe(list);
    expect(formatError(new Error('boom\n    at f (/x/y.ts:12:3)\n    at node:internal/main:1:2'))).toBe('boom');
  });
  it('zod errors become a short list of "path: problem"', () => {
    const r = z.strictObject({ workers: z.number(), injection: z.strictObject({ n: z.number() }) }).safeParse({ workers: 'x', injection: { n: 1, zz: 2 } });
    expect(r.success).toBe(false);
    const msg = formatError(r.error);
    const lines = msg.split('\n');
    expect(lines[0]).toBe('invalid input (2 problems):');
    expect(lines.some((l) => /^ {2}- workers: .*number/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}- injection: .*zz/.test(l))).toBe(true);
  });
  it('aggregate errors list their members; non-errors are printed readably', () => {
    expect(formatError(new AggregateError([new Error('a.fits: bad'), new Error('b.fits: worse')], '2 files failed'))).toBe('2 files failed:\n  - a.fits: bad\n  - b.fits: worse');
    expect(formatError('plain text')).toBe('plain text');
    expect(formatError({ code: 3 })).toBe('{"code":3}');
    expect(formatError(undefined)).toBe('undefined');
    expect(formatError(new Error(''))).toBe('Error');
  });
});
