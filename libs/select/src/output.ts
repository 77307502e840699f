// Follow-up package writers: candidates.csv / candidates.ecsv (astropy ECSV 1.0), DS9 regions,
// NIRSpec MSA Planning Tool catalogue, selection log. All files are written atomically.
import { abMagFromNJy, abMagErr, loadFilter, NIRCAM_BANDS, HST_BANDS, raToHms, decToDms } from '@asteris/astro';
import { toCsv } from '@asteris/core';
import type { Candidate, SelectionResult } from './select.ts';

// Shared implementations (re-exported here for the public API of @asteris/select).
export { writeFileAtomic as writeAtomic } from '@asteris/core';
export { raToHms, decToDms } from '@asteris/astro';

export interface Column { name: string; dtype: 'int64' | 'float64' | 'string'; unit?: string; description: string }
export interface Table { columns: Column[]; rows: Array<Array<number | string>> }

/** Bands sorted by pivot wavelength (unknown bands last, in input order). */
export function sortBands(bands: string[]): string[] {
  const known = new Set([...NIRCAM_BANDS, ...HST_BANDS]);
  const piv = (b: string) => (known.has(b) ? loadFilter(b).pivot : Infinity);
  return [...bands].sort((a, b) => piv(a) - piv(b));
}

/** The candidates table (one row per selected object, in priority order). */
export function candidatesTable(res: SelectionResult): Table {
  const zs = res.preset.photoz.zSplit;
  const bands = sortBands(res.bands);
  const cols: Column[] = [
    { name: 'rank', dtype: 'int64', description: 'priority rank (1 = observe first)' },
    { name: 'id', dtype: 'string', description: 'input catalogue id' },
    { name: 'ra', dtype: 'float64', unit: 'deg', description: 'right ascension (ICRS/J2000)' },
    { name: 'dec', dtype: 'float64', unit: 'deg', description: 'declination' },
    { name: 'ra_hms', dtype: 'string', description: 'RA sexagesimal hh:mm:ss.sss' },
    { name: 'dec_dms', dtype: 'string', description: 'Dec sexagesimal ±dd:mm:ss.ss' },
    { name: 'preset', dtype: 'string', description: 'selection preset' },
    { name: 'priority_class', dtype: 'int64', description: '1: P>=0.95, dchi2>=9, S/N_det>=10; 2: P>=0.8, dchi2>=6, S/N_det>=7; 3: other selected' },
    { name: 'ref_band', dtype: 'string', description: 'reference band of the preset' },
    { name: 'ref_mag', dtype: 'float64', unit: 'mag', description: 'AB magnitude in the reference band' },
    { name: 'snr_det', dtype: 'float64', description: 'inverse-variance-weighted S/N over the detection bands' },
    { name: 'z_phot', dtype: 'float64', description: 'min-chi2 photometric redshift' },
    { name: 'z_lo68', dtype: 'float64', description: '16th percentile of P(z)' },
    { name: 'z_hi68', dtype: 'float64', description: '84th percentile of P(z)' },
    { name: `p_z_gt${zs}`, dtype: 'float64', description: `P(z > ${zs})` },
    { name: 'dchi2', dtype: 'float64', description: `chi2_min(z < ${zs}) - chi2_min(z >= ${zs})` },
    { name: 'z_low', dtype: 'float64', description: `best solution at z < ${zs}` },
    { name: 'chi2_best', dtype: 'float64', description: 'chi2 of the best fit' },
    { name: 'muv', dtype: 'float64', unit: 'mag', description: 'absolute UV magnitude at rest 1500 A' },
    { name: 'muv_band', dtype: 'string', description: 'band used for M_UV' },
    { name: 'beta', dtype: 'float64', description: 'UV slope used for M_UV' },
    { name: 'break_colour', dtype: 'float64', unit: 'mag', description: 'break colour (blue band at max(f, 2 sigma))' },
    { name: 'red_colour', dtype: 'float64', unit: 'mag', description: 'red-side colour' },
    { name: 'chi2_opt', dtype: 'float64', description: 'sum sgn(f)(f/sigma)^2 over the non-detection bands' },
  ];
  for (const b of bands) {
    cols.push({ name: `flux_${b}`, dtype: 'float64', unit: 'nJy', description: `${b} flux` });
    cols.push({ name: `fluxerr_${b}`, dtype: 'float64', unit: 'nJy', description: `${b} flux error` });
    cols.push({ name: `mag_${b}`, dtype: 'float64', unit: 'mag', description: `${b} AB magnitude (99 if flux <= 0)` });
    cols.push({ name: `magerr_${b}`, dtype: 'float64', unit: 'mag', description: `${b} magnitude error` });
    cols.push({ name: `snr_${b}`, dtype: 'float64', description: `${b} flux / error` });
  }
  cols.push({ name: 'reasons', dtype: 'string', description: 'notes (low-z alternatives, flags); empty when clean' });
  const rows = res.candidates.map((c, i) => candidateRow(c, i + 1, bands, res.preset.referenceBand));
  return { columns: cols, rows };
}

function r(x: number, d: number): number { return Number.isFinite(x) ? Number(x.toFixed(d)) : NaN; }

