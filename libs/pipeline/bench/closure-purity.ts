// What a closure survey's candidates are, from the simulation's truth (issue 15: "≥ 10 arcmin²" — interlopers
// at the sky's own density). Each candidate is matched within 0.12″ to a true high-z galaxy if one is there (the
// brightest in M_UV), else to the brightest other true source (low-z galaxy, brown dwarf), else it is spurious.
// The high-z population is oversampled k× and interlopers are not, so the contamination the selection would have
// on the real sky weighs each match by the truth's `weight` (1/k for high-z, 1 for the rest; spurious 1):
//   f_sky = Σw(interlopers) / Σw(all candidates),   against f_drawn = N(interlopers) / N(all).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvObjects } from '@asteris/core';
import { CLOSURE_Z_BINS } from './survey-closure.ts';

/** A pointing's tier: its name without the trailing number (deep3 → deep). */
export const tierOf = (field: string): string => field.replace(/\d+$/, '');

/** The fields of a --keep / --save directory: name, tier, truth.csv and the path's per-field product directory. */
export function savedSurveyFields(root: string, path: string): { name: string; tier: string; truth: string; dir: string }[] {
  return readdirSync(join(root, 'fields'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    .map((name) => ({ name, tier: tierOf(name), truth: join(root, 'fields', name, 'truth.csv'), dir: join(root, `out-${path}`, name) }));
}

type Tally = { highz: number; interlopers: number; wHighz: number; wInterlopers: number };
const emptyTally = (): Tally => ({ highz: 0, interlopers: 0, wHighz: 0, wInterlopers: 0 });
const addTally = (t: Tally, highz: boolean, w: number): void => {
  if (highz) { t.highz++; t.wHighz += w; } else { t.interlopers++; t.wInterlopers += w; }
};

export interface PurityTier {
  tier: string; fields: number; oversample: number; candidates: number; highz: number;
  /** interlopers by the truth's kind (lowz, browndwarf) and 'spurious' (no true source within the radius) */
  interlopers: Record<string, number>;
  /** true z of the interlopers that have one (galaxies; not brown dwarfs or spurious) */
  lowzZ: number[];
  /** per preset that kept a candidate (a candidate kept by two counts for each): true high-z and interlopers, raw and weighted */
  byPreset: Record<string, Tally>;
  /** Σ weights: high-z matches (their number on the real sky), interlopers */
  wHighz: number; wInterlopers: number;
  /** per LF z bin of the candidates' z_phot ('lo–hi'; the closure's CLOSURE_Z_BINS unless given): what each bin would hold */
  byZ: Record<string, Tally>;
  contaminationDrawn: number; contaminationSky: number;
}

type Row = Record<string, string>;
const rows = (file: string): Row[] => parseCsvObjects(readFileSync(file, 'utf8'), { file });

const MATCH_ARCSEC = 0.12;

/**
 * `fields`: per field its tier name, truth.csv and published candidates.csv; `zBins`: the LF's z bins, for `byZ`
 * (by the candidates' z_phot; default the closure's bins).
 */
export function closurePurity(fields: { tier: string; truth: string; candidates: string }[], zBins: [number, number][] = CLOSURE_Z_BINS): { tiers: PurityTier[]; all: PurityTier } {
  const by = new Map<string, PurityTier>();
  const blank = (tier: string): PurityTier => ({ tier, fields: 0, oversample: 1, candidates: 0, highz: 0, interlopers: {}, lowzZ: [], byPreset: {}, wHighz: 0, wInterlopers: 0, byZ: {}, contaminationDrawn: NaN, contaminationSky: NaN });
  const zLabel = (z: number): string | null => {
    const b = zBins.find(([lo, hi]) => z >= lo && z < hi);
    return b ? `${b[0]}–${b[1]}` : null;
  };
  for (const f of fields) {
    const truth = rows(f.truth);
    const st = by.get(f.tier) ?? blank(f.tier);
    by.set(f.tier, st);
    st.fields++;
    if (!truth.length) continue;
    const cosd = Math.cos((Number(truth[0]!.dec) * Math.PI) / 180);
    const sep = (a: Row, b: Row) => Math.hypot((Number(a.ra) - Number(b.ra)) * cosd, Number(a.dec) - Number(b.dec)) * 3600;
    const hz = truth.filter((t) => t.kind === 'highz'), rest = truth.filter((t) => t.kind !== 'highz');
    if (hz.length) st.oversample = Math.round(1 / Number(hz[0]!.weight));
    const brightestMag = (t: Row) => Math.min(...Object.entries(t).filter(([k, v]) => k.startsWith('mag_') && v !== '').map(([, v]) => Number(v)), 99);
    for (const c of rows(f.candidates)) {
      st.candidates++;
      const presets = (c.preset ?? '').split('+').filter(Boolean).map((p) => (st.byPreset[p] ??= emptyTally()));
      const zl = c.z_phot !== undefined && c.z_phot !== '' ? zLabel(Number(c.z_phot)) : null;
      const zt = zl ? (st.byZ[zl] ??= emptyTally()) : null;
      let best: Row | undefined;
      for (const t of hz) if (sep(c, t) < MATCH_ARCSEC && (!best || Number(t.M_UV) < Number(best.M_UV))) best = t;
      if (best) {
        const w = Number(best.weight);
        st.highz++; st.wHighz += w;
        for (const t of [...presets, ...(zt ? [zt] : [])]) addTally(t, true, w);
        continue;
      }
      let other: Row | undefined;
      for (const t of rest) if (sep(c, t) < MATCH_ARCSEC && (!other || brightestMag(t) < brightestMag(other))) other = t;
      const kind = other?.kind ?? 'spurious';
      const w = other ? Number(other.weight) : 1;
      st.interlopers[kind] = (st.interlopers[kind] ?? 0) + 1;
      st.wInterlopers += w;
      for (const t of [...presets, ...(zt ? [zt] : [])]) addTally(t, false, w);
      if (other && other.z !== '' && Number.isFinite(Number(other.z))) st.lowzZ.push(Number(other.z));
    }
  }
  const finish = (s: PurityTier): PurityTier => ({
    ...s, lowzZ: [...s.lowzZ].sort((a, b) => a - b),
    contaminationDrawn: s.candidates ? 1 - s.highz / s.candidates : NaN,
    contaminationSky: s.wHighz + s.wInterlopers > 0 ? s.wInterlopers / (s.wHighz + s.wInterlopers) : NaN,
  });
  const tiers = [...by.values()].map(finish);
  const all = blank('all');
  for (const s of tiers) {
    all.fields += s.fields; all.oversample = s.oversample; all.candidates += s.candidates; all.highz += s.highz;
    all.wHighz += s.wHighz; all.wInterlopers += s.wInterlopers; all.lowzZ.push(...s.lowzZ);
    for (const [k, v] of Object.entries(s.interlopers)) all.interlopers[k] = (all.interlopers[k] ?? 0) + v;
    for (const [src, dst] of [[s.byPreset, all.byPreset], [s.byZ, all.byZ]]) {
      for (const [k, v] of Object.entries(src!)) {
        const a = (dst![k] ??= emptyTally());
        a.highz += v.highz; a.interlopers += v.interlopers; a.wHighz += v.wHighz; a.wInterlopers += v.wInterlopers;
      }
    }
  }
  return { tiers, all: finish(all) };
}

/** One line per tier, one for all, one per preset and one per LF z bin (over all tiers). */
export function purityLines(p: { tiers: PurityTier[]; all: PurityTier }): string[] {
  const zs = Object.entries(p.all.byZ).sort(([a], [b]) => parseFloat(a) - parseFloat(b)).map(([k, v]) => {
    const f = v.wHighz + v.wInterlopers > 0 ? v.wInterlopers / (v.wHighz + v.wInterlopers) : NaN;
    return `  z_phot ${k.padEnd(10)} ${String(v.highz).padStart(4)} true high-z (${v.wHighz.toFixed(2)} on the real sky), ${v.interlopers} interlopers: the LF bin on the real sky would be ${(100 * f).toFixed(0)} % interlopers`;
  });
  const presets = Object.entries(p.all.byPreset).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => {
    const f = v.wHighz + v.wInterlopers > 0 ? v.wInterlopers / (v.wHighz + v.wInterlopers) : NaN;
    return `  preset ${k.padEnd(16)} ${String(v.highz).padStart(4)} true high-z (${v.wHighz.toFixed(2)} on the real sky), ${v.interlopers} interlopers: contamination at the sky's density ${f.toFixed(3)}`;
  });
  return [...[...p.tiers, p.all].map((s) => {
    const kinds = Object.entries(s.interlopers).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    const zs = s.lowzZ.length ? ` (z ${s.lowzZ.map((z) => z.toFixed(2)).join(' ')})` : '';
    return `${s.tier.padEnd(7)} ${String(s.fields).padStart(3)} fields, ${String(s.candidates).padStart(4)} candidates: ${s.highz} true high-z`
      + ` (${s.wHighz.toFixed(2)} on the real sky, high-z drawn ×${s.oversample}), interlopers ${kinds}${zs};`
      + ` contamination as drawn ${s.contaminationDrawn.toFixed(3)}, at the sky's density ${s.contaminationSky.toFixed(3)}`;
  }), ...presets, ...zs];
}
