/** The standard normal CDF, from Abramowitz & Stegun 7.1.26 (error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface MannWhitney {
  /** U of the "after" sample. */
  readonly u: number;
  /** One-sided p-value for "after tends to be greater than before". */
  readonly p: number;
}

/** The fewest samples per group for the normal approximation Governor relies on. */
export const MIN_SAMPLES_PER_GROUP = 8;

/**
 * One-sided Mann–Whitney U test that `after` is stochastically greater than `before`, with the
 * normal approximation, tie correction and continuity correction. Undefined when either group
 * has fewer than MIN_SAMPLES_PER_GROUP values: then there is not enough data to tell.
 */
export function mannWhitneyGreater(
  before: readonly number[],
  after: readonly number[],
): MannWhitney | undefined {
  const n1 = after.length;
  const n2 = before.length;
  if (n1 < MIN_SAMPLES_PER_GROUP || n2 < MIN_SAMPLES_PER_GROUP) return undefined;
  const all = [...after.map((v) => ({ v, g: 1 })), ...before.map((v) => ({ v, g: 2 }))].sort(
    (a, b) => a.v - b.v,
  );
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  let r1 = 0;
  all.forEach((x, i) => {
    if (x.g === 1) r1 += ranks[i] as number;
  });
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u, p: 1 };
  const z = (u - mu - 0.5) / sigma;
  return { u, p: 1 - normalCdf(z) };
}
