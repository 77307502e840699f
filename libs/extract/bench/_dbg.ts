import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nullDetectionImages, meshSubtracted, detectionBank, detectBank, bankNoise, detectionImageOf } from '@asteris/extract';
const out = process.argv[2]!;
const det = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
const imgs = det.products.filter((p: any) => p.stage === 'images').map((p: any) => p.key);
// find the main images dirs: those with null_coadd.fits
import { existsSync, readdirSync } from 'node:fs';
const dirs = readdirSync(join(out, 'cache/images')).map((k) => join(out, 'cache/images', k)).filter((d) => existsSync(join(d, 'null_coadd.fits')));
console.log(dirs.length);
const files = dirs.map((d) => ({ coadd: join(d, 'coadd.fits'), denoised: join(d, 'denoised.fits'), nullCoadd: join(d, 'null_coadd.fits'), nullDenoised: join(d, 'null_denoised.fits') }));
const bank = detectionBank({ psfFwhmPx: 3.05, pixScaleArcsec: 0.04 });
for (const which of ['nullCoadd', 'nullDenoised'] as const) {
  const nulls = nullDetectionImages(files, which, 'ivw').map((m) => meshSubtracted(m));
  const sigma = bankNoise(nulls, bank);
  const field = meshSubtracted(detectionImageOf(files, which === 'nullDenoised', 'ivw').image);
  const fd = detectBank(field, bank, { threshold: 4, sigma, background: 0 });
  nulls.forEach((n, k) => {
    const d = detectBank(n, bank, { threshold: 3.5, sigma, background: 0 });
    const near = (q: any) => fd.filter((f) => Math.hypot(f.x - q.x, f.y - q.y) < 4).map((f) => f.snr.toFixed(1)).join('/');
    console.log(which, k, d.length, 'top:', d.slice(0, 8).map((q) => `${q.snr.toFixed(1)}@${q.x},${q.y}k${q.kernel} [field ${near(q)}]`).join('  '));
  });
}
