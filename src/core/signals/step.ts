/** Prometheus refuses range queries of more than 11,000 points per series. */
export const MAX_POINTS = 11_000;
const TARGET_POINTS = 2_100; // so that a week reads at 5m resolution (2,016 points)
const NICE_STEPS_S = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/**
 * A readable step for a range: the smallest "nice" step that gives at most ~2,000 points, and
 * never more than Prometheus' 11,000. Deterministic, so a recording and a live plan ask the
 * same questions.
 */
export function chooseStep(rangeMs: number, minStepMs = 15_000): number {
  const wanted = Math.max(minStepMs, rangeMs / TARGET_POINTS);
  const nice = NICE_STEPS_S.map((s) => s * 1000).find((s) => s >= wanted);
  const step = nice ?? Math.ceil(wanted / 1000) * 1000;
  return Math.max(step, Math.ceil(rangeMs / MAX_POINTS / 1000) * 1000);
}

/** The end of a range aligned down to its step, so repeated evaluations within a step agree. */
export function alignEnd(now: number, stepMs: number): number {
  return Math.floor(now / stepMs) * stepMs;
}
