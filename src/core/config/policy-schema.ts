import { z } from "zod";
import {
  durationSchema,
  guardrailLimits,
  idSchema,
  leverValueSchema,
  promqlSchema,
  requireOneLimit,
  signalNameSchema,
} from "./fields.js";

export const VALUE_TYPES = ["cpu", "memory", "integer", "number", "duration"] as const;
export const valueTypeSchema = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof valueTypeSchema>;

const quantile = z
  .number()
  .gt(0, { message: "quantile is in (0, 1]" })
  .lte(1, { message: "quantile is in (0, 1]" });
const fraction = z.number().min(0, { message: "expected a fraction ≥ 0" });

export const percentileStrategySchema = z
  .strictObject({
    type: z.literal("percentile"),
    signal: signalNameSchema.describe("The signal whose quantile sizes the value (e.g. CPU usage in cores)."),
    quantile: quantile.describe("Quantile of the signal over the lookback; 1 takes the maximum (memory)."),
    lookback: durationSchema.describe("How much history the quantile is computed over."),
    headroom: fraction.default(0.15).describe("Margin added on top of the quantile (0.15 = +15%)."),
    deadband: fraction
      .default(0.1)
      .describe("Relative differences smaller than this are not worth a change."),
    oom: signalNameSchema
      .optional()
      .describe(
        "An OOM-kill signal: a kill inside the lookback forbids decreases and bumps the value (×1.2, +100Mi).",
      ),
  })
  .describe("Size the value to a quantile of its observed usage plus headroom.");

export const sloStepStrategySchema = z
  .strictObject({
    type: z.literal("slo-step"),
    signal: signalNameSchema.describe("The SLO signal (e.g. p99 latency in seconds)."),
    target: z.number().describe("The SLO signal's target value."),
    band: fraction
      .optional()
      .describe("Hysteresis around the target, in the signal's unit; default 10% of target."),
    saturation: z
      .strictObject({
        signal: signalNameSchema.describe("The saturation signal (e.g. pool utilisation 0..1)."),
        threshold: z.number().describe("Saturated above this value."),
      })
      .describe("Step up only when saturated; step down only when not."),
    lookback: durationSchema
      .default("1h")
      .describe("Window over which the signals are averaged for one decision."),
    step: leverValueSchema.optional().describe("Default step (a lever's `step` overrides it)."),
  })
  .describe("Step a knob up when the SLO is missed and the resource saturated, down when there is slack.");

export const replicasStrategySchema = z
  .strictObject({
    type: z.literal("replicas"),
    signal: signalNameSchema.describe("The observed replica count."),
    quantile: quantile.describe("Quantile of the replica count over the lookback."),
    lookback: durationSchema.describe("How much history is considered."),
    deadband: fraction.default(0).describe("Relative differences smaller than this are not worth a change."),
  })
  .describe("Set an HPA's minReplicas to a quantile of the replicas it actually runs (never below 1).");

export const strategySchema = z.discriminatedUnion(
  "type",
  [percentileStrategySchema, sloStepStrategySchema, replicasStrategySchema],
  {
    error: "strategy.type must be one of: percentile, slo-step, replicas",
  },
);
export type Strategy = z.infer<typeof strategySchema>;
export const STRATEGY_TYPES = ["percentile", "slo-step", "replicas"] as const;

/** Which value types each strategy can produce. */
export const STRATEGY_VALUE_TYPES: Record<Strategy["type"], readonly ValueType[]> = {
  percentile: ["cpu", "memory", "integer", "number"],
  "slo-step": ["integer", "number", "duration", "cpu", "memory"],
  replicas: ["integer"],
};

export const hypothesisSchema = z
  .strictObject({
    signal: signalNameSchema.describe("The signal expected to move."),
    expect: z
      .enum(["below", "above", "decrease", "increase"])
      .describe("below/above an absolute value, or a relative decrease/increase."),
    value: z
      .number()
      .describe("The absolute value (below/above) or the relative change (decrease/increase: 0.1 = 10%)."),
    window: durationSchema
      .optional()
      .describe("When the effect should show; default: the repo's watch window."),
  })
  .describe("What the change is expected to do, registered before it is made.");

export const policyGuardrailSchema = z
  .strictObject({
    name: idSchema.describe("Shown in verdicts and PRs."),
    signal: signalNameSchema.optional().describe("A signal of this policy..."),
    query: promqlSchema.optional().describe("...or a PromQL query of its own."),
    ...guardrailLimits,
    scoped: z
      .boolean()
      .default(true)
      .describe("Scope the query by the lever's selector (false for fleet-wide guardrails)."),
  })
  .superRefine((g, ctx) => {
    if ((g.signal === undefined) === (g.query === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "a policy guardrail takes exactly one of `signal` or `query`",
      });
    }
    requireOneLimit(g, ctx);
  });

export const policySchema = z
  .strictObject({
    id: idSchema.describe("Unique among built-in and repo policies."),
    description: z.string().describe("One sentence: what the policy tunes and why."),
    valueType: valueTypeSchema.describe("The kind of value the policy tunes."),
    signals: z
      .record(signalNameSchema, promqlSchema)
      .refine((r) => Object.keys(r).length > 0, { message: "a policy needs at least one signal" })
      .describe("Named PromQL queries, each scoped by the lever's selector."),
    strategy: strategySchema,
    hypothesis: hypothesisSchema,
    guardrails: z
      .array(policyGuardrailSchema)
      .default([])
      .describe("Watched after every change, in addition to the repo's."),
    risk: z.enum(["low", "medium", "high"]).describe("Low-risk changes may be auto-merged in mode: auto."),
  })
  .describe("A Governor policy: signals, a strategy, a hypothesis and guardrails.");

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
