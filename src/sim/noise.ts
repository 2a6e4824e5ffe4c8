import { gaussian } from "./random.js";

/** A scenario's `noise`: a bare relative SD (independent draws), or AR(1) noise with a marginal SD. */
export type NoiseSpec = number | { readonly sd: number; readonly autocorrelation: number };

/**
 * Relative measurement error of each series at `t`. Independent noise hashes (seed, series, t),
 * as before, so existing runs keep their draws. AR(1) noise steps once per evaluation interval
 * from the start (samples within one interval share its error, as a slow drift would): the state
 * must be built in order, so it is cached per series, forwards from the start and, for look-backs
 * before it, backwards (a Gaussian AR(1) reads the same both ways).
 */
export function noiseFn(
  spec: NoiseSpec,
  seed: number,
  start: number,
  step: number,
): (series: string, t: number) => number {
  if (typeof spec === "number") return (series, t) => spec * gaussian(seed, series, t);
  const { sd, autocorrelation: phi } = spec;
  const innovation = Math.sqrt(1 - phi * phi);
  const states = new Map<string, number[]>();
  const state = (stream: string, k: number): number => {
    let xs = states.get(stream);
    if (!xs) {
      // Both directions start from the same stationary draw at k = 0.
      xs = [gaussian(seed, stream.slice(0, -1), 0)];
      states.set(stream, xs);
    }
    for (let i = xs.length; i <= k; i++)
      xs.push(phi * (xs[i - 1] ?? 0) + innovation * gaussian(seed, stream, i));
    return xs[k] ?? 0;
  };
  return (series, t) => {
    const k = Math.floor((t - start) / step);
    return sd * (k >= 0 ? state(`${series}>`, k) : state(`${series}<`, -k));
  };
}
