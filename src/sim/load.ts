import { z } from "zod";
import { uniform } from "./random.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const loadSchema = z
  .strictObject({
    pattern: z
      .enum(["flat", "diurnal", "weekly", "spikes", "trend", "step"])
      .default("flat")
      .describe(
        "diurnal: a daily sine; weekly: diurnal with weekends lower by half the amplitude; spikes: 3% of hours at 1 + 2 × amplitude; trend: growth by `rate` a day; step: × (1 + rate) from day `at`.",
      ),
    amplitude: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe("Peak-to-mean amplitude of the daily and weekly cycles, and the spikes' size (0.5 = ±50%)."),
    rate: z
      .number()
      .default(0.01)
      .describe("trend: growth a day (0.01 = +1%/day); step: the increase (0.8 = +80%)."),
    at: z.number().default(0).describe("step: the day it happens."),
  })
  .prefault({})
  .describe("How the load moves around its nominal level.");
export type Load = z.infer<typeof loadSchema>;

/** The load multiplier at `t` (1 = nominal), `elapsed` ms after the scenario's start. */
export function loadAt(load: Load, seed: number, elapsed: number): number {
  const day = (elapsed % DAY) / DAY;
  const diurnal = 1 + load.amplitude * Math.sin(2 * Math.PI * (day - 0.25));
  switch (load.pattern) {
    case "flat":
      return 1;
    case "diurnal":
      return diurnal;
    case "weekly": {
      const weekday = Math.floor(elapsed / DAY) % 7;
      return diurnal * (weekday >= 5 ? 1 - load.amplitude / 2 : 1);
    }
    case "spikes":
      return 1 + (uniform(seed, "spike", Math.floor(elapsed / HOUR)) < 0.03 ? 2 * load.amplitude : 0);
    case "trend":
      return 1 + load.rate * (elapsed / DAY);
    case "step":
      return elapsed >= load.at * DAY ? 1 + load.rate : 1;
  }
}
