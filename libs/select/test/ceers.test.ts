// Real photometry: CEERS v0.2 epoch-1 high-z catalogues (data/external/ceers_v0.2_highz_catalogs;
// fluxes already in nJy per its README). Our photo-z P(z > 8) vs the team's EAZY pz_INT_ZGT8, and the
// presets' selections. The numbers pinned here were measured with this code (docs/select.md); a
// regression in templates, IGM, NNLS or the cuts moves them.
import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readCatalogueCsv, loadPreset, selectCandidates, photozCatalogue, selectionLog, presetList, POSTERIOR_PRESETS, type Catalogue } from '../src/index.ts';

const DIR = fileURLToPath(new URL('../../../data/external/ceers_v0.2_highz_catalogs/', import.meta.url));
const FIELDS = ['NIRCam1', 'NIRCam2', 'NIRCam3', 'NIRCam6'];

function pGt(z: Float64Array, pz: Float64Array, zc: number): number {
  let s = 0;
  for (let i = 1; i < z.length; i++) {
    if (z[i] <= zc) continue;
    const a = Math.max(z[i - 1], zc);
    const pa = z[i - 1] >= zc ? pz[i - 1] : pz[i - 1] + ((pz[i] - pz[i - 1]) * (zc - z[i - 1])) / (z[i] - z[i - 1]);
    s += 0.5 * (pa + pz[i]) * (z[i] - a);
  }
  return s;
}

describe('CEERS v0.2 catalogues', () => {
  const cats: Catalogue[] = FIELDS.map((f) => readCatalogueCsv(`${DIR}CEERS_${f}_v0.2-high-z.v0.1.csv`));
  const pzs = cats.map((c) => photozCatalogue(c, { zSplit: 7, keepPz: true }));

  it('P(z > 8) ≥ 0.5 agrees with the CEERS team (pz_INT_ZGT8) for ≥ 98.5 % of 744 objects', () => {
    const conf = [[0, 0], [0, 0]]; // [team][ours]
    cats.forEach((cat, k) => cat.rows.forEach((r, i) => {
      const p = pzs[k].results[i]!;
      conf[(r.pz_INT_ZGT8 as number) >= 0.5 ? 1 : 0][pGt(p.z!, p.pz!, 8) >= 0.5 ? 1 : 0]++;
    }));
    const n = conf[0][0] + conf[0][1] + conf[1][0] + conf[1][1];
    expect(n).toBe(744);
    // measured: [[718, 3], [5, 18]]
    expect((conf[0][0] + conf[1][1]) / n).toBeGreaterThanOrEqual(0.985);
    expect(conf[1][1]).toBeGreaterThanOrEqual(17);      // team high-z recovered
    expect(conf[0][1]).toBeLessThanOrEqual(5);           // our extra high-z
  });

  it('all 10 Finkelstein+22 z > 8.5 candidates (F22 file) get P(z > 8) ≥ 0.5', () => {
    const cat = readCatalogueCsv(`${DIR}CEERS_NIRCam1_v0.2-F22.csv`);
    const pz = photozCatalogue(cat, { keepPz: true });
    const p8 = pz.results.map((p) => pGt(p!.z!, p!.pz!, 8));
    expect(p8.filter((p) => p >= 0.5).length).toBe(10);
    // ID 1730 (z_a = 13.36 in the team catalogue) is placed at z > 12
    const i1730 = cat.rows.findIndex((r) => r.ID === 1730);
    expect(pz.results[i1730]!.zBest).toBeGreaterThan(12);
  });

  it('F115W-dropout preset selects 5 objects, all with team P(z > 8) ≥ 0.98; no F150W/F200W dropouts', () => {
    const sel: number[] = [];
    let n150 = 0, n200 = 0;
    cats.forEach((cat, k) => {
      const opts = { photoz: pzs[k] };
      const r115 = selectCandidates(cat, loadPreset('f115w-dropout'), opts);
      for (const c of r115.candidates) sel.push(cat.rows[c.index].pz_INT_ZGT8 as number);
      n150 += selectCandidates(cat, loadPreset('f150w-dropout'), opts).candidates.length;
      n200 += selectCandidates(cat, loadPreset('f200w-dropout'), opts).candidates.length;
    });
    expect(sel.length).toBe(5);
    for (const p of sel) expect(p).toBeGreaterThanOrEqual(0.98);
    expect(n150).toBe(0);
    expect(n200).toBe(0);
  });

  it('posterior-led presets together: ≥ 80 % of the team\'s P(z>8) ≥ 0.9 objects, ≤ 10 % of the selection with team P(z>8) < 0.2', () => {
    const presets = POSTERIOR_PRESETS.map((p) => loadPreset(p));
    let nTeam = 0, nTeamSel = 0, nSel = 0, nBad = 0;
    cats.forEach((cat, k) => {
      const res = presets.map((p) => selectCandidates(cat, p, { photoz: pzs[k] }));
      cat.rows.forEach((r, i) => {
        const t = r.pz_INT_ZGT8 as number;
        const sel = res.some((x) => x.all[i].selected);
        if (t >= 0.9) { nTeam++; if (sel) nTeamSel++; }
        if (sel) { nSel++; if (t < 0.2) nBad++; }
      });
      // every row has a logged decision: notes when kept, reasons when rejected
      for (const x of res) for (const c of x.all) expect((c.selected ? c.notes : c.reasons).length).toBeGreaterThan(0);
      expect(selectionLog(res[0]).split('\n').length).toBeGreaterThan(cat.rows.length);
    });
    // measured: 11 of 11 team objects; 16 selected, 0 with team P(z>8) < 0.2
    expect(nTeam).toBe(11);
    expect(nTeamSel / nTeam).toBeGreaterThanOrEqual(0.8);
    expect(nBad / nSel).toBeLessThanOrEqual(0.1);
  });

  it('with the z ≳ 11 luminosity-prior variants instead (posterior-z8 + the two -lprior presets) the goal still holds', () => {
    const presets = presetList('posterior-z8,posterior-z11-lprior,posterior-z15-lprior').map((p) => loadPreset(p));
    let nTeam = 0, nTeamSel = 0, nSel = 0, nBad = 0;
    cats.forEach((cat, k) => {
      const res = presets.map((p) => selectCandidates(cat, p, { photoz: pzs[k] }));
      cat.rows.forEach((r, i) => {
        const t = r.pz_INT_ZGT8 as number;
        const sel = res.some((x) => x.all[i].selected);
        if (t >= 0.9) { nTeam++; if (sel) nTeamSel++; }
        if (sel) { nSel++; if (t < 0.2) nBad++; }
      });
    });
    // measured: 11 of 11, 16 selected, 0 bad (as the flat presets: every CEERS selection comes through posterior-z8)
    expect(nTeam).toBe(11);
    expect(nTeamSel / nTeam).toBeGreaterThanOrEqual(0.8);
    expect(nBad / nSel).toBeLessThanOrEqual(0.1);
  });
});
