import type { LeverValue } from "../values/value.js";

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /**
   * Passed, but cut the recommendation (bounds, maxStep): the value proposed is not the one the
   * strategy recommended. `ok` stays true, so consumers that only know ok/failed keep working.
   */
  readonly limited?: true | undefined;
  readonly detail: string;
}

export interface Evidence {
  readonly signal: string;
  /** The scoped query, exactly as sent. */
  readonly query: string;
  /** The number that was used, in words ("p95 0.412 cores"), or why there is none. */
  readonly value: string;
  readonly link?: string | undefined;
  readonly grafana?: string | undefined;
  /** The samples of the range (for charts), when there are any. */
  readonly series?: ReadonlyArray<readonly [number, number]> | undefined;
}

export interface Hypothesis {
  readonly signal: string;
  readonly query: string;
  readonly expect: "below" | "above" | "decrease" | "increase";
  readonly value: number;
  readonly window: string;
  /** The signal's mean over the last window before the change, when known. */
  readonly baseline?: number | undefined;
  readonly statement: string;
}

export interface WatchedGuardrail {
  readonly name: string;
  readonly query: string;
  readonly max?: number | undefined;
  readonly min?: number | undefined;
  readonly maxIncrease?: number | undefined;
  /**
   * For a stepping policy's guardrail on its own SLO signal: an increase that keeps the signal at
   * or below the SLO (target + band) is the trade a step down asks for, not a regression.
   */
  readonly withinSlo?: number | undefined;
  /**
   * The lever direction that can cause a breach. A breach after a change the other way cannot be
   * the change's doing: reverting it would restore a value no better for this guardrail.
   */
  readonly harmedBy?: "increase" | "decrease" | undefined;
  readonly source: "policy" | "repo";
}

export interface Rollback {
  readonly file: string;
  readonly target: string;
  /** The exact text to restore (the value as it was written). */
  readonly restore: string;
  readonly manual: string;
}

export interface FileEdit {
  readonly file: string;
  readonly before: string;
  readonly after: string;
}

export interface LimitMove {
  /** resources.limits.cpu */
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** A reverted earlier change to the value proposed again: what a reviewer must see first. */
export interface EarlierAttempt {
  /** The decision id of the earlier change. */
  readonly decision: string;
  /** Where to see it: "#12" (a PR) or a commit hash (local mode), when known. */
  readonly ref?: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly revertedAt: number;
  /** What differs now, in words; empty when nothing Governor knows of does. */
  readonly differences: readonly string[];
  /** How much of the evidence is newer than the revert, in words. */
  readonly evidence: string;
}

export type DecisionKind = "propose" | "no-change" | "blocked";

/** One evaluation of one lever: inputs, evidence, recommendation, gate result, hypothesis and rollback. */
export interface Decision {
  readonly id: string;
  readonly lever: string;
  readonly policy: string;
  readonly decision: DecisionKind;
  readonly reason: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly fromValue?: LeverValue | undefined;
  readonly toValue?: LeverValue | undefined;
  readonly direction?: "up" | "down" | undefined;
  readonly rationale?: string | undefined;
  /** The reason in plain words (the strategy's), when it gives one; else the rationale is it. */
  readonly why?: string | undefined;
  /** The lever's cooldown: how long a rejection or a change keeps the next proposal away. */
  readonly cooldown?: string | undefined;
  /** When a merged change counts as applied, in words (from watch.appliedWhen). */
  readonly appliedWhen?: string | undefined;
  /** The strategy's signal, and whether it is in the lever's unit (so both fit one chart). */
  readonly basis?: { readonly signal: string; readonly sameUnit: boolean } | undefined;
  /** The strategy's lookback: the window the evidence covers. */
  readonly lookback?: string | undefined;
  readonly checks: readonly Check[];
  readonly evidence: readonly Evidence[];
  readonly hypothesis?: Hypothesis | undefined;
  readonly guardrails: readonly WatchedGuardrail[];
  readonly rollback?: Rollback | undefined;
  readonly edit?: FileEdit | undefined;
  /** The container's limit, when it moves with the request in the same edit (`limit: ratio`). */
  readonly limit?: LimitMove | undefined;
  readonly approval: "required" | "auto";
  readonly risk: "low" | "medium" | "high";
  /** Why the risk is what it is: the rule that decided ("a 50% CPU cut"). */
  readonly riskReason?: string | undefined;
  /** The strategy's value before bounds and maxStep cut it, as it would be written. */
  readonly recommended?: string | undefined;
  /** Pods the per-pod value applies to, when known (for the total reserved). */
  readonly replicas?: { readonly count: number; readonly source: string } | undefined;
  /** A container request or limit, which every pod reserves (not an env var or another value). */
  readonly reservesPerPod?: boolean | undefined;
  /** The same value was tried and reverted before. */
  readonly earlier?: EarlierAttempt | undefined;
}
