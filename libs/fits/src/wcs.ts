// World coordinates: the gnomonic (TAN) projection of Calabretta & Greisen 2002 (A&A 395, 1077;
// "Paper II", §5.1.3 and the spherical rotation of eq. 2/5), with the linear part from CDi_j, or
// PCi_j × CDELTi (Greisen & Calabretta 2002, Paper I), or the old CROTA2 convention; optional SIP
// distortion (Shupe et al. 2005, ASP Conf. 347, 491). Pixel coordinates are 0-based in the API
// (FITS CRPIX is 1-based: 0-based reference pixel = CRPIX − 1).

import { FitsError } from './errors.ts';
import { Header } from './header.ts';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

export interface Sip {
  /** Forward polynomials: a[p][q] multiplies u^p v^q (p + q ≤ order). */
  a: number[][]; b: number[][]; aOrder: number; bOrder: number;
  /** Optional inverse polynomials (AP/BP); refined by Newton iteration either way. */
  ap?: number[][]; bp?: number[][]; apOrder?: number; bpOrder?: number;
}

export interface WcsParams {
  /** 1-based reference pixel (as CRPIX in FITS). */
  crpix: [number, number];
  /** Reference sky position [RA, Dec] in degrees. */
  crval: [number, number];
  /** Linear transformation matrix in degrees per pixel: [[CD1_1, CD1_2], [CD2_1, CD2_2]]. */
  cd: [[number, number], [number, number]];
  lonpole?: number;
  sip?: Sip;
  /** Axis names, e.g. ['RA', 'DEC'] (default). */
  axes?: [string, string];
  radesys?: string;
}

export class Wcs {
  readonly crpix: [number, number];
  readonly crval: [number, number];
  readonly cd: [[number, number], [number, number]];
  readonly lonpole: number;
  readonly sip?: Sip;
  readonly axes: [string, string];
  readonly radesys?: string;
  private readonly inv: [[number, number], [number, number]];

  constructor(p: WcsParams) {
    this.crpix = p.crpix;
    this.crval = p.crval;
    this.cd = p.cd;
    // Default LONPOLE for zenithal projections (Paper II §2.4): 0 if δ0 ≥ θ0 = 90°, else 180°.
    this.lonpole = p.lonpole ?? (p.crval[1] >= 90 ? 0 : 180);
    this.sip = p.sip;
    this.axes = p.axes ?? ['RA', 'DEC'];
    this.radesys = p.radesys;
    const [[a, b], [c, d]] = p.cd;
    const det = a * d - b * c;
    if (!(Math.abs(det) > 0) || !Number.isFinite(det)) throw new FitsError('WCS matrix (CD or PC×CDELT) is singular');
    this.inv = [[d / det, -b / det], [-c / det, a / det]];
  }

