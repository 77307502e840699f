// Square image cut-outs (postage stamps) on row-major typed arrays.

/** A size×size box centred on pixel (x, y) (0-based; rounded to the nearest pixel); pixels outside the image are NaN. */
export function cutout(data: ArrayLike<number>, width: number, height: number, x: number, y: number, size: number): Float32Array {
  const out = new Float32Array(size * size).fill(NaN);
  const x0 = Math.round(x) - Math.floor(size / 2), y0 = Math.round(y) - Math.floor(size / 2);
  for (let j = 0; j < size; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= height) continue;
    for (let i = 0; i < size; i++) {
      const xx = x0 + i;
      if (xx >= 0 && xx < width) out[j * size + i] = data[yy * width + xx]!;
    }
  }
  return out;
}
