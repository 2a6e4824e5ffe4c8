import type { LeverValue } from "../values/value.js";

export interface Check {
  readonly name: string;
  readonly ok: boolean;
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
}