  /** Reads a TAN (optionally TAN-SIP) celestial WCS from a header. */
  static fromHeader(h: Header, file?: string): Wcs {
    const c1 = (h.getString('CTYPE1') ?? '').trim().toUpperCase();
    const c2 = (h.getString('CTYPE2') ?? '').trim().toUpperCase();
    if (!c1 || !c2) throw new FitsError('no celestial WCS (CTYPE1/CTYPE2 missing or blank)', { file });
    const m1 = /^([A-Z]{1,4})-*-([A-Z]{3})(-SIP)?$/.exec(c1);
    const m2 = /^([A-Z]{1,4})-*-([A-Z]{3})(-SIP)?$/.exec(c2);
    if (!m1 || !m2) throw new FitsError(`unsupported WCS axes CTYPE1='${c1}', CTYPE2='${c2}'`, { file });
    if (m1[2] !== 'TAN' || m2[2] !== 'TAN') {
      throw new FitsError(`unsupported projection '${m1[2] !== 'TAN' ? m1[2] : m2[2]}' (only TAN, optionally with SIP)`, { file });
    }
    const lat = /^(DEC|.LAT|..LT)$/;
    if (lat.test(m1[1]) || !lat.test(m2[1])) {
      throw new FitsError(`unsupported WCS axis order CTYPE1='${c1}', CTYPE2='${c2}' (need longitude first)`, { file });
    }
    for (const k of ['CUNIT1', 'CUNIT2']) {
      const u = h.getString(k)?.trim().toLowerCase();
      if (u && u !== 'deg') throw new FitsError(`unsupported ${k}='${u}' (only deg)`, { file });
    }
    const num = (k: string, f: number): number => {
      const v = h.getNumber(k, f)!;
      if (!Number.isFinite(v)) throw new FitsError(`invalid ${k}`, { file });
      return v;
    };
    const crpix: [number, number] = [num('CRPIX1', 0), num('CRPIX2', 0)];
    const crval: [number, number] = [num('CRVAL1', 0), num('CRVAL2', 0)];
    let cd: [[number, number], [number, number]];
    const hasPc = ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'].some((k) => h.has(k));
    // As in wcslib: PCi_j takes precedence over CDi_j; with CDi_j alone, CDELTi is ignored.
    if (!hasPc && ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].some((k) => h.has(k))) {
      cd = [[num('CD1_1', 0), num('CD1_2', 0)], [num('CD2_1', 0), num('CD2_2', 0)]];
    } else {
      const cdelt1 = num('CDELT1', 1);
      const cdelt2 = num('CDELT2', 1);
      let pc: [[number, number], [number, number]];
      if (hasPc) {
        pc = [[num('PC1_1', 1), num('PC1_2', 0)], [num('PC2_1', 0), num('PC2_2', 1)]];
      } else if (h.has('CROTA2')) {
        // AIPS convention (Paper II §6.1): rotation of the latitude axis.
        const r = num('CROTA2', 0) * D2R;
        pc = [[Math.cos(r), -Math.sin(r) * (cdelt2 / cdelt1)], [Math.sin(r) * (cdelt1 / cdelt2), Math.cos(r)]];
      } else {
        pc = [[1, 0], [0, 1]];
      }
      cd = [[cdelt1 * pc[0][0], cdelt1 * pc[0][1]], [cdelt2 * pc[1][0], cdelt2 * pc[1][1]]];
    }
    let sip: Sip | undefined;
    if (m1[3] || m2[3]) sip = readSip(h, file);
    const lonpole = h.has('LONPOLE') ? num('LONPOLE', 180) : undefined;
    try {
      return new Wcs({ crpix, crval, cd, lonpole, sip, axes: [m1[1], m2[1]], radesys: h.getString('RADESYS')?.trim() });
    } catch (e) {
      if (e instanceof FitsError) throw new FitsError(e.problem, { file });
      throw e;
    }
  }

  /** 0-based pixel → [RA, Dec] in degrees. */
  pixelToSky(x: number, y: number): [number, number] {
    let u = x + 1 - this.crpix[0];
    let v = y + 1 - this.crpix[1];
    if (this.sip) {
      const du = poly(this.sip.a, this.sip.aOrder, u, v);
      const dv = poly(this.sip.b, this.sip.bOrder, u, v);
      u += du;
      v += dv;
    }
    const X = this.cd[0][0] * u + this.cd[0][1] * v;
    const Y = this.cd[1][0] * u + this.cd[1][1] * v;
    return this.intermediateToSky(X, Y);
  }

  /** Intermediate world coordinates (degrees) → sky, TAN deprojection + spherical rotation. */
  intermediateToSky(X: number, Y: number): [number, number] {
    const r = Math.hypot(X, Y) * D2R;
    const phi = r === 0 ? 0 : Math.atan2(X, -Y);
    // TAN: R = (180/π) cot θ, so with r in radians sin θ = 1/√(1+r²), cos θ = r/√(1+r²).
    const q = 1 / Math.sqrt(1 + r * r);
    const st = q, ct = r * q;
    const dp = this.crval[1] * D2R;
    const dphi = phi - this.lonpole * D2R;
    const sdp = Math.sin(dp), cdp = Math.cos(dp);
    // atan2 forms keep full precision near the poles and near the reference point.
    const ya = -ct * Math.sin(dphi);
    const xa = st * cdp - ct * sdp * Math.cos(dphi);
    const ra = this.crval[0] + R2D * Math.atan2(ya, xa);
    const dec = R2D * Math.atan2(st * sdp + ct * cdp * Math.cos(dphi), Math.hypot(ya, xa));
    return [((ra % 360) + 360) % 360, dec];
  }

  /** [RA, Dec] in degrees → 0-based pixel; NaN when the point is on the far hemisphere. */
  skyToPixel(ra: number, dec: number): [number, number] {
    const a = (ra - this.crval[0]) * D2R;
    const d = dec * D2R;
    const dp = this.crval[1] * D2R;
    const sd = Math.sin(d), cdd = Math.cos(d), sdp = Math.sin(dp), cdp = Math.cos(dp);
    const A = -cdd * Math.sin(a);
    const B = sd * cdp - cdd * sdp * Math.cos(a);
    const sinTheta = sd * sdp + cdd * cdp * Math.cos(a);
    const phi = this.lonpole * D2R + Math.atan2(A, B);
    if (!(sinTheta > 0)) return [NaN, NaN];
    // cos θ from the two small components (no cancellation), R = (180/π) cot θ
    const R = R2D * (Math.hypot(A, B) / sinTheta);
    const X = R * Math.sin(phi);
    const Y = -R * Math.cos(phi);
    const up = this.inv[0][0] * X + this.inv[0][1] * Y;
    const vp = this.inv[1][0] * X + this.inv[1][1] * Y;
    let u = up, v = vp;
    if (this.sip) [u, v] = this.sipInverse(up, vp);
    return [u + this.crpix[0] - 1, v + this.crpix[1] - 1];
  }

  /** Solves u + A(u, v) = up, v + B(u, v) = vp (start from AP/BP when given, then Newton). */
  private sipInverse(up: number, vp: number): [number, number] {
    const s = this.sip!;
    let u = up, v = vp;
    if (s.ap && s.bp) {
      u = up + poly(s.ap, s.apOrder!, up, vp);
      v = vp + poly(s.bp, s.bpOrder!, up, vp);
    }
    for (let it = 0; it < 50; it++) {
      const fu = u + poly(s.a, s.aOrder, u, v) - up;
      const fv = v + poly(s.b, s.bOrder, u, v) - vp;
      if (Math.abs(fu) < 1e-12 && Math.abs(fv) < 1e-12) break;
      const [au, av] = polyGrad(s.a, s.aOrder, u, v);
      const [bu, bv] = polyGrad(s.b, s.bOrder, u, v);
      const j11 = 1 + au, j12 = av, j21 = bu, j22 = 1 + bv;
      const det = j11 * j22 - j12 * j21;
      if (!(Math.abs(det) > 1e-12)) break;
      u -= (j22 * fu - j12 * fv) / det;
      v -= (-j21 * fu + j11 * fv) / det;
    }
    return [u, v];
  }

  /** sqrt(|det CD|) × 3600 (arcsec per pixel, at the reference point). */
  pixelScaleArcsec(): number {
    return Math.sqrt(Math.abs(this.det())) * 3600;
  }

  /** |det CD| in steradians (pixel solid angle at the reference point). */
  pixelAreaSr(): number {
    return Math.abs(this.det()) * D2R * D2R;
  }

  private det(): number {
    return this.cd[0][0] * this.cd[1][1] - this.cd[0][1] * this.cd[1][0];
  }

  /** Writes CTYPE/CUNIT/CRPIX/CRVAL/CD (and SIP) cards, removing conflicting PC/CDELT/CROTA cards. */
  toHeader(h: Header): void {
    const old = /^(PC\d_\d|CDELT\d|CROTA\d|CD\d_\d|[AB]P?_(ORDER|\d+_\d+)|[AB]_DMAX|CTYPE\d|CUNIT\d|CRPIX\d|CRVAL\d|LONPOLE|LATPOLE|PV\d_\d+)$/;
    h.cards = h.cards.filter((c) => !old.test(c.key));
    const sfx = this.sip ? '-SIP' : '';
    const ctype = (ax: string): string => (ax.padEnd(4, '-') + '-TAN' + sfx);
    h.set('WCSAXES', 2, 'number of World Coordinate System axes');
    h.set('CTYPE1', ctype(this.axes[0]), 'TAN (gnomonic) projection');
    h.set('CTYPE2', ctype(this.axes[1]), 'TAN (gnomonic) projection');
    h.set('CUNIT1', 'deg');
    h.set('CUNIT2', 'deg');
    h.set('CRPIX1', this.crpix[0], 'reference pixel (1-based)');
    h.set('CRPIX2', this.crpix[1], 'reference pixel (1-based)');
    h.set('CRVAL1', this.crval[0], '[deg] RA at reference pixel');
    h.set('CRVAL2', this.crval[1], '[deg] Dec at reference pixel');
    h.set('CD1_1', this.cd[0][0]);
    h.set('CD1_2', this.cd[0][1]);
    h.set('CD2_1', this.cd[1][0]);
    h.set('CD2_2', this.cd[1][1]);
    if (this.lonpole !== (this.crval[1] >= 90 ? 0 : 180)) h.set('LONPOLE', this.lonpole);
    if (!h.has('RADESYS')) h.set('RADESYS', this.radesys || 'ICRS');
    if (this.sip) {
      const s = this.sip;
      const put = (name: string, c: number[][], order: number): void => {
        h.set(`${name}_ORDER`, order);
        for (let p = 0; p <= order; p++) for (let q = 0; q <= order - p; q++) if (c[p]?.[q]) h.set(`${name}_${p}_${q}`, c[p][q]);
      };
      put('A', s.a, s.aOrder);
      put('B', s.b, s.bOrder);
      if (s.ap && s.bp) { put('AP', s.ap, s.apOrder!); put('BP', s.bp, s.bpOrder!); }
    }
  }

  /** A short description: projection, centre of an image of the given size, pixel scale. */
  summary(width: number, height: number): { projection: string; ra: number; dec: number; scaleArcsec: number } {
    const [ra, dec] = this.pixelToSky((width - 1) / 2, (height - 1) / 2);
    return { projection: this.sip ? 'TAN-SIP' : 'TAN', ra, dec, scaleArcsec: this.pixelScaleArcsec() };
  }
}

