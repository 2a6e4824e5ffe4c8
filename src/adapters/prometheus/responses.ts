import { z } from "zod";

/** The Prometheus HTTP API's JSON, as Thanos, Mimir, Cortex and VictoriaMetrics also serve it. */
const samplePair = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());

export const matrixSchema = z.array(
  z.object({
    metric: labels,
    values: z.array(samplePair).optional(),
    histograms: z.array(z.unknown()).optional(),
  }),
);
export const vectorSchema = z.array(
  z.object({ metric: labels, value: samplePair.optional(), histogram: z.unknown().optional() }),
);

export const apiResponseSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({ resultType: z.literal("matrix"), result: matrixSchema }),
      z.object({ resultType: z.literal("vector"), result: vectorSchema }),
      z.object({ resultType: z.literal("scalar"), result: samplePair }),
      z.object({ resultType: z.literal("string"), result: samplePair }),
    ]),
    warnings: z.array(z.string()).optional(),
    infos: z.array(z.string()).optional(),
  }),
  z.object({
    status: z.literal("error"),
    errorType: z.string().optional(),
    error: z.string().optional(),
    warnings: z.array(z.string()).optional(),
  }),
]);

export type ApiResponse = z.infer<typeof apiResponseSchema>;
export type ApiSuccess = Extract<ApiResponse, { status: "success" }>;
export type QueryData = ApiSuccess["data"];
