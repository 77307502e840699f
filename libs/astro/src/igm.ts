// Intergalactic-medium transmission T(λ_obs, z_source).
// - Inoue, Shimizu, Iwata & Tanaka 2014 (MNRAS 442, 1805), "inoue14": Lyman-series absorption from the
//   Lyα forest (LAF) and damped Lyα systems (DLA), eqs. 21–22 with Table 2 coefficients (j = 2…40),
//   and the Lyman-continuum terms eqs. 25–29. Coefficients as in astro-reference §E.2.
// - Madau 1995 (ApJ 441, 18), "madau95": four Lyman-series lines (τ = A_j (λ/λ_j)^3.46) plus the
//   approximate photoelectric continuum term (Madau 1995 footnote 3 form).
// Redward of Lyα (λ_obs ≥ 1215.67 (1+z)) T = 1 (no damping wing).

/** 'opaque': T = 0 blueward of Lyα (the convention of the §C.1 colour tables); 'none': T = 1. */
export type IgmModel = 'inoue14' | 'madau95' | 'none' | 'opaque';

// Inoue+14 Table 2: λ_j [Å], A1, A2, A3 (LAF), D1, D2 (DLA), j = 2..40.
const INOUE_TABLE: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
  [1215.670, 1.68976e-2, 2.35379e-3, 1.02611e-4, 1.61698e-4, 5.38995e-5],
  [1025.720, 4.69229e-3, 6.53625e-4, 2.84940e-5, 1.54539e-4, 5.15129e-5],
  [972.537, 2.23898e-3, 3.11884e-4, 1.35962e-5, 1.49767e-4, 4.99222e-5],
  [949.743, 1.31901e-3, 1.83735e-4, 8.00974e-6, 1.46031e-4, 4.86769e-5],
  [937.803, 8.70656e-4, 1.21280e-4, 5.28707e-6, 1.42893e-4, 4.76312e-5],
  [930.748, 6.17843e-4, 8.60640e-5, 3.75186e-6, 1.40159e-4, 4.67196e-5],
  [926.226, 4.60924e-4, 6.42055e-5, 2.79897e-6, 1.37714e-4, 4.59048e-5],
  [923.150, 3.56887e-4, 4.97135e-5, 2.16720e-6, 1.35495e-4, 4.51650e-5],
  [920.963, 2.84278e-4, 3.95992e-5, 1.72628e-6, 1.33452e-4, 4.44841e-5],
  [919.352, 2.31771e-4, 3.22851e-5, 1.40743e-6, 1.31561e-4, 4.38536e-5],
  [918.129, 1.92348e-4, 2.67936e-5, 1.16804e-6, 1.29785e-4, 4.32617e-5],
  [917.181, 1.62155e-4, 2.25878e-5, 9.84689e-7, 1.28117e-4, 4.27056e-5],
  [916.429, 1.38498e-4, 1.92925e-5, 8.41033e-7, 1.26540e-4, 4.21799e-5],
  [915.824, 1.19611e-4, 1.66615e-5, 7.26340e-7, 1.25041e-4, 4.16804e-5],
  [915.329, 1.04314e-4, 1.45306e-5, 6.33446e-7, 1.23614e-4, 4.12046e-5],
  [914.919, 9.17397e-5, 1.27791e-5, 5.57091e-7, 1.22248e-4, 4.07494e-5],
  [914.576, 8.12784e-5, 1.13219e-5, 4.93564e-7, 1.20938e-4, 4.03127e-5],
  [914.286, 7.25069e-5, 1.01000e-5, 4.40299e-7, 1.19681e-4, 3.98938e-5],
  [914.039, 6.50549e-5, 9.06198e-6, 3.95047e-7, 1.18469e-4, 3.94896e-5],
  [913.826, 5.86816e-5, 8.17421e-6, 3.56345e-7, 1.17298e-4, 3.90995e-5],
  [913.641, 5.31918e-5, 7.40949e-6, 3.23008e-7, 1.16167e-4, 3.87225e-5],
  [913.480, 4.84261e-5, 6.74563e-6, 2.94068e-7, 1.15071e-4, 3.83572e-5],
  [913.339, 4.42740e-5, 6.16726e-6, 2.68854e-7, 1.14011e-4, 3.80037e-5],
  [913.215, 4.06311e-5, 5.65981e-6, 2.46733e-7, 1.12983e-4, 3.76609e-5],
  [913.104, 3.73821e-5, 5.20723e-6, 2.27003e-7, 1.11972e-4, 3.73241e-5],
  [913.006, 3.45377e-5, 4.81102e-6, 2.09731e-7, 1.11002e-4, 3.70005e-5],
  [912.918, 3.19891e-5, 4.45601e-6, 1.94255e-7, 1.10051e-4, 3.66836e-5],
  [912.839, 2.97110e-5, 4.13867e-6, 1.80421e-7, 1.09125e-4, 3.63749e-5],
  [912.768, 2.76635e-5, 3.85346e-6, 1.67987e-7, 1.08220e-4, 3.60734e-5],
  [912.703, 2.58178e-5, 3.59636e-6, 1.56779e-7, 1.07337e-4, 3.57789e-5],
  [912.645, 2.41479e-5, 3.36374e-6, 1.46638e-7, 1.06473e-4, 3.54909e-5],
  [912.592, 2.26347e-5, 3.15296e-6, 1.37450e-7, 1.05629e-4, 3.52096e-5],
  [912.543, 2.12567e-5, 2.96100e-6, 1.29081e-7, 1.04802e-4, 3.49340e-5],
  [912.499, 1.99967e-5, 2.78549e-6, 1.21430e-7, 1.03991e-4, 3.46636e-5],
  [912.458, 1.88476e-5, 2.62543e-6, 1.14452e-7, 1.03198e-4, 3.43994e-5],
  [912.420, 1.77928e-5, 2.47850e-6, 1.08047e-7, 1.02420e-4, 3.41402e-5],
  [912.385, 1.68222e-5, 2.34330e-6, 1.02153e-7, 1.01657e-4, 3.38856e-5],
  [912.353, 1.59286e-5, 2.21882e-6, 9.67268e-8, 1.00908e-4, 3.36359e-5],
  [912.324, 1.50996e-5, 2.10334e-6, 9.16925e-8, 1.00168e-4, 3.33895e-5],
];
const LAMBDA_L = 911.8; // Lyman limit used by Inoue+14 [Å]
export const LYA_A = 1215.67;

