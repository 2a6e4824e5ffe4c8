import { z } from "zod";
import type { SignalRequest } from "./requests.js";
import type { RangeQuery, SignalData } from "./source.js";

/**
 * A recording: the answers to every question a plan asks, so that the plan can be replayed
 * with no Prometheus — for bug reports, and as regression tests of policies.
 */
const sampleSchema = z.object({ t: z.number(), v: z.number() });
export const signalDataSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    samples: z.array(sampleSchema),
    warnings: z.array(z.string()),
    dropped: z.number().int().min(0),
  }),
  z.object({
    status: z.literal("missing"),
    kind: z.enum([
      "empty",
      "not-finite",
      "ambiguous",
      "unreachable",
      "query-error",
      "server-error",
      "bad-response",
      "auth",
      "not-recorded",
    ]),
    reason: z.string(),
    warnings: z.array(z.string()),
  }),
]);

export const recordingSchema = z.object({
  version: z.literal(1),
  /** The evaluation time the recording was made for (ISO 8601). */
  now: z.string(),
  /** Where it was recorded from, without credentials. */
  prometheus: z.string(),
  entries: z.array(
    z.object({
      lever: z.string(),
      name: z.string(),
      kind: z.enum(["signal", "guardrail"]),
      query: z.string(),
      start: z.number(),
      end: z.number(),
      step: z.number(),
      data: signalDataSchema,
    }),
  ),
});

export type Recording = z.infer<typeof recordingSchema>;
export type RecordingEntry = Recording["entries"][number];

export const rangeKey = (q: RangeQuery): string => `${q.start}|${q.end}|${q.step}|${q.query}`;

export function recordingEntry(request: SignalRequest, data: SignalData): RecordingEntry {
  const { lever, name, kind, query, start, end, step } = request;
  return { lever, name, kind, query, start, end, step, data: data as RecordingEntry["data"] };
}
