// Stage "select" (docs/pipeline.md): photometric redshifts and dropout selection with one or more presets;
// the union over presets (one row per object, tagged with every preset that selected it) is the sample
// the LF and the report use, written as a full follow-up package (package.ts), plus every candidate's P(z).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineStage, writeFileAtomic } from '@asteris/core';
import { filterFile } from '@asteris/astro';
import { readCatalogueCsv } from './catalogue.ts';
import { loadPreset, ALL_PRESETS, LPRIOR_VARIANT } from './preset.ts';
import { selectWithPresets, comparePriority, type Candidate, type SelectionResult } from './select.ts';
import { writeFollowUpPackage } from './package.ts';

/** Files of the follow-up package (written by package.ts) and the stage's own P(z) file. */
export const SELECT_FILES = {
  candidates: 'candidates.csv', ecsv: 'candidates.ecsv', regions: 'candidates.reg', msa: 'msa_targets.txt', log: 'selection_log.csv',
  stamps: 'stamps', presets: 'presets', pz: 'pz.json',
} as const;

export const SelectConfigSchema = z.object({
  /** preset names or JSON files */
  presets: z.array(z.string()).min(1),
}).strict();
export type SelectConfig = z.infer<typeof SelectConfigSchema>;

export interface SelectInputs {
  catalogue: { csv: string };
  /** per band, the images for the candidates' stamps (the main field only) */
  stampImages?: Record<string, { coadd: string; denoised?: string }>;
  /** bands of the catalogue (their filter curves enter the cache key) */
  bands: string[];
}
export interface SelectProduct { dir: string; candidates: string; pz: string; presetDirs: string[] }

/**
 * The presets a `--preset` spec names: a comma-separated list of preset names or JSON files, where 'auto' = every
 * built-in preset, the three published recipes and the three posterior-led ones (docs/select.md), 'auto-lprior'
 * = the same with the z ≳ 11 posterior presets' luminosity-prior variants, and '-name' drops a name listed before it.
 * Measured: on CEERS v0.2 the posterior presets keep 11/11 of the team's
 * P(z>8) ≥ 0.9 objects (the recipes 5/11); on the demo field the union keeps 5 true z > 8.5 galaxies of 9
 * candidates (recipes alone: 3 of 5) and the bright-end selection completeness rises from 0.77 to 0.85.
 */
export function presetList(preset: string): string[] {
  let names: string[] = [];
  for (const part of preset.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (part === 'auto') names.push(...ALL_PRESETS);
    else if (part === 'auto-lprior') names.push(...ALL_PRESETS.map((n) => LPRIOR_VARIANT[n] ?? n));
    else if (part.startsWith('-')) names = names.filter((n) => n !== part.slice(1));
    else names.push(part);
  }
  return [...new Set(names)];
}

/** True when a preset spec expands 'auto' or 'auto-lprior' (its presets may be dropped for a field's bands, with a message). */
export const specHasAuto = (preset: string): boolean => preset.split(',').some((x) => /^auto(-lprior)?$/.test(x.trim()));

const PRESET_DIR = fileURLToPath(new URL('../../../data/presets/', import.meta.url));
/** The file a preset name or path is read from (loadPreset's rule). */
export function presetFile(p: string): string {
  return !p.endsWith('.json') && !p.includes('/') ? join(PRESET_DIR, `${p.toLowerCase()}.json`) : p;
}

/**
 * Union of several presets' selections: each object once (highest priority first), tagged with every preset.
 * Its `all` (the per-object selection log) has one row per input object: selected when any preset kept it
 * (notes say which), else every preset's reasons, each prefixed with the preset's name.
 */