/** Inoue+14 Lyman-series optical depth (LAF + DLA), eqs. 21–22. */
const NJ = INOUE_TABLE.length;
const T_L = Float64Array.from(INOUE_TABLE, (r) => r[0]);
const T_A1 = Float64Array.from(INOUE_TABLE, (r) => r[1]);
const T_A2 = Float64Array.from(INOUE_TABLE, (r) => r[2]);
const T_A3 = Float64Array.from(INOUE_TABLE, (r) => r[3]);
const T_D1 = Float64Array.from(INOUE_TABLE, (r) => r[4]);
const T_D2 = Float64Array.from(INOUE_TABLE, (r) => r[5]);

export function inoueTauLS(lobs: number, z: number): number {
  let tau = 0;
  const zp1 = 1 + z;
  for (let j = 0; j < NJ; j++) {
    const lj = T_L[j];
    if (lobs >= lj * zp1 || lobs <= lj) continue;
    const a1 = T_A1[j], a2 = T_A2[j], a3 = T_A3[j], d1 = T_D1[j], d2 = T_D2[j];
    const x = lobs / lj;
    if (x < 2.2) tau += a1 * Math.pow(x, 1.2);
    else if (x < 5.7) tau += a2 * Math.pow(x, 3.7);
    else tau += a3 * Math.pow(x, 5.5);
    tau += x < 3 ? d1 * x * x : d2 * x * x * x;
  }
  return tau;
}

