// `asteris select <catalog.csv> --preset NAME|file.json --out DIR [--images band=path,...]` (issue 6).
// Dropout selection + photo-z + contaminant rejection, then the follow-up package (docs/select.md).
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

export interface SelectCliOptions { preset: string; out: string; images?: string; sysErr?: string; fluxScale?: string; stampSize?: string }

function num(v: string | undefined, name: string, check: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name}: invalid value '${v}'`);
  return n;
}

export async function runSelect(catalog: string, o: SelectCliOptions, log: (s: string) => void = (s) => process.stderr.write(s)): Promise<string[]> {
  const sel = await import('@asteris/select');
  const sysErr = num(o.sysErr, 'sys-err', (n) => n >= 0 && n < 1);
  const fluxScale = num(o.fluxScale, 'flux-scale', (n) => n > 0);
  const stampArcsec = num(o.stampSize, 'stamp-size', (n) => n > 0 && n <= 30);
  // 'auto' = every built-in preset, as `asteris run` (recipes + posterior-led)
  const presets = sel.presetList(o.preset);
  if (!presets.length) throw new UsageError('--preset: give a preset name or a .json file');
  if (o.images) {
    // check the stamp images up front so a typo fails before the (slow) selection
    const { existsSync } = await import('node:fs');
    for (const im of sel.parseImagesSpec(o.images)) if (!existsSync(im.path)) throw new UsageError(`--images: no such file ${im.path} (band ${im.band})`);
  }
  const cat = sel.readCatalogueCsv(catalog);
  if (cat.rows.length === 0) throw new sel.SelectError('the catalogue has a header but no rows: nothing to select', catalog);
  const hasRa = sel.findColumn(cat, 'ra', 'ALPHA_J2000') && sel.findColumn(cat, 'dec', 'DELTA_J2000');
  if (!hasRa) throw new sel.SelectError('no RA/Dec columns (need ra, dec in degrees) — the follow-up package needs sky positions', catalog);
  const loaded = presets.map((p) => sel.loadPreset(p));
  const written: string[] = [];
  // one shared photo-z (P(z) kept) for all presets
  const t00 = Date.now();
  const { results } = sel.selectWithPresets(cat, loaded, { sysErr, fluxScale });
  for (const res of results) {
    const preset = res.preset;
    const t0 = loaded.indexOf(preset) === 0 ? t00 : Date.now();
    for (const w of res.warnings) log(`warning: ${w}\n`);
    const dir = loaded.length > 1 ? `${o.out}/${preset.name}` : o.out;
    written.push(...await sel.writeFollowUpPackage(res, dir, { images: o.images, stampArcsec, warn: (m) => log(`warning: ${m}\n`) }));
    const byClass = [1, 2, 3].map((k) => res.candidates.filter((c) => c.priorityClass === k).length);
    log(`${preset.name}: ${res.candidates.length} candidate(s) of ${cat.rows.length} rows (class 1/2/3: ${byClass.join('/')}; ${res.nDropped} dropped for missing bands) in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${dir}\n`);
  }
  if (loaded.length > 1) {
    // the union, as the pipeline's select stage writes it: each object once, tagged with every preset that kept
    // it; selection_log.csv has one row per object (which presets kept it, or every preset's reasons)
    const union = sel.unionSelection(results);
    written.push(...await sel.writeFollowUpPackage(union, o.out, { images: o.images, stampArcsec, warn: (m) => log(`warning: ${m}\n`) }));
    log(`union of ${loaded.length} presets: ${union.candidates.length} candidate(s) → ${o.out}\n`);
  }
  return written;
}

export function register(program: Command): void {
  program
    .command('select')
    .description('select z≈9–16 dropout candidates (colour cuts + photo-z + contaminant rejection) and write the follow-up package')
    .argument('<catalog>', 'catalogue CSV: id, ra, dec, flux_<BAND>, fluxerr_<BAND> in nJy')
    .requiredOption('--preset <name|file.json>', 'posterior-z8, posterior-z11, posterior-z15 (posterior-led), f115w-dropout, f150w-dropout, f200w-dropout (published recipes), posterior-z11-lprior, posterior-z15-lprior (opt-in luminosity-prior veto), auto (all six), auto-lprior (the six with the z ≳ 11 lprior variants), a preset JSON file, or a comma list, -name dropping one (each preset in DIR/<name>/, their union in DIR)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--images <spec>', 'postage-stamp images: BAND=coadd.fits,BAND:denoised=den.fits,…')
    .option('--sys-err <frac>', 'photo-z systematic flux-error floor (default 0.05)')
    .option('--flux-scale <k>', 'multiply catalogue fluxes by k to get nJy (default 1)')
    .option('--stamp-size <arcsec>', 'postage-stamp size (default 2)')
    .action(async (catalog: string, o: SelectCliOptions) => { await runSelect(catalog, o); });
}
