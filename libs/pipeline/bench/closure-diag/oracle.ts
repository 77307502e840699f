// The closure's LF recomputed from a kept survey (docs/census-real.md, issue 15): at several fit ranges
// (lf.minCompleteness), and with an oracle magnitude transfer taken from the truth-matched field galaxies
// instead of the injections'. Writes nothing into the kept run (the oracle goes into a copy, out-oracle).
//   python3 libs/pipeline/bench/closure-diag/closure_truth.py migration <kept-dir> none /tmp/mig.json
//   node --import tsx libs/pipeline/bench/closure-diag/oracle.ts <kept-dir> [/tmp/mig.json] [--min 0,0.1,0.2]
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTransfer, halfPoint, readCompleteness } from '@asteris/lumfunc';
import { closureCheck, closureConfig, closureTable } from '../survey-closure.ts';

const [root, mig] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--min');
const mi = process.argv.indexOf('--min');
const mins = (mi > 0 ? process.argv[mi + 1]! : '0,0.2').split(',').map(Number);
const cfg = closureConfig('none', { injections: 100, rounds: 2, nSteps: 1500, oversample: 1500 });
const table = (out: string, minCompleteness: number) => {
  const r = closureCheck(out, { ...cfg, lf: { ...cfg.lf, minCompleteness } } as never, 1500);
  return `--- minCompleteness ${minCompleteness}: fit ranges ${r.lf.zBins.map((z) => z.fitRange?.[1].toFixed(1)).join(' ')}\n${closureTable(r)}`;
};
const src = join(root!, 'out-none');
for (const m of mins) console.log(table(src, m));
if (mig) {
  const samples = JSON.parse(readFileSync(mig, 'utf8')) as Record<string, { z: number; M: number; Mobs: number }[]>;
  const dst = join(root!, 'out-oracle');
  cpSync(src, dst, { recursive: true });
  const prods = JSON.parse(readFileSync(join(dst, 'products.json'), 'utf8')) as { fields: string[] };
  prods.fields = prods.fields.map((f) => f.replace(src, dst));
  writeFileSync(join(dst, 'products.json'), JSON.stringify(prods));
  // one transfer pooled over the fields (each sample's offset from its own field's half point)
  const pooled = prods.fields.flatMap((f) => {
    const c = readCompleteness(join(f, 'completeness.json'));
    return samples[f.split('/').pop()!]!.map((s) => ({ offset: s.M - halfPoint(c, s.z), dM: s.Mobs - s.M }));
  });
  const transfer = buildTransfer(pooled);
  for (const f of prods.fields) {
    const file = join(f, 'completeness.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), transfer }));
  }
  console.log('--- oracle transfer (truth-matched field galaxies), minCompleteness 0');
  console.log(table(dst, 0));
}
