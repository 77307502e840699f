// `asteris completeness` as a user runs it (issue 15): real PRIMER-UDS F115W + F444W cutouts in, a
// completeness.json out that `asteris lf --completeness` accepts; bad input → one line naming the file.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, errorLines, STACK_FRAME } from './cli-harness.ts';
import { udsCutouts } from '../../../libs/pipeline/test/uds-cutout.ts';

const T = mkdtempSync(join(tmpdir(), 'cli-comp-'));
afterAll(() => rmSync(T, { recursive: true, force: true }));
const mosaics = udsCutouts(join(T, 'in'), ['F115W', 'F444W'], 420, 200, 160, 160);

describe('asteris completeness', () => {
  it('writes completeness.json for real mosaics, and asteris lf accepts it', async () => {
    const out = join(T, 'out');
    const r = await runCli(['completeness', ...mosaics, '--out', out, '--preset', 'two-band-f115w-f444w', '--injections', '25', '--rounds', '2', '--seed', '3', '--workers', '0', '--quiet'], { timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('50 injections');
    const comp = join(out, 'completeness.json');
    expect(JSON.parse(readFileSync(comp, 'utf8')).model.kind).toBe('logistic');
    const csv = join(T, 'cands.csv');
    writeFileSync(csv, 'id,z,M_UV\na,10.3,-21.2\nb,11.1,-21.8\n');
    const lf = await runCli(['lf', csv, '--completeness', comp, '--out', join(T, 'lf'), '--z-bins', '9.5:12', '--models', 'schechter', '--steps', '100', '--walkers', '8', '--no-png']);
    expect(lf.code, lf.stderr).toBe(0);
    expect(existsSync(join(T, 'lf', 'lf.json'))).toBe(true);
  }, 150_000);

  it('a field without the bands of any built-in preset: exit 1, one line naming field.json', async () => {
    const r = await runCli(['completeness', ...mosaics, '--out', join(T, 'bad')]);
    expect(r.code).toBe(1);
    const e = errorLines(r.stderr);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/field\.json: no built-in preset can run on bands F115W, F444W/);
    expect(existsSync(join(T, 'bad'))).toBe(false);
  });

  it('bad option values are usage errors (exit 2)', async () => {
    const r = await runCli(['completeness', ...mosaics, '--out', join(T, 'bad'), '--z-range', '12:9']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)[0]).toContain('--z-range');
  });
});
