import { z } from "zod";

/**
 * Modelled systems. Each returns, for a time and the lever's value in effect, the noise-free
 * value of each named series; the simulator adds noise, gaps and injected effects.
 */
export const plantSchema = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: z.literal("cpu-service"),
      usage: z.number().positive().describe("CPU used at nominal load, in cores."),
      latency: z.number().positive().describe("p99 latency when not CPU-starved, in seconds."),
    })
    .describe("Latency rises when usage nears the CPU request (throttling); the lever is the request."),
  z
    .strictObject({
      type: z.literal("memory-service"),
      workingSet: z.number().positive().describe("Working set at nominal load, in bytes."),
      limitRatio: z
        .number()
        .min(1)
        .default(1.5)
        .describe("The memory limit is this multiple of the request."),
      latency: z.number().positive().default(0.1).describe("p99 latency when not OOM-killed, in seconds."),
    })
    .describe("OOM-killed when the working set exceeds the limit; the lever is the memory request."),
  z
    .strictObject({
      type: z.literal("queue"),
      arrivals: z.number().positive().describe("Requests per second at nominal load."),
      serviceRate: z.number().positive().describe("Requests per second one worker serves."),
    })
    .describe("An M/M/c queue: p99 latency from the worker pool (the lever); cost grows with it."),
]);
export type Plant = z.infer<typeof plantSchema>;

/** Erlang C: the probability that a request waits, for c servers at offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  if (a >= c) return 1;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}

/**
 * The plant's series at load `load` with the lever at `value` (cores, bytes, or workers):
 * names match the built-in policies' signals, plus `latency`, `cost`, `demand` (what the lever
 * must cover, in its own unit: cores used, bytes of working set, busy workers) and `incident`
 * (1 when the plant is in trouble: throttled, OOM-killed, or queueing out of control).
 */
export function plantSeries(plant: Plant, load: number, value: number): Record<string, number> {
  switch (plant.type) {
    case "cpu-service": {
      const usage = plant.usage * load;
      const ratio = usage / Math.max(value, 1e-9);
      const throttling = Math.max(0, Math.min(1, (ratio - 0.9) / 0.5));
      return {
        usage,
        demand: usage,
        throttling,
        latency: plant.latency * (1 + 3 * throttling),
        cost: value,
        incident: throttling > 0.1 ? 1 : 0,
      };
    }
    case "memory-service": {
      const ws = plant.workingSet * load;
      const oom = ws > value * plant.limitRatio ? 1 : 0;
      return {
        working_set: Math.min(ws, value * plant.limitRatio),
        demand: ws,
        oom,
        latency: plant.latency * (1 + 5 * oom),
        cost: value,
        incident: oom,
      };
    }
    case "queue": {
      const c = Math.max(1, Math.round(value));
      const lambda = plant.arrivals * load;
      const a = lambda / plant.serviceRate;
      const rho = a / c;
      // p99 of the M/M/c waiting time: P(W > t) = C · exp(−(cμ − λ) t).
      const waits = erlangC(c, a);
      const wait =
        rho >= 1 ? 10 : waits > 0.01 ? Math.log(waits / 0.01) / (c * plant.serviceRate - lambda) : 0;
      const latency = Math.min(10, 1 / plant.serviceRate + wait);
      return { latency, saturation: Math.min(1, rho), demand: a, cost: c, incident: rho >= 0.98 ? 1 : 0 };
    }
  }
}
