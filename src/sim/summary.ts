import type { SimChange } from "./changes.js";

export interface Summary {
  readonly changes: number;
  readonly reverts: number;
  /** Reverts of changes that did not in fact make the plant worse. */
  readonly falseReverts: number;
  /**
   * Changes that made the plant worse and were judged without a revert. An injected bad change
   * counts only when its effect exceeds the latency guardrail's tolerance (its maxIncrease).
   */
  readonly missedRegressions: number;
  /** Consecutive merged changes that went opposite ways. */
  readonly reversals: number;
  /** Evaluation intervals in which the plant was in trouble (throttled, OOM-killed, queue out of control). */
  readonly incidents: number;
  /** Mean true p99 latency over the first and the last day. */
  readonly target: { readonly before: number; readonly after: number };
  /** The lever's value in effect at the start and at the end (cores, bytes or workers). */
  readonly cost: { readonly before: number; readonly after: number };
}

const DAY = 86_400_000;
const round = (x: number) => Number(x.toPrecision(4));

export function summarize(run: {
  readonly changes: readonly SimChange[];
  readonly values: ReadonlyArray<readonly [number, number]>;
  readonly latency: ReadonlyArray<readonly [number, number]>;
  readonly incidents: readonly number[];
  readonly start: number;
  readonly end: number;
  readonly finalValue: number;
}): Summary {
  const merged = run.changes.filter((c) => c.appliedAt !== undefined);
  let reversals = 0;
  for (let i = 1; i < merged.length; i++) if (merged[i]?.direction !== merged[i - 1]?.direction) reversals++;
  const meanLatency = (from: number, to: number) => {
    const xs = run.latency.filter(([t]) => t >= from && t < to).map(([, v]) => v);
    return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const reverted = merged.filter((c) => c.revertedAt !== undefined);
  return {
    changes: merged.length,
    reverts: reverted.length,
    falseReverts: reverted.filter((c) => !c.harmful).length,
    missedRegressions: merged.filter(
      (c) => c.harmful && c.verdict !== undefined && c.revertedAt === undefined,
    ).length,
    reversals,
    incidents: run.incidents.reduce((a, b) => a + b, 0),
    target: {
      before: round(meanLatency(run.start, run.start + DAY)),
      after: round(meanLatency(run.end - DAY, run.end)),
    },
    cost: { before: round(run.values[0]?.[1] ?? Number.NaN), after: round(run.finalValue) },
  };
}
