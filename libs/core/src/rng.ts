// Seeded pseudo-random numbers for the whole workspace: xoshiro128** (Blackman & Vigna 2018) seeded
// through splitmix32, Gaussian deviates by the polar Box–Muller method (Marsaglia & Bray 1964).
// Every stream is an object (no shared mutable global); `deriveSeed` makes independent, schedule-free
// sub-streams (per band, per exposure) so results do not depend on which worker ran what.
// The output stream is frozen: @asteris/sim's byte-identical-by-seed fields depend on it.

/** 32-bit hash (splitmix32 finaliser) used to derive stream seeds. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Seed of an independent sub-stream identified by integers and/or strings. */
export function deriveSeed(seed: number, ...keys: Array<number | string>): number {
  let h = mix32(seed >>> 0 ^ 0x5bd1e995);
  for (const k of keys) {
    if (typeof k === 'number') h = mix32(h ^ mix32(k >>> 0));
    else for (let i = 0; i < k.length; i++) h = mix32(h ^ k.charCodeAt(i));
  }
  return h;
}

export class Rng {
  private s0: number; private s1: number; private s2: number; private s3: number;
  private spare = 0; private hasSpare = false;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => { x = (x + 0x9e3779b9) >>> 0; return mix32(x); };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t; this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  random(): number { return this.nextU32() / 4294967296; }

  /** Same as `random()`: uniform in [0, 1). */
  next(): number { return this.nextU32() / 4294967296; }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number { return a + (b - a) * this.random(); }

  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.random() * n); }

  /** Standard normal deviate (polar Box–Muller, caches the second value). */
  normal(): number {
    if (this.hasSpare) { this.hasSpare = false; return this.spare; }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m; this.hasSpare = true;
    return u * m;
  }

  /** Fill `out` with N(0, 1) deviates (fast path for noise images). */
  fillNormal(out: Float32Array | Float64Array): void {
    const n = out.length;
    let i = 0;
    if (this.hasSpare && n > 0) { out[i++] = this.spare; this.hasSpare = false; }
    while (i < n) {
      let u: number, v: number, s: number;
      do {
        u = this.nextU32() * 4.656612873077393e-10 - 1; // 2/2^32
        v = this.nextU32() * 4.656612873077393e-10 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = u * m;
      if (i < n) out[i++] = v * m;
    }
  }

  /** Poisson deviate: Knuth for small means, normal approximation (continuity-corrected) above 50. */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean < 50) {
      const L = Math.exp(-mean);
      let k = 0, p = 1;
      do { k++; p *= this.random(); } while (p > L);
      return k - 1;
    }
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
  }

  /** Log-normal with median `median` and scatter `sigmaDex` in dex. */
  logNormal(median: number, sigmaDex: number): number {
    return median * Math.pow(10, sigmaDex * this.normal());
  }

  /** Pick an index with probability ∝ weights. */
  choice(weights: readonly number[]): number {
    let tot = 0;
    for (const w of weights) tot += w;
    let t = this.random() * tot;
    for (let i = 0; i < weights.length; i++) { t -= weights[i]!; if (t < 0) return i; }
    return weights.length - 1;
  }

  /** A uniformly chosen element of `xs` (non-empty). */
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }

  /** Shuffles `xs` in place (Fisher–Yates / Durstenfeld) and returns it. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i]!; xs[i] = xs[j]!; xs[j] = t;
    }
    return xs;
  }
}

/** Factory form of `new Rng(seed)`. */
export function createRng(seed: number): Rng { return new Rng(seed); }

function rotl(x: number, k: number): number { return (x << k) | (x >>> (32 - k)); }

/** A small uniform + normal generator (the interface of `mulberry32`). */
export interface SimpleRng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller, the second value cached). */
  normal(): number;
}

/**
 * mulberry32 (T. Ettinger's 32-bit generator) with Box–Muller normals. Kept beside `Rng` because the
 * seeded tests and benchmarks of stack, photometry and extract are pinned to its stream; new code
 * should use `Rng`. Pure 32-bit integer arithmetic: the same seed gives the same sequence everywhere.
 */
export function mulberry32(seed: number): SimpleRng {
  let a = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = uniform();
    while (u <= 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
