// `asteris run`: bad options, config and presets are refused before any stage runs (issue #17):
// one line naming the option / file and key, exit 1 (usage errors exit 2), nothing written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, STACK_FRAME, errorLines, filesUnder, runMain } from './cli-harness.ts';

const T = mkdtempSync(join(tmpdir(), 'asteris-run-validation-'));
afterAll(() => rmSync(T, { recursive: true, force: true }));

async function refused(args: string[], code: number, problem: RegExp): Promise<void> {
  const out = join(T, `out-${Math.random().toString(36).slice(2)}`);
  const r = await runMain(['run', join(REPO, 'data/demo'), '--out', out, ...args]);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.code, r.stderr).toBe(code);
  const errs = errorLines(r.stderr);
  expect(errs.length, r.stderr).toBe(1);
  expect(errs[0]).toMatch(problem);
  expect(filesUnder(out)).toEqual([]);
}

describe('asteris run refuses bad input up front', () => {
  it('--injections -5 is a usage error (exit 2)', () => refused(['--injections', '-5'], 2, /--injections: expected an integer in 0–20000, got '-5'/));
  it('--workers abc is a usage error (exit 2)', () => refused(['--workers', 'abc'], 2, /--workers/));
  it('a config key typo names the file and extract.treshold', async () => {
    const cfg = join(T, 'typo.json');
    writeFileSync(cfg, JSON.stringify({ extract: { treshold: 3 } }));
    await refused(['--config', cfg], 1, new RegExp(`${cfg}: invalid configuration: extract\\.treshold: unknown key`));
  });
  it('--preset nosuch before the demo is simulated', () => refused(['--preset', 'nosuch'], 1, /--preset nosuch: unknown preset 'nosuch'/));
  it('--denoiser foo before the demo is simulated', () => refused(['--denoiser', 'foo'], 1, /--denoiser foo: .*model file not found/));
});
