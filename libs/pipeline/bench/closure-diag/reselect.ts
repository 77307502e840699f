// Re-runs the selection of a saved closure survey (bench:survey --closure --save DIR keeps each field's photometry
// catalogue) with other presets, and says what the candidates are (closure-purity.ts):
//   node --import tsx libs/pipeline/bench/closure-diag/reselect.ts DIR none|lite-null [preset spec, as --preset: auto | auto-lprior | name-or-file,… | -name]
// e.g. a changed preset file in place of a built-in one: auto,-posterior-z11,/tmp/my-z11.json
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv } from '@asteris/core';
import { loadPreset, presetList, readCatalogueCsv, selectWithPresets, unionSelection } from '@asteris/select';
import { closurePurity, purityLines, savedSurveyFields } from '../closure-purity.ts';

const [root, path, spec = 'auto'] = process.argv.slice(2);
if (!root || !path) { console.error('usage: reselect.ts <saved-dir> <path> [preset spec: auto | auto-lprior | name-or-file,… (-name drops one)]'); process.exit(2); }
const presets = presetList(spec).map((n) => loadPreset(n));
const tmp = mkdtempSync(join(tmpdir(), 'reselect-'));
try {
  const fields = savedSurveyFields(root, path).filter((f) => existsSync(join(f.dir, 'catalogue.csv'))).map((f) => {
    const u = unionSelection(selectWithPresets(readCatalogueCsv(join(f.dir, 'catalogue.csv')), presets).results);
    const candidates = join(tmp, `${f.name}.csv`);
    writeFileSync(candidates, toCsv(['id', 'ra', 'dec', 'preset', 'z_phot'], u.candidates.map((c) => [c.id, c.ra, c.dec, c.preset, c.pz?.zBest ?? NaN])));
    return { ...f, candidates };
  });
  console.log(`${fields.length} fields re-selected with ${presets.map((p) => p.name).join(', ')}`);
  console.log(purityLines(closurePurity(fields)).join('\n'));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