/** Inoue+14 Lyman-continuum optical depth (LAF eqs. 25–27 + DLA eqs. 28–29), negatives clipped to 0. */
export function inoueTauLC(lobs: number, z: number): number {
  const zp1 = 1 + z;
  if (lobs >= LAMBDA_L * zp1) return 0;
  const x = lobs / LAMBDA_L;
  let laf: number;
  if (z < 1.2) {
    laf = 0.3248 * (Math.pow(x, 1.2) - Math.pow(zp1, -0.9) * Math.pow(x, 2.1));
  } else if (z < 4.7) {
    laf = x < 2.2
      ? 2.545e-2 * Math.pow(zp1, 1.6) * Math.pow(x, 2.1) + 0.3248 * Math.pow(x, 1.2) - 0.2496 * Math.pow(x, 2.1)
      : 2.545e-2 * (Math.pow(zp1, 1.6) * Math.pow(x, 2.1) - Math.pow(x, 3.7));
  } else if (x < 2.2) {
    laf = 5.221e-4 * Math.pow(zp1, 3.4) * Math.pow(x, 2.1) + 0.3248 * Math.pow(x, 1.2) - 3.140e-2 * Math.pow(x, 2.1);
  } else if (x < 5.7) {
    laf = 5.221e-4 * Math.pow(zp1, 3.4) * Math.pow(x, 2.1) + 0.2182 * Math.pow(x, 2.1) - 2.545e-2 * Math.pow(x, 3.7);
  } else {
    laf = 5.221e-4 * (Math.pow(zp1, 3.4) * Math.pow(x, 2.1) - Math.pow(x, 5.5));
  }
  let dla: number;
  if (z < 2) {
    dla = 0.2113 * zp1 * zp1 - 0.07661 * Math.pow(zp1, 2.3) * Math.pow(x, -0.3) - 0.1347 * x * x;
  } else if (x >= 3) {
    dla = 0.04696 * zp1 ** 3 - 0.01779 * Math.pow(zp1, 3.3) * Math.pow(x, -0.3) - 0.02916 * x ** 3;
  } else {
    dla = 0.6340 + 0.04696 * zp1 ** 3 - 0.01779 * Math.pow(zp1, 3.3) * Math.pow(x, -0.3) - 0.1347 * x * x - 0.2905 * Math.pow(x, -0.3);
  }
  return Math.max(0, laf) + Math.max(0, dla);
}

const MADAU_LINES: ReadonlyArray<readonly [number, number]> = [
  [1216, 0.0036], [1026, 0.0017], [973, 0.0012], [950, 0.00093],
];

/** Madau 1995 optical depth: Lyman-series lines + photoelectric continuum (astro-reference §E.2). */
export function madauTau(lobs: number, z: number): number {
  const zp1 = 1 + z;
  let tau = 0;
  for (const [lj, aj] of MADAU_LINES) {
    if (lobs < lj * zp1) tau += aj * Math.pow(lobs / lj, 3.46);
  }
  if (lobs < 912 * zp1) {
    const xc = lobs / 912, xe = zp1;
    const lc = 0.25 * xc ** 3 * (Math.pow(xe, 0.46) - Math.pow(xc, 0.46))
      + 9.4 * Math.pow(xc, 1.5) * (Math.pow(xe, 0.18) - Math.pow(xc, 0.18))
      - 0.7 * xc ** 3 * (Math.pow(xc, -1.32) - Math.pow(xe, -1.32))
      - 0.023 * (Math.pow(xe, 1.68) - Math.pow(xc, 1.68));
    tau += Math.max(0, lc);
  }
  return tau;
}

/** IGM optical depth τ(λ_obs, z). */
export function igmTau(lambdaObsA: number, z: number, model: IgmModel = 'inoue14'): number {
  if (model === 'none' || z <= 0) return 0;
  if (model === 'opaque') return lambdaObsA < LYA_A * (1 + z) ? Number.POSITIVE_INFINITY : 0;
  if (model === 'madau95') return madauTau(lambdaObsA, z);
  return inoueTauLS(lambdaObsA, z) + inoueTauLC(lambdaObsA, z);
}

/** IGM transmission T = exp(−τ) at observed wavelength λ_obs (Å) for a source at redshift z. */
export function igmTransmission(lambdaObsA: number, z: number, model: IgmModel = 'inoue14'): number {
  if (lambdaObsA >= LYA_A * (1 + z)) return 1;
  if (model === 'opaque') return 0;
  return Math.exp(-igmTau(lambdaObsA, z, model));
}
