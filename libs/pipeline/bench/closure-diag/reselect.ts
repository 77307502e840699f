// Re-runs the selection of a saved closure survey (bench:survey --closure --save DIR keeps each field's photometry
// catalogue) with other presets, and says what the candidates are (closure-purity.ts):
//   node --import tsx libs/pipeline/bench/closure-diag/reselect.ts DIR none|lite-null [auto | name-or-file,…]
// e.g. a changed preset file in place of a built-in one: auto,-posterior-z11,/tmp/my-z11.json
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv } from '@asteris/core';
import { ALL_PRESETS, loadPreset, readCatalogueCsv, selectWithPresets, unionSelection } from '@asteris/select';
import { closurePurity, purityLines, savedSurveyFields } from '../closure-purity.ts';

const [root, path, spec = 'auto'] = process.argv.slice(2);
if (!root || !path) { console.error('usage: reselect.ts <saved-dir> <path> [auto | name-or-file,… (-name drops one)]'); process.exit(2); }
let names: string[] = [];
for (const s of spec.split(',')) {
  if (s === 'auto') names.push(...ALL_PRESETS);
  else if (s.startsWith('-')) names = names.filter((n) => n !== s.slice(1));
  else names.push(s);
}
const presets = names.map((n) => loadPreset(n));
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
