import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDir, OutputDirError, workerExecArgv, writeFileAtomic } from '../src/index.ts';

describe('ensureDir', () => {
  it('creates nested directories and accepts existing ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensure-'));
    ensureDir(join(root, 'a', 'b', 'c'));
    ensureDir(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });

  it('fails with one clear error (not an endless loop) where mkdir answers ENOENT: /proc/x', () => {
    expect(() => ensureDir('/proc/x/y')).toThrow(OutputDirError);
    expect(() => ensureDir('/proc/x')).toThrow(/cannot create directory \/proc\/x: .*refuses/);
    expect(() => writeFileAtomic('/proc/x/product.csv', 'a')).toThrow(OutputDirError);
  });

  it('names a file standing where a directory should be', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensure-'));
    writeFileSync(join(root, 'f'), 'x');
    expect(() => ensureDir(join(root, 'f', 'sub'))).toThrow(/f exists and is not a directory/);
  });
});

describe('workerExecArgv', () => {
  it('resolves the tsx loader from the package, not the working directory', () => {
    const [flag, url] = workerExecArgv();
    expect(flag).toBe('--import');
    expect(url!.startsWith('file://')).toBe(true);
    expect(url).toContain('/tsx/');
    expect(existsSync(new URL(url!))).toBe(true);
    expect(url).not.toBe(pathToFileURL(process.cwd()).href);
  });
});