/** North-up, east-left TAN WCS (rotation counter-clockwise, degrees); crpix0 is 0-based. */
export function tanWcs(opts: { crval: [number, number]; crpix0: [number, number]; scaleArcsec: number; rotationDeg?: number }): Wcs {
  const s = opts.scaleArcsec / 3600;
  const r = (opts.rotationDeg ?? 0) * D2R;
  const c = Math.cos(r), sn = Math.sin(r);
  return new Wcs({
    crpix: [opts.crpix0[0] + 1, opts.crpix0[1] + 1],
    crval: opts.crval,
    cd: [[-s * c, s * sn], [s * sn, s * c]],
  });
}

function poly(c: number[][], order: number, u: number, v: number): number {
  let sum = 0;
  let up = 1;
  for (let p = 0; p <= order; p++) {
    let vq = 1;
    const row = c[p];
    for (let q = 0; q <= order - p; q++) {
      const k = row?.[q];
      if (k) sum += k * up * vq;
      vq *= v;
    }
    up *= u;
  }
  return sum;
}

function polyGrad(c: number[][], order: number, u: number, v: number): [number, number] {
  let du = 0, dv = 0;
  for (let p = 0; p <= order; p++) {
    for (let q = 0; q <= order - p; q++) {
      const k = c[p]?.[q];
      if (!k) continue;
      if (p > 0) du += k * p * u ** (p - 1) * v ** q;
      if (q > 0) dv += k * q * u ** p * v ** (q - 1);
    }
  }
  return [du, dv];
}

function readSip(h: Header, file?: string): Sip {
  const coeffs = (name: string): { c: number[][]; order: number } | undefined => {
    const order = h.getNumber(`${name}_ORDER`);
    if (order === undefined) return undefined;
    if (!Number.isInteger(order) || order < 0 || order > 9) throw new FitsError(`invalid ${name}_ORDER ${order}`, { file });
    const c: number[][] = [];
    for (let p = 0; p <= order; p++) {
      c.push([]);
      for (let q = 0; q <= order - p; q++) c[p].push(h.getNumber(`${name}_${p}_${q}`, 0)!);
    }
    return { c, order };
  };
  const a = coeffs('A');
  const b = coeffs('B');
  if (!a || !b) throw new FitsError('CTYPE says -SIP but A_ORDER/B_ORDER are missing', { file });
  const ap = coeffs('AP');
  const bp = coeffs('BP');
  return {
    a: a.c, b: b.c, aOrder: a.order, bOrder: b.order,
    ...(ap && bp ? { ap: ap.c, bp: bp.c, apOrder: ap.order, bpOrder: bp.order } : {}),
  };
}
