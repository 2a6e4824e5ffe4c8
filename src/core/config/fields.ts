import { z } from "zod";
import { checkPromql, checkSelector } from "../promql/syntax.js";
import { parseDuration } from "../units/duration.js";

/** Field schemas shared by the repository config and policies. Messages are written for users. */

export const durationSchema = z
  .string({ error: "expected a duration such as 30s, 5m, 1h30m or 7d" })
  .superRefine((text, ctx) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
    else if (parsed.value === 0)
      ctx.addIssue({ code: "custom", message: "a duration of zero is not allowed here" });
  })
  .meta({ pattern: "^([0-9]+(ms|y|w|d|h|m|s))+$", examples: ["30s", "5m", "1h30m", "7d"] });

/** PromQL, syntax-checked with Prometheus' grammar; `params.offset` locates the error inside the query. */
export const promqlSchema = z
  .string({ error: "expected a PromQL query (a string)" })
  .superRefine((query, ctx) => {
    const e = checkPromql(query);
    if (e) ctx.addIssue({ code: "custom", message: e.message, params: { offset: e.offset } });
  });

export const selectorSchema = z
  .string({ error: "expected a PromQL selector such as '{namespace=\"shop\"}'" })
  .superRefine((s, ctx) => {
    const e = checkSelector(s);
    if (e) ctx.addIssue({ code: "custom", message: e.message, params: { offset: e.offset } });
  });

export const idSchema = z
  .string({ error: "expected an id: lowercase letters, digits and dashes" })
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: "ids use lowercase letters, digits and dashes (at most 63, not starting or ending with a dash)",
  });

export const signalNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, {
  message: "signal names are identifiers: letters, digits and underscores",
});

/** A value of a lever: a quantity, a number or a duration, interpreted by the policy's value type. */
export const leverValueSchema = z.union([z.string(), z.number()], {
  error: "expected a value such as 250m, 512Mi, 5, 0.25 or 30s",
});

const finite = z
  .number({ error: "expected a number" })
  .refine(Number.isFinite, { message: "expected a finite number" });

/**
 * A guardrail's limit: absolute (`max`/`min`) or relative to the pre-change baseline
 * (`maxIncrease`: 0.2 means +20%).
 */
export const guardrailLimits = {
  max: finite.optional().describe("Breach when the observed value exceeds this."),
  min: finite.optional().describe("Breach when the observed value falls below this."),
  maxIncrease: z
    .number()
    .positive({ message: "maxIncrease is a positive fraction (0.2 means +20% over the baseline)" })
    .optional()
    .describe(
      "Breach when the value rises by more than this fraction over the pre-change baseline (0.2 = +20%).",
    ),
  harmedBy: z
    .enum(["increase", "decrease"], { error: "harmedBy is increase or decrease" })
    .optional()
    .describe(
      "The lever direction that can cause a breach (CPU throttling: decrease). A breach after a change the other way is not its fault: the lever holds, never reverted to the worse value.",
    ),
};

export function requireOneLimit(
  g: { max?: number | undefined; min?: number | undefined; maxIncrease?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (g.max === undefined && g.min === undefined && g.maxIncrease === undefined) {
    ctx.addIssue({ code: "custom", message: "a guardrail needs a limit: max, min or maxIncrease" });
  }
  if (g.max !== undefined && g.min !== undefined && g.min > g.max) {
    ctx.addIssue({ code: "custom", message: `min (${g.min}) is greater than max (${g.max})`, path: ["min"] });
  }
}
