import { z } from "zod";
import { durationSchema, leverValueSchema } from "../core/config/fields.js";
import { parseDuration } from "../core/units/duration.js";
import { loadSchema } from "./load.js";
import { plantSchema } from "./plants.js";

/** The most evaluations one run may make (30 days every minute is 43,200). */
export const MAX_EVALUATIONS = 50_000;

/** A simulation scenario (examples/scenarios/*.yaml). Times are durations from the start. */
export const scenarioSchema = z
  .strictObject({
    name: z.string().describe("Names the chart (NAME.svg) and the output."),
    description: z.string().default("").describe("What the scenario should show."),
    seed: z.number().int().default(1).describe("Every random draw derives from it; --seed overrides it."),
    start: z.iso
      .datetime({ offset: true })
      .default("2026-01-05T00:00:00Z")
      .describe("The simulated clock's start (a Monday by default, for weekly loads)."),
    duration: durationSchema.describe("How long the simulated run lasts, e.g. 30d."),
    evaluateEvery: durationSchema
      .default("1h")
      .describe("The reconcile interval: Governor evaluates this often."),
    mode: z
      .enum(["observe", "suggest", "auto"])
      .default("suggest")
      .describe("The repository's mode; in auto a change whose policy earned autonomy merges at once."),
    plant: plantSchema,
    load: loadSchema,
    noise: z
      .union([
        z.number().min(0),
        z.strictObject({
          sd: z.number().min(0).describe("The marginal relative SD: 0.15 is ±15%."),
          autocorrelation: z
            .number()
            .min(0, "noise.autocorrelation must be 0 or more")
            .lt(1, "noise.autocorrelation must be below 1 (1 is a random walk, not noise): use e.g. 0.8")
            .describe("The lag-1 correlation of the error between consecutive evaluations, in [0, 1)."),
        }),
      ])
      .default(0.05)
      .describe(
        "Relative measurement noise: a standard deviation (0.05 is ±5%, independent per sample), or {sd, autocorrelation} for AR(1) noise with that marginal SD, stepping once per watch.interval (the resolution the guardrails are read at).",
      ),
    lever: z
      .strictObject({
        policy: z.string().describe("A built-in policy id: k8s-cpu-request, k8s-memory-request, slo-step…"),
        initial: leverValueSchema.describe('The value in the file at the start, e.g. "2", 256Mi, 9.'),
        bounds: z
          .strictObject({
            min: leverValueSchema.describe("The lowest value Governor may write."),
            max: leverValueSchema.describe("The highest value Governor may write."),
          })
          .describe("As a lever's bounds: never written outside them."),
        maxStep: z.number().default(0.5).describe("As a lever's maxStep."),
        step: leverValueSchema.optional().describe("For slo-step: the size of one step."),
        cooldown: durationSchema.default("24h").describe("As a lever's cooldown."),
        params: z
          .record(z.string(), z.unknown())
          .default({})
          .describe("Overrides of the policy's strategy parameters, as a lever's params."),
      })
      .describe("The one lever the simulated Governor tunes, in a generated repository."),
    guardrails: z
      .array(
        z.strictObject({
          name: z.string(),
          series: z
            .string()
            .describe("The plant's series: latency, usage, throttling, working_set, oom, saturation."),
          max: z
            .number()
            .optional()
            .describe("As a guardrail's max: breached on 2 consecutive evaluations over it."),
          maxIncrease: z
            .number()
            .optional()
            .describe(
              "As a guardrail's maxIncrease: a significant rise over the baseline by more than this.",
            ),
        }),
      )
      .default([])
      .describe("Repository guardrails on the plant's series, watched after every change."),
    watch: z
      .strictObject({
        window: durationSchema.default("2h").describe("As watch.window."),
        interval: durationSchema.default("5m").describe("As watch.interval."),
      })
      .prefault({})
      .describe("The watch after each applied change."),
    reviewer: z
      .strictObject({
        mergeAfter: durationSchema
          .default("2h")
          .describe("How long the reviewer takes to act on a proposal."),
        rejectProbability: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .describe("The chance the reviewer closes a proposal instead of merging it."),
      })
      .prefault({})
      .describe("The simulated person who reviews Governor's pull requests."),
    deployDelay: durationSchema
      .default("10m")
      .describe("From merge to applied (the deployer: ArgoCD, Flux)."),
    inject: z
      .array(
        z.discriminatedUnion("type", [
          z
            .strictObject({ type: z.literal("gap"), from: durationSchema, to: durationSchema })
            .describe("No metrics at all from `from` to `to`."),
          z
            .strictObject({
              type: z.literal("regression"),
              from: durationSchema,
              to: durationSchema,
              effect: z.number().describe("The latency's relative increase: 0.4 is +40%."),
            })
            .describe("A regression unrelated to any change (a confounder), from `from` to `to`."),
          z
            .strictObject({
              type: z.literal("burst"),
              from: durationSchema,
              to: durationSchema,
              effect: z.number().describe("The load's relative increase: 0.5 is +50%."),
            })
            .describe("A burst of load unrelated to any change, from `from` to `to`."),
          z
            .strictObject({
              type: z.literal("bad-change"),
              effect: z
                .number()
                .describe(
                  "The latency's relative increase: 0.2 is +20%. Harmful (a missed regression if kept) only above the latency guardrail's maxIncrease.",
                ),
            })
            .describe("Every change Governor applies truly makes the latency worse."),
        ]),
      )
      .default([])
      .describe("What the scenario throws at Governor."),
  })
  .superRefine((s, ctx) => {
    // A run is bounded: a typo such as `evaluateEvery: 1s` over a year must be an error, not a hang.
    const duration = parseDuration(s.duration);
    const every = parseDuration(s.evaluateEvery);
    if (!duration.ok || !every.ok || every.value <= 0) return;
    const evaluations = Math.ceil(duration.value / every.value);
    if (evaluations > MAX_EVALUATIONS)
      ctx.addIssue({
        code: "custom",
        path: ["evaluateEvery"],
        message: `${s.duration} evaluated every ${s.evaluateEvery} is ${evaluations} evaluations; at most ${MAX_EVALUATIONS} (a few minutes): shorten the duration or evaluate less often`,
      });
  });
export type Scenario = z.infer<typeof scenarioSchema>;
