import type { ValueType } from "../config/policy-schema.js";

export type RiskLevel = "low" | "medium" | "high";

export interface RiskInput {
  readonly valueType: ValueType;
  /** What the lever sets: a container request, a replica count, or anything else. */
  readonly leverKind: "request" | "replicas" | "other";
  readonly direction: "up" | "down";
  /** |to − from| / from; Infinity when the field is added (there was no value). */
  readonly change: number;
  /** The policy's declared risk: a floor, never lowered by the rules. */
  readonly policyRisk: RiskLevel;
}

export interface Risk {
  readonly level: RiskLevel;
  /** The rule that decided, in words: "a 50% CPU cut". */
  readonly reason: string;
}

interface Rule {
  readonly when: (r: RiskInput) => boolean;
  readonly level: RiskLevel;
  readonly why: (r: RiskInput) => string;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const what = (r: RiskInput) =>
  r.leverKind === "replicas"
    ? "replica"
    : r.valueType === "cpu"
      ? "CPU"
      : r.valueType === "memory"
        ? "memory"
        : "value";
const cut = (r: RiskInput) => `a ${pct(r.change)} ${what(r)} ${r.direction === "down" ? "cut" : "increase"}`;
const down = (r: RiskInput) => r.direction === "down";

/**
 * The rules, most severe first; the first that matches decides. Cuts are riskier than raises (a
 * cut starves the workload, a raise only costs), memory cuts most of all (too little memory is an
 * OOM kill, too little CPU only throttling), and removing replicas takes away headroom at once.
 */
export const RISK_RULES: readonly Rule[] = [
  {
    when: (r) => !Number.isFinite(r.change),
    level: "medium",
    why: () => "the field is added: no value to compare with",
  },
  { when: (r) => down(r) && r.valueType === "memory" && r.change >= 0.2, level: "high", why: cut },
  { when: (r) => down(r) && r.leverKind === "replicas" && r.change >= 0.34, level: "high", why: cut },
  { when: (r) => down(r) && r.change >= 0.4, level: "high", why: cut },
  { when: (r) => down(r) && r.valueType === "memory", level: "medium", why: cut },
  { when: (r) => down(r) && r.leverKind === "replicas", level: "medium", why: cut },
  { when: (r) => down(r) && r.change >= 0.2, level: "medium", why: cut },
  {
    when: (r) => !down(r) && r.change >= 1,
    level: "medium",
    why: (r) => `${cut(r)}: more than doubles the cost`,
  },
  { when: () => true, level: "low", why: cut },
];

const ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** The risk of one proposed step: the first matching rule, never below the policy's declared risk. */
export function assessRisk(input: RiskInput): Risk {
  const rule = RISK_RULES.find((r) => r.when(input)) as Rule;
  const reason = rule.why(input);
  if (ORDER[input.policyRisk] > ORDER[rule.level])
    return { level: input.policyRisk, reason: `${reason}; the policy is declared ${input.policyRisk} risk` };
  return { level: rule.level, reason };
}
