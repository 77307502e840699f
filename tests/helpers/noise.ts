// Test helper shared by the images-stage tests (combine, selfcal): the noise of the detection statistic.

/**
 * Robust σ (1.4826 × MAD) of (img − sky) correlated with a Gaussian PSF of σ `psf` px (7 × 7 taps), over the
 * `size` × `size` image less a `margin`-px border: the noise a PSF-matched detector sees.
 */
export function psfFilteredNoise(img: Float32Array, sky: Float32Array, size: number, psf: number, margin: number): number {
  const r = Float32Array.from(img, (v, i) => v - sky[i]!), out: number[] = [];
  for (let y = margin; y < size - margin; y++) for (let x = margin; x < size - margin; x++) {
    let s = 0;
    for (let j = -3; j <= 3; j++) for (let i = -3; i <= 3; i++) s += Math.exp(-(i * i + j * j) / (2 * psf * psf)) * r[(y + j) * size + x + i]!;
    out.push(s);
  }
  out.sort((a, b) => a - b);
  const med = out[out.length >> 1]!;
  const dev = out.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  return 1.4826 * dev[dev.length >> 1]!;
}
