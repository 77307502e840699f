// Whitler+25 JADES candidates through the LF with a completeness model from JADES depth tiers, against
// Donnan+24 and Finkelstein+24 (CoReCon 'Finkelstein et al. 2023' = arXiv:2311.04279) per published bin.
//   node --import tsx libs/lumfunc/bench/whitler.bench.ts
// Shares its set-up with test/whitler.test.ts (test/whitler-setup.ts); see docs/lumfunc.md § Whitler+25.
import { whitlerComparison } from '../test/whitler-setup.ts';

for (const variant of ['tiers', 'tiers+window'] as const) {
  const r = whitlerComparison({ zWindow: variant === 'tiers+window' });
  console.log(`\n== ${variant}: M_UV offset to the catalogue's MUV scale ${r.magOffset.toFixed(3)} mag; tiers ${r.tiers.map((t) => `${t.name} ${t.areaArcmin2}′² @ ${t.m5sigma.toFixed(2)}`).join(', ')}`);
  for (const c of r.comparisons) {
    console.log(`z ${c.zLo}-${c.zHi} ${c.source.slice(0, 10)} M ${c.M} n=${c.n} log φ ${c.logPhi.toFixed(2)} vs ${c.logPhiPub.toFixed(2)}  Δ ${c.delta.toFixed(2)} dex  (${c.nSigma.toFixed(1)}σ, σ=${c.sigma.toFixed(2)})`);
  }
}

// Same sample, Whitler+25's own binned φ (z ≈ 8.5–12, z_med = 9.8, 1-mag bins): values as transcribed in
// a public repository's code (not checked against the paper's table; diagnostic only). The ratio
// φ(ours)/φ(Whitler) = V_eff(Whitler)/V_eff(ours) isolates the effective-volume difference.
{
  const { Cosmology } = await import('@asteris/astro');
  const { binnedLF, depthTierCompleteness } = await import('../src/index.ts');
  const { loadWhitler } = await import('../test/whitler-setup.ts');
  const s = loadWhitler();
  const comp = depthTierCompleteness(s.tiers, { zEdges: Array.from({ length: 41 }, (_, i) => 8 + 0.1 * i), mEdges: Array.from({ length: 81 }, (_, i) => 24 + 0.1 * i), magOffset: s.magOffset });
  const W: Array<[number, number]> = [[-21.4, 0.4e-5], [-20.4, 3.6e-5], [-19.4, 17e-5], [-18.4, 78e-5], [-17.4, 330e-5]];
  console.log('\n== z 8.5–12 vs Whitler+25 published (diagnostic)');
  for (const [M, phiW] of W) {
    const [b] = binnedLF(s.cands, comp, { zLo: 8.5, zHi: 12, mEdges: [M - 0.5, M + 0.5], cosmo: new Cosmology() });
    console.log(`M ${M} n=${b.nRaw} φ=${b.phi.toExponential(2)} Whitler ${phiW.toExponential(2)} → V_eff(Whitler)/V_eff(ours) = ${(b.phi / phiW).toFixed(2)} (ours ${b.veff.toExponential(2)} Mpc³)`);
  }
}
