// Reads a SExtractor ASCII_HEAD catalogue into rows keyed by column name (vector columns get _1, _2, …).
import { readFileSync } from 'node:fs';

export function readSexCat(path: string): Record<string, number>[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const cols: { name: string; idx: number }[] = [];
  const rows: Record<string, number>[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) {
      const m = /^#\s+(\d+)\s+(\S+)/.exec(line);
      if (m) cols.push({ name: m[2]!, idx: Number(m[1]) - 1 });
      continue;
    }
    const t = line.trim();
    if (!t) continue;
    const v = t.split(/\s+/).map(Number);
    const r: Record<string, number> = {};
    for (let c = 0; c < cols.length; c++) {
      const start = cols[c]!.idx;
      const end = c + 1 < cols.length ? cols[c + 1]!.idx : v.length;
      if (end - start === 1) r[cols[c]!.name] = v[start]!;
      else for (let j = start; j < end; j++) r[`${cols[c]!.name}_${j - start + 1}`] = v[j]!;
    }
    rows.push(r);
  }
  return rows;
}
