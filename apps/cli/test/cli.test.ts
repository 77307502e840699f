// The real `asteris` binary, spawned with this Node, against bad input (QA of the rule "bad input gets a
// clear error naming the file and the problem; never a stack trace, a hang, or a half-written product").
// Inputs are tiny files generated in a temp dir; nothing here runs the pipeline (tests/e2e does).
// `it.fails` marks a known bug whose fix lies outside apps/cli/test and apps/cli/src/errors.ts: when
// the fix lands the test starts "failing" and the marker must be removed.
// Help / unknown-option checks for every sub-command run in-process in cli-usage.test.ts (each spawn
// costs ~1.5 s of CPU on this machine); here a few of them go through the real binary.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateField } from '@asteris/sim';
import { makeFixtures, type Fixtures } from './cli-fixtures.ts';
import { REPO, STACK_FRAME, errorLines, expectCleanFailure, filesUnder, runCli } from './cli-harness.ts';

let fx: Fixtures;
let T = '';
/** a valid 48×48 one-band, 4-exposure field, and a copy with one truncated exposure */
let field = '';
let badField = '';

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'asteris-cli-qa-'));
  fx = makeFixtures(join(T, 'in'));
  field = join(T, 'field');
  await simulateField({ kind: 'asteris-field-spec', name: 'qa', seed: 7, width: 48, height: 48, bands: ['F200W'], nexp: 4 }, field, { workers: 0 });
  badField = join(T, 'field-bad');
  cpSync(field, badField, { recursive: true });
  writeFileSync(join(badField, 'F200W', 'f200w_exp03.fits'), readFileSync(join(field, 'F200W', 'f200w_exp03.fits')).subarray(0, 2880 + 500));
  writeFileSync(join(T, 'cfg-unknown.json'), JSON.stringify({ denoiser: 'none', bogusKey: 1, injection: { n: 5, zz: 2 } }));
  writeFileSync(join(T, 'spec-unknown.json'), JSON.stringify({ kind: 'asteris-field-spec', name: 't', seed: 1, width: 48, height: 48, bands: ['F200W'], nexp: 4, bogus: 3 }));
});
afterAll(() => { if (T) rmSync(T, { recursive: true, force: true }); });

const out = (name: string) => join(T, 'out', name);
/** an output path that cannot be created: its parent is a regular file */
const underFile = (name: string) => join(fx.img, name);

