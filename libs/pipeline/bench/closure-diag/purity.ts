// What a closure survey's candidates are, from a --keep or --save directory (closure-purity.ts):
//   npm run bench:survey -- --closure … --save DIR
//   node --import tsx libs/pipeline/bench/closure-diag/purity.ts DIR none|lite-null
import { join } from 'node:path';
import { closurePurity, purityLines, savedSurveyFields } from '../closure-purity.ts';

const [root, path] = process.argv.slice(2);
if (!root || !path) { console.error('usage: purity.ts <kept-or-saved-dir> <path: none | lite-null | …>'); process.exit(2); }
const fields = savedSurveyFields(root, path).map((f) => ({ ...f, candidates: join(f.dir, 'candidates', 'candidates.csv') }));
console.log(purityLines(closurePurity(fields)).join('\n'));
