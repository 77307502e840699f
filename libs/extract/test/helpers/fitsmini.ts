// Minimal FITS primary-image reader for tests only (BITPIX 8/16/32/-32/-64, BSCALE/BZERO), so that the
// extract tests do not depend on the order in which libraries land. Production code uses @asteris/fits.
import { readFileSync } from 'node:fs';

export interface MiniImage { width: number; height: number; data: Float32Array; header: Map<string, string> }

export function readFitsPrimary(path: string): MiniImage {
  const buf = readFileSync(path);
  const header = new Map<string, string>();
  let off = 0;
  for (;;) {
    const card = buf.toString('latin1', off, off + 80);
    off += 80;
    const key = card.slice(0, 8).trim();
    if (key === 'END') break;
    if (card[8] === '=') header.set(key, card.slice(10).split('/')[0]!.trim().replace(/^'|'$/g, '').trim());
  }
  off = Math.ceil(off / 2880) * 2880;
  const bitpix = Number(header.get('BITPIX'));
  const w = Number(header.get('NAXIS1'));
  const h = Number(header.get('NAXIS2'));
  const bscale = Number(header.get('BSCALE') ?? 1);
  const bzero = Number(header.get('BZERO') ?? 0);
  const n = w * h;
  const out = new Float32Array(n);
  const dv = new DataView(buf.buffer, buf.byteOffset + off);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (bitpix) {
      case 8: v = dv.getUint8(i); break;
      case 16: v = dv.getInt16(2 * i); break;
      case 32: v = dv.getInt32(4 * i); break;
      case -32: v = dv.getFloat32(4 * i); break;
      case -64: v = dv.getFloat64(8 * i); break;
      default: throw new Error(`${path}: BITPIX ${bitpix} unsupported`);
    }
    out[i] = bitpix > 0 ? v * bscale + bzero : v;
  }
  return { width: w, height: h, data: out, header };
}
