import type { Strategy } from "../config/policy-schema.js";
import type { Sample } from "../signals/source.js";
import { mean, quantile } from "../stats/describe.js";
import { addStep, fromMagnitude, magnitude } from "../values/arith.js";
import { compareValues, type LeverValue } from "../values/value.js";

/** What a strategy says: a value, or that the value should stay (with why). */
export type Recommendation =
  | {
      readonly kind: "value";
      readonly value: LeverValue;
      readonly rationale: string;
      /** The reason in plain words, against the current value, for the first line of a PR. */
      readonly why?: string | undefined;
    }
  | { readonly kind: "stay"; readonly rationale: string };

export interface StrategyInput {
  readonly strategy: Strategy;
  readonly current: LeverValue;
  /** Samples of each signal the strategy names, already checked for coverage by the gate. */
  readonly samples: ReadonlyMap<string, readonly Sample[]>;
  readonly step?: LeverValue | undefined;
  /**
   * When the current value took effect (from the ledger), if Governor knows. An OOM kill before
   * then happened at an older value and has been answered by the change since.
   */
  readonly currentSince?: number | undefined;
}

const MI = 1024 * 1024;
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());
const values = (s: readonly Sample[] | undefined) => (s ?? []).map((p) => p.v);

/** Human text of a value in its unit, for rationales: "0.412 cores", "612Mi", "7". */
export function describeMagnitude(type: LeverValue["type"], x: number): string {
  if (type === "cpu") return `${fmt(x)} cores`;
  if (type === "memory") return `${fmt(x / MI)}Mi`;
  if (type === "duration") return `${fmt(x)}s`;
  return fmt(x);
}

export function recommend(input: StrategyInput): Recommendation {
  const { strategy } = input;
  switch (strategy.type) {
    case "percentile":
      return percentile(input, strategy);
    case "slo-step":
      return sloStep(input, strategy);
    case "replicas":
      return replicas(input, strategy);
  }
}

/** OOM bump of the Kubernetes VPA recommender: at least ×1.2 and +100Mi after an OOM kill. */
const OOM_FACTOR = 1.2;
const OOM_MIN_BUMP_BYTES = 100 * MI;

function percentile(input: StrategyInput, s: Extract<Strategy, { type: "percentile" }>): Recommendation {
  const type = input.current.type;
  const observed = quantile(values(input.samples.get(s.signal)), s.quantile);
  const sized = observed * (1 + s.headroom);
  let value = fromMagnitude(type, sized, "up");
  const what = s.quantile === 1 ? "maximum" : `p${fmt(s.quantile * 100)}`;
  let rationale = `${s.signal} ${what} over ${s.lookback} is ${describeMagnitude(type, observed)}; + ${fmt(s.headroom * 100)}% headroom = ${describeMagnitude(type, sized)}`;
  const kills = (s.oom === undefined ? [] : (input.samples.get(s.oom) ?? [])).filter((p) => p.v > 0);
  if (kills.length > 0) {
    const current = magnitude(input.current);
    const since = input.currentSince;
    if (since === undefined || kills.some((p) => p.t >= since)) {
      // VPA's OOM bump, relative to the value the container was killed at.
      const bumped = fromMagnitude(type, Math.max(current * OOM_FACTOR, current + OOM_MIN_BUMP_BYTES), "up");
      if (compareValues(bumped, value) > 0) value = bumped;
      rationale += `; an OOM kill in the last ${s.lookback} at the current value forbids a decrease and asks for at least ×${OOM_FACTOR} and +100Mi (${describeMagnitude(type, magnitude(bumped))})`;
    } else {
      // Killed at an older, smaller value that a later change already raised: no further bump,
      // but no decrease either while the kill is inside the lookback.
      if (compareValues(input.current, value) > 0) value = input.current;
      rationale += `; an OOM kill in the last ${s.lookback}, before the current value took effect, forbids a decrease`;
    }
  }
  const current = magnitude(input.current);
  const share =
    current > 0
      ? `, ${Math.round((observed / current) * 100)}% of the current ${describeMagnitude(type, current)}`
      : "";
  const verdict =
    current <= 0
      ? ""
      : observed > current
        ? ": it uses more than it reserves"
        : observed < current
          ? ": the rest is reserved and unused"
          : "";
  const oomNote = kills.length > 0 ? "; an OOM kill in the lookback forbids a decrease" : "";
  const why = `${s.signal} ${what} over ${s.lookback} is ${describeMagnitude(type, observed)}${share}${verdict}${oomNote}`;
  return { kind: "value", value, rationale, why };
}

function sloStep(input: StrategyInput, s: Extract<Strategy, { type: "slo-step" }>): Recommendation {
  const slo = mean(values(input.samples.get(s.signal)));
  const saturation = mean(values(input.samples.get(s.saturation.signal)));
  const band = s.band ?? s.target * 0.1;
  const saturated = saturation > s.saturation.threshold;
  const facts = `${s.signal} averages ${fmt(slo)} over ${s.lookback} (target ${fmt(s.target)} ± ${fmt(band)}); ${s.saturation.signal} averages ${fmt(saturation)} (saturated above ${fmt(s.saturation.threshold)})`;
  if (!input.step) return { kind: "stay", rationale: `${facts}; no step is set` };
  if (slo > s.target + band && saturated)
    return {
      kind: "value",
      value: addStep(input.current, input.step, 1),
      rationale: `${facts}: the SLO is missed and the resource is saturated, so one step up`,
    };
  if (slo < s.target - band && !saturated)
    return {
      kind: "value",
      value: addStep(input.current, input.step, -1),
      rationale: `${facts}: there is slack and no saturation, so one step down`,
    };
  if (slo > s.target + band)
    return {
      kind: "stay",
      rationale: `${facts}: the SLO is missed but the resource is not saturated, so this knob is not the bottleneck`,
    };
  if (slo < s.target - band)
    return { kind: "stay", rationale: `${facts}: there is slack but the resource is saturated` };
  return { kind: "stay", rationale: `${facts}: inside the band` };
}

function replicas(input: StrategyInput, s: Extract<Strategy, { type: "replicas" }>): Recommendation {
  const observed = quantile(values(input.samples.get(s.signal)), s.quantile);
  const value = fromMagnitude("integer", Math.max(1, observed), "up");
  return {
    kind: "value",
    value,
    rationale: `${s.signal} p${fmt(s.quantile * 100)} over ${s.lookback} is ${fmt(observed)} replicas (never below 1)`,
  };
}
