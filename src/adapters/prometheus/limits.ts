import { MAX_POINTS } from "../../core/signals/step.js";

/**
 * How much of one answer Governor reads. Past a limit the answer is missing data whose reason
 * names the limit: a runaway query (or a hostile server) costs a bounded amount of memory.
 */
export interface ResponseLimits {
  /** Bytes of body read; the request is aborted at the first byte past it. */
  readonly maxBytes: number;
  /** Series in a vector or matrix (one is expected; a handful is already ambiguous). */
  readonly maxSeries: number;
  /** Points in one series of a matrix; the engine asks for at most MAX_POINTS. */
  readonly maxPointsPerSeries: number;
}

/**
 * A usable answer is one series of at most 11,000 points, about 0.3 MiB; 16 MiB leaves room for
 * long label sets while a plan's four concurrent reads stay within a few hundred MiB.
 */
export const DEFAULT_LIMITS: ResponseLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxSeries: 10_000,
  maxPointsPerSeries: MAX_POINTS,
};

const count = (n: number) => n.toLocaleString("en-US");

export const overBytesReason = (limits: ResponseLimits): string =>
  `more than PROMETHEUS_MAX_RESPONSE_BYTES=${limits.maxBytes} bytes (${mib(limits.maxBytes)}); the rest was not read: narrow the query, or raise the limit`;

const mib = (bytes: number) => `${Number((bytes / 1024 / 1024).toPrecision(3))} MiB`;

/**
 * Checks the parsed JSON before the schema copies it: the series and per-series points of a
 * vector or matrix. Reads only array lengths, so it costs nothing on a well-formed answer.
 */
export function overShapeLimits(json: unknown, limits: ResponseLimits): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const data = (json as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return undefined;
  const { resultType, result } = data as { resultType?: unknown; result?: unknown };
  if ((resultType !== "matrix" && resultType !== "vector") || !Array.isArray(result)) return undefined;
  if (result.length > limits.maxSeries)
    return `${count(result.length)} series, more than PROMETHEUS_MAX_SERIES=${limits.maxSeries}: aggregate the query (sum, max, …), or raise the limit`;
  if (resultType === "vector") return undefined;
  for (const series of result) {
    if (typeof series !== "object" || series === null) continue;
    const { values, histograms } = series as { values?: unknown; histograms?: unknown };
    const points =
      (Array.isArray(values) ? values.length : 0) + (Array.isArray(histograms) ? histograms.length : 0);
    if (points > limits.maxPointsPerSeries)
      return `${count(points)} points in one series, more than PROMETHEUS_MAX_POINTS_PER_SERIES=${limits.maxPointsPerSeries} (Governor asks for at most ${count(MAX_POINTS)}): the server ignored the step, or raise the limit`;
  }
  return undefined;
}

/** Deeper than any Prometheus answer (a matrix of native histograms is 9 levels). */
const MAX_DEPTH = 16;
/** Real answers spend at least 8 bytes per array or object (`[1,"1"],`); `[],` spends 3. */
const BYTES_PER_CONTAINER = 6;

/**
 * Checks the body's text before JSON.parse: nesting depth, and the number of arrays and objects.
 * Under the byte limit these decide what parsing costs (16 MiB of `[[[…]]]` is ~500 MB of heap and
 * seconds of CPU, against ~110 MB for real samples); one linear pass, strings skipped.
 */
export function overJsonShape(text: string, limits: ResponseLimits): string | undefined {
  // Only JSON can be that costly: an HTML error page (its CSS has braces) keeps its own message.
  if (!/^\s*[[{]/.test(text)) return undefined;
  const maxContainers = Math.floor(limits.maxBytes / BYTES_PER_CONTAINER);
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH)
        return `JSON nested deeper than ${MAX_DEPTH} levels (a Prometheus answer needs at most 9): not the Prometheus API`;
      if (++containers > maxContainers)
        return `more than ${count(maxContainers)} JSON arrays and objects (one per ${BYTES_PER_CONTAINER} bytes of PROMETHEUS_MAX_RESPONSE_BYTES=${limits.maxBytes}): not the Prometheus API, or raise the limit`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