export function unionSelection(results: SelectionResult[]): SelectionResult {
  if (results.length === 1) return results[0]!;
  const byId = new Map<string, Candidate>();
  const tags = new Map<string, string[]>();
  for (const r of results) {
    for (const c of r.candidates) {
      tags.set(c.id, [...(tags.get(c.id) ?? []), r.preset.name]);
      const prev = byId.get(c.id);
      if (!prev || comparePriority(c, prev) < 0) byId.set(c.id, c);
    }
  }
  const candidates = [...byId.values()].map((c) => ({ ...c, preset: tags.get(c.id)!.join('+') })).sort(comparePriority);
  const first = results[0]!;
  const name = results.map((r) => r.preset.name).join('+');
  const all = first.all.map((row, k) => {
    const chosen = byId.get(row.id);
    if (chosen && chosen.index === row.index) return { ...chosen, preset: tags.get(row.id)!.join('+'), notes: [`selected by ${tags.get(row.id)!.join(', ')}`, ...chosen.notes] };
    return { ...row, preset: name, reasons: results.map((r) => `${r.preset.name}: ${(r.all[k]?.reasons ?? []).join(', ') || 'not selected'}`) };
  });
  return {
    ...first, all,
    preset: { ...first.preset, name, citations: [...new Set(results.flatMap((r) => r.preset.citations))] },
    candidates,
    warnings: [...new Set(results.flatMap((r) => r.warnings))],
  };
}

export const selectStage = defineStage<SelectInputs, SelectConfig, SelectProduct>({
  name: 'select',
  package: '@asteris/select',
  schema: SelectConfigSchema,
  files: SELECT_FILES,
  dataFiles: (i, c) => [...c.presets.map(presetFile), ...i.bands.map(filterFile).filter((f) => existsSync(f))],
  async run(i, c, dir) {
    const cat = readCatalogueCsv(i.catalogue.csv);
    const images = i.stampImages && Object.entries(i.stampImages).flatMap(([band, f]) => [
      { band, kind: 'coadd' as const, path: f.coadd }, ...(f.denoised ? [{ band, kind: 'denoised' as const, path: f.denoised }] : []),
    ]);
    // one shared photo-z (P(z) kept, per distinct zSplit) for every preset (selectWithPresets)
    const { results } = selectWithPresets(cat, c.presets.map((p) => loadPreset(p)));
    if (c.presets.length > 1) for (const res of results) await writeFollowUpPackage(res, join(dir, SELECT_FILES.presets, res.preset.name), { images });
    const union = unionSelection(results);
    await writeFollowUpPackage(union, dir, { images });
    // P(z) of every candidate on the photo-z grid (for the report), thinned to ≤ 200 points.
    const pzOut: Record<string, { z: number[]; p: number[] }> = {};
    for (const cand of union.candidates) {
      const zs = cand.pz?.z;
      const ps = cand.pz?.pz;
      if (!zs || !ps) continue;
      const step = Math.max(1, Math.ceil(zs.length / 200));
      const zi: number[] = [];
      const pi: number[] = [];
      for (let k = 0; k < zs.length; k += step) { zi.push(Number(zs[k]!.toFixed(4))); pi.push(Number(ps[k]!.toPrecision(4))); }
      pzOut[cand.id] = { z: zi, p: pi };
    }
    writeFileAtomic(join(dir, SELECT_FILES.pz), JSON.stringify(pzOut));
    return { selected: union.candidates.length, perPreset: Object.fromEntries(results.map((r) => [r.preset.name, r.candidates.length])) };
  },
  read(dir) {
    const pd = join(dir, SELECT_FILES.presets);
    let presetDirs: string[] = [];
    try { presetDirs = existsSync(pd) ? readdirSync(pd).map((p) => join(pd, p)) : []; } catch { presetDirs = []; }
    return { dir, candidates: join(dir, SELECT_FILES.candidates), pz: join(dir, SELECT_FILES.pz), presetDirs };
  },
  publish: Object.fromEntries((['candidates', 'ecsv', 'regions', 'msa', 'log'] as const).map((k) => [SELECT_FILES[k], `candidates/${SELECT_FILES[k]}`])),
});