function candidateRow(c: Candidate, rank: number, bands: string[], refBand: string): Array<number | string> {
  const p = c.pz!;
  const row: Array<number | string> = [
    rank, c.id, r(c.ra, 7), r(c.dec, 7), raToHms(c.ra), decToDms(c.dec), c.preset, c.priorityClass,
    refBand, r(c.refMag, 3), r(c.snrDet, 2), r(p.zBest, 3), r(p.zLo68, 3), r(p.zHi68, 3), r(p.pHigh, 4), r(p.dchi2, 2),
    r(p.zLow, 3), r(p.chi2Best, 2), r(c.muv, 3), c.muvBand ?? '', r(c.beta, 2), r(c.breakColour, 3),
    r(c.redColour, 3), r(c.chi2Opt, 2),
  ];
  for (const b of bands) {
    const f = c.flux[b], e = c.fluxErr[b];
    const m = abMagFromNJy(f);
    row.push(r(f, 4), r(e, 4), Number.isFinite(m) ? r(m, 3) : 99, Number.isFinite(m) ? r(abMagErr(f, e), 3) : 99, r(f / e, 2));
  }
  row.push(c.notes.join('; '));
  return row;
}

/** RFC 4180 CSV of a table; non-finite numbers as nan/inf/-inf (astropy reads them back). */
export function tableToCsv(t: Table): string {
  return toCsv(t.columns.map((c) => c.name), t.rows, { nonFinite: 'text' });
}

/** astropy ECSV 1.0 (comma-delimited), with units and descriptions in the YAML header. */
export function tableToEcsv(t: Table, meta: Record<string, string | number> = {}): string {
  const yq = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const h: string[] = ['# %ECSV 1.0', '# ---', "# delimiter: ','", '# datatype:'];
  for (const c of t.columns) {
    const parts = [`name: ${c.name}`, `datatype: ${c.dtype}`];
    if (c.unit) parts.push(`unit: ${c.unit}`);
    parts.push(`description: ${yq(c.description)}`);
    h.push(`# - {${parts.join(', ')}}`);
  }
  const mk = Object.keys(meta);
  if (mk.length) {
    h.push('# meta: !!omap');
    for (const k of mk) h.push(`# - ${k}: ${typeof meta[k] === 'number' ? meta[k] : yq(String(meta[k]))}`);
  }
  h.push('# schema: astropy-2.0');
  return h.join('\n') + '\n' + tableToCsv(t);
}

/** DS9 region file (fk5): a circle per candidate labelled with id, z_phot and priority class. */
export function ds9Regions(res: SelectionResult, radiusArcsec = 0.6): string {
  const colour = ['green', 'green', 'cyan', 'yellow'];
  const lines = ['# Region file format: DS9 version 4.1', `# asteris select: preset ${res.preset.name}`,
    'global color=green dashlist=8 3 width=1 font="helvetica 10 normal roman" select=1 highlite=1 dash=0 fixed=0 edit=1 move=1 delete=1 include=1 source=1',
    'fk5'];
  for (const c of res.candidates) {
    if (!Number.isFinite(c.ra) || !Number.isFinite(c.dec)) continue;
    lines.push(`circle(${c.ra.toFixed(7)},${c.dec.toFixed(7)},${radiusArcsec}") # color=${colour[c.priorityClass] ?? 'yellow'} text={${c.id} z=${c.pz!.zBest.toFixed(2)} P${c.priorityClass}}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * NIRSpec MSA Planning Tool catalogue (JDox "MPT Catalogs"): whitespace-separated, header line
 * starting with '#', integer ID (1…1e6) first, RA/DEC in degrees, recognised labels Magnitude,
 * Redshift, Weight, Stellarity (−1 = unknown), Label; plus Priority_class. Weight = 100/50/10 for
 * classes 1/2/3 so MPT favours class 1. Non-integer catalogue ids are replaced by the rank and kept in Label.
 */
export function msaTargetList(res: SelectionResult): string {
  return msaTargets(res).text;
}

/**
 * The MSA target list and the ids left out of it: a candidate whose RA or Dec is not a finite number
 * (empty cell, sexagesimal text) cannot be placed on a shutter, so it is skipped, never written as NaN.
 */
export function msaTargets(res: SelectionResult): { text: string; skipped: string[] } {
  const skipped: string[] = [];
  const lines = [`# ID RA DEC Priority_class Weight Magnitude Redshift Stellarity Label`,
    `# Magnitude = AB in ${res.preset.referenceBand}; preset ${res.preset.name}`];
  res.candidates.forEach((c, i) => {
    if (!(Number.isFinite(c.ra) && Number.isFinite(c.dec) && c.dec >= -90 && c.dec <= 90)) { skipped.push(c.id); return; }
    const n = Number(c.id);
    const intId = Number.isInteger(n) && n >= 1 && n <= 1e6 ? n : i + 1;
    const weight = c.priorityClass === 1 ? 100 : c.priorityClass === 2 ? 50 : 10;
    const mag = Number.isFinite(c.refMag) ? c.refMag.toFixed(3) : '99.000';
    const label = `${res.preset.name}_${String(c.id).replace(/\s+/g, '_')}`;
    lines.push(`${intId} ${c.ra.toFixed(7)} ${c.dec.toFixed(7)} ${c.priorityClass} ${weight} ${mag} ${c.pz!.zBest.toFixed(2)} -1 ${label}`);
  });
  return { text: lines.join('\n') + '\n', skipped };
}

/** Every input row with its decision and reasons (for auditing rejections). */
export function selectionLog(res: SelectionResult): string {
  const t: Table = {
    columns: [
      { name: 'id', dtype: 'string', description: '' }, { name: 'selected', dtype: 'int64', description: '' },
      { name: 'z_phot', dtype: 'float64', description: '' }, { name: 'p_high', dtype: 'float64', description: '' },
      { name: 'dchi2', dtype: 'float64', description: '' }, { name: 'reasons', dtype: 'string', description: '' },
    ],
    rows: res.all.map((c) => [c.id, c.selected ? 1 : 0, r(c.pz?.zBest ?? NaN, 3), r(c.pz?.pHigh ?? NaN, 4), r(c.pz?.dchi2 ?? NaN, 2),
      (c.selected ? c.notes : c.reasons).join('; ')]),
  };
  return tableToCsv(t);
}
