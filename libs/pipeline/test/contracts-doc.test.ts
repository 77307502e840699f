// docs/contracts.md says what the code does: its stage registry table must match STAGES exactly
// (names, packages, modules and product file names).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES } from '../src/run.ts';
import { WORKSPACE_ROOT } from '../src/code-version.ts';

describe('docs/contracts.md stage registry', () => {
  it('lists every registered stage with its package, module and product files', () => {
    const doc = readFileSync(join(WORKSPACE_ROOT, 'docs', 'contracts.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| [a-z]+ \| @asteris\//.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows.map((r) => r[0])).toEqual(STAGES.map((s) => s.name));
    for (const s of STAGES) {
      const [, pkg, mod, files] = rows.find((r) => r[0] === s.name)!;
      expect(pkg, s.name).toBe(s.package);
      expect(existsSync(join(WORKSPACE_ROOT, mod!)), mod).toBe(true);
      expect(files!.split(', '), s.name).toEqual(Object.values(s.files));
    }
  });
});
