/**
 * The SignalSource port: how the engine gets numbers. Implementations are adapters
 * (Prometheus, a recording, a simulated plant); the engine only sees these values.
 * Missing is missing, with a reason — never a zero.
 */

/** A range query, times in milliseconds since the epoch. */
export interface RangeQuery {
  readonly query: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

export interface Sample {
  /** Milliseconds since the epoch. */
  readonly t: number;
  readonly v: number;
}

export type MissingKind =
  | "empty" // the query matched no series
  | "not-finite" // only NaN or ±Inf samples
  | "ambiguous" // several series where one was expected
  | "unreachable" // connection refused, timed out, or the circuit breaker is open
  | "query-error" // Prometheus refused the query (400/422): the query's fault
  | "server-error" // 5xx / 429 after retries, or a proxy's error page
  | "bad-response" // not the Prometheus HTTP API
  | "auth" // 401/403
  | "not-recorded"; // replaying a recording that does not hold this query

export type SignalData =
  | {
      readonly status: "ok";
      readonly samples: readonly Sample[];
      /** Prometheus' warnings and infos: a decision based on partial data says so. */
      readonly warnings: readonly string[];
      /** NaN/±Inf samples left out (they are never counted as data). */
      readonly dropped: number;
    }
  | {
      readonly status: "missing";
      readonly kind: MissingKind;
      readonly reason: string;
      readonly warnings: readonly string[];
    };

export interface SignalSource {
  range(q: RangeQuery): Promise<SignalData>;
  instant(query: string, time: number): Promise<SignalData>;
}

export const missing = (kind: MissingKind, reason: string, warnings: readonly string[] = []): SignalData => ({
  status: "missing",
  kind,
  reason,
  warnings,
});
