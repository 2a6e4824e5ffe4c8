import { z } from "zod";
import { durationSchema, leverValueSchema } from "../core/config/fields.js";
import { loadSchema } from "./load.js";
import { plantSchema } from "./plants.js";

/** A simulation scenario (examples/scenarios/*.yaml). Times are durations from the start. */
export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().default(""),
  seed: z.number().int().default(1),
  start: z.iso.datetime({ offset: true }).default("2026-01-05T00:00:00Z"),
  duration: durationSchema.describe("How long the simulated run lasts, e.g. 30d."),
  evaluateEvery: durationSchema.default("1h").describe("The reconcile interval."),
  /** The repository's mode; in `auto` the lever asks for no approval, so earned autonomy merges at once. */
  mode: z.enum(["observe", "suggest", "auto"]).default("suggest"),
  plant: plantSchema,
  load: loadSchema,
  /** Relative measurement noise (standard deviation): 0.05 = ±5%. */
  noise: z.number().min(0).default(0.05),
  lever: z.strictObject({
    policy: z.string(),
    initial: leverValueSchema,
    bounds: z.strictObject({ min: leverValueSchema, max: leverValueSchema }),
    maxStep: z.number().default(0.5),
    step: leverValueSchema.optional(),
    cooldown: durationSchema.default("24h"),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
  guardrails: z
    .array(
      z.strictObject({
        name: z.string(),
        series: z.string(),
        max: z.number().optional(),
        maxIncrease: z.number().optional(),
      }),
    )
    .default([]),
  watch: z
    .strictObject({ window: durationSchema.default("2h"), interval: durationSchema.default("5m") })
    .prefault({}),
  reviewer: z
    .strictObject({
      mergeAfter: durationSchema.default("2h"),
      rejectProbability: z.number().min(0).max(1).default(0),
    })
    .prefault({}),
  deployDelay: durationSchema.default("10m"),
  inject: z
    .array(
      z.discriminatedUnion("type", [
        z.strictObject({ type: z.literal("gap"), from: durationSchema, to: durationSchema }),
        z.strictObject({
          type: z.literal("regression"),
          from: durationSchema,
          to: durationSchema,
          effect: z.number(),
        }),
        z.strictObject({ type: z.literal("bad-change"), effect: z.number() }),
      ]),
    )
    .default([]),
});
export type Scenario = z.infer<typeof scenarioSchema>;