describe.concurrent('bad input, spawned', () => {
  describe('asteris (binary)', () => {
    it('--version prints the root package.json version', async () => {
      const r = await runCli(['--version']);
      const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    });
    it('--help lists every sub-command and exits 0', async () => {
      const r = await runCli(['--help']);
      expect(r.code).toBe(0);
      for (const c of ['run', 'cache', 'fits', 'simulate', 'inject', 'extract', 'photometry', 'select', 'lf', 'denoise', 'train']) {
        expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
      }
    });
    it('an unknown option exits 2 with one usage line and no stack trace', async () => {
      const r = await runCli(['select', fx.csv.catNaN, '--preset', 'f150w-dropout', '--out', out('x'), '--bogus']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option '--bogus'/);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(filesUnder(out('x'))).toEqual([]);
    });
  });

  describe('asteris fits', () => {
    it('several unreadable files: one line per file naming it and the problem, exit 1', async () => {
      const r = await runCli(['fits', 'info', fx.img, fx.missing, fx.notFits, fx.truncated, fx.empty, fx.headerOnly]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`Filename: ${fx.img}`);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK_FRAME);
      const errs = errorLines(r.stderr);
      expect(errs).toHaveLength(6); // five files + the summary
      expect(errs.find((l) => l.includes(fx.missing))).toMatch(/no such file/i);
      expect(errs.find((l) => l.includes(fx.notFits))).toMatch(/not a FITS file/);
      expect(errs.find((l) => l.includes(fx.truncated))).toMatch(/truncated/);
      expect(errs.find((l) => l.includes(fx.empty))).toMatch(/not a FITS file|empty/);
      expect(errs.find((l) => l.includes(fx.headerOnly))).toMatch(/truncated|END/);
      expect(errs[5]).toMatch(/5 of 6 files could not be read/);
    });
    // BUG: the EISDIR from readSync carries no path → "EISDIR: illegal operation on a directory, read".
    it('a directory given as a FITS file names the directory', async () => {
      expectCleanFailure(await runCli(['fits', 'info', fx.dirFits]), { names: fx.dirFits, problem: /directory/ });
    });
  });

  describe('asteris extract', () => {
    it('an output directory that cannot be created: one line naming it', async () => {
      expectCleanFailure(await runCli(['extract', fx.img, '--out', underFile('x'), '--threads', '1']),
        { names: underFile('x'), problem: /not a directory|is a file/ });
    });
  });

  describe('asteris photometry', () => {
    it('a truncated band image: one line naming it, no catalogue', async () => {
      expectCleanFailure(await runCli(['photometry', '--detect', fx.img, '--band', `F200W=${fx.truncated}`, '--out', join(out('ph-trunc'), 'cat.csv'), '--n-empty', '100', '--pixel-scale', '0.03']),
        { names: fx.truncated, problem: /truncated/, noFilesIn: [out('ph-trunc')] });
    });
    // BUG: the CSV is written, then the FITS copy fails → cat.csv (without its .meta.json) is left behind.
    it('an unwritable --fits copy leaves no half-written catalogue', async () => {
      expectCleanFailure(await runCli(['photometry', '--detect', fx.img, '--band', `F200W=${fx.img}`, '--out', join(out('ph-fits'), 'cat.csv'), '--fits', join(underFile('ph2'), 'cat.fits'), '--n-empty', '100', '--pixel-scale', '0.03']),
        { names: underFile('ph2'), noFilesIn: [out('ph-fits')] });
    });
  });

  describe('asteris select', () => {
    const sel = (csv: string, o: string, extra: string[] = []) => runCli(['select', csv, '--preset', 'f150w-dropout', '--out', o, ...extra]);
    it('missing flux columns: one line naming the file and the columns, nothing written', async () => {
      expectCleanFailure(await sel(fx.csv.catNoFlux, out('sel-noflux')), { names: fx.csv.catNoFlux, problem: /missing band column.*flux_F150W/, noFilesIn: [out('sel-noflux')] });
    });
    it('NaN fluxes: a warning naming the problem, the object dropped with its reason, exit 0', async () => {
      const r = await sel(fx.csv.catNaN, out('sel-nan'));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning: 1 NaN flux/);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      const log = readFileSync(join(out('sel-nan'), 'selection_log.csv'), 'utf8');
      expect(log.split('\n')[1]).toMatch(/^1,/); // the NaN object is in the log with its reason
      expect(log.toLowerCase()).toMatch(/nan|missing/);
    });
    // BUG: "EISDIR: illegal operation on a directory, read" without the path.
    it('a directory given as the catalogue names it', async () => {
      expectCleanFailure(await sel(fx.dirFits, out('sel-dir')), { names: fx.dirFits, problem: /directory/ });
    });
  });

  describe('asteris lf', () => {
    const fast = ['--no-png', '--steps', '100', '--walkers', '8', '--models', 'schechter'];
    const lf = (csv: string, o: string, extra: string[] = ['--area', '10', '--assume-complete']) => runCli(['lf', csv, '--out', o, ...extra, ...fast]);
    it('a NaN M_UV: one line naming the file and the row', async () => {
      expectCleanFailure(await lf(fx.csv.lfNaN, out('lf-nan')), { names: fx.csv.lfNaN, problem: /line \d+, column M_UV: "nan" is not a number/i, noFilesIn: [out('lf-nan')] });
    });
    it('an output directory that cannot be created: one line naming it', async () => {
      expectCleanFailure(await lf(fx.csv.lfOk, underFile('lf')), { names: underFile('lf'), problem: /not a directory|is a file/ });
    });
  });

  describe('asteris run', () => {
    it('a config with unknown keys: a short list naming the file and every unknown key, nothing written', async () => {
      const cfg = join(T, 'cfg-unknown.json');
      const msg = expectCleanFailure(await runCli(['run', 'data/demo', '--out', out('run-unknown'), '--config', cfg]), { names: cfg, maxLines: 6, noFilesIn: [out('run-unknown')] });
      expect(msg).toMatch(/bogusKey/);
      expect(msg).toMatch(/zz/);
      expect(msg).toMatch(/injection/);
    });
    // BUG: runPipeline creates <out>/cache before it looks at the field, so a typo leaves an output tree.
    it('a missing field leaves no output directory behind', async () => {
      const o = out('run-missing');
      expectCleanFailure(await runCli(['run', join(T, 'no-such-field'), '--out', o, '--denoiser', 'none']), { names: join(T, 'no-such-field'), problem: /does not exist/ });
      expect(filesUnder(o)).toEqual([]);
      expect(() => readFileSync(o), 'output directory was created').toThrow(/ENOENT/);
    });
  });

  describe('asteris simulate / inject', () => {
    it('a truncated mosaic: one line naming it, nothing written', async () => {
      expectCleanFailure(await runCli(['simulate', '--from-mosaic', fx.truncated, '--weight', fx.img, '--nexp', '4', '--out', out('sim-mosaic')]), { names: fx.truncated, problem: /truncated/, noFilesIn: [out('sim-mosaic')] });
    });
    // BUG: exposures 1–2 are written to the output field before exposure 3 turns out to be truncated.
    it('inject into a field with a truncated exposure leaves no half-written field', async () => {
      expectCleanFailure(await runCli(['inject', badField, '--out', out('inj-bad'), '--n', '2']),
        { names: join(badField, 'F200W', 'f200w_exp03.fits'), problem: /truncated|END card/, noFilesIn: [out('inj-bad')] });
    });
  });

  describe('asteris denoise', () => {
    it('a field with a truncated exposure: one line naming the exposure, nothing written', async () => {
      expectCleanFailure(await runCli(['denoise', badField, '--out', out('den-bad'), '--workers', '0', '--tile', '64']),
        { names: join(badField, 'F200W', 'f200w_exp03.fits'), problem: /truncated|END card/, noFilesIn: [out('den-bad')] });
    });
  });

});

describe('temp-file debris', () => {
  it('the failures above left no atomic-write temp files next to the inputs or outputs', () => {
    // every product directory is checked per test; here: no .tmp/.partial debris anywhere
    const inputs = filesUnder(join(T, 'in'));
    expect(inputs.filter((f) => /\.tmp|\.partial|~$/.test(f))).toEqual([]);
    mkdirSync(join(T, 'out'), { recursive: true });
    expect(filesUnder(join(T, 'out')).filter((f) => /\.tmp/.test(f))).toEqual([]);
  });
});

