import type { Sample } from "../signals/source.js";

/**
 * How much of a watch window (or of its baseline) holds data. A range query asks for one
 * evaluation every step from start to end; an evaluation with no sample is missing data — a
 * Prometheus outage, a scrape target down, a series not yet there — and never counts as a value.
 */

/** The least share of a range's evaluations that must hold data for it to be judged on. */
export const MIN_COVERAGE = 0.5;

/** Where a range was asked: its evaluations are start, start + step, … ≤ end. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

export interface Coverage {
  readonly span: Span;
  /** Evaluations that hold a sample. */
  readonly present: number;
  /** Evaluations the range asks for. */
  readonly expected: number;
  /** The stretches with no data: [first missing evaluation, last missing evaluation]. */
  readonly gaps: ReadonlyArray<readonly [number, number]>;
}

export function evaluations(s: Span): number {
  return s.end < s.start || s.step <= 0 ? 0 : Math.floor((s.end - s.start) / s.step) + 1;
}

/** The evaluations of `span` that hold one of `samples` (a sample counts for its nearest evaluation). */
export function coverage(span: Span, samples: readonly Sample[]): Coverage {
  const expected = evaluations(span);
  const seen = new Uint8Array(expected);
  for (const s of samples) {
    const k = Math.round((s.t - span.start) / span.step);
    if (k >= 0 && k < expected) seen[k] = 1;
  }
  const gaps: Array<readonly [number, number]> = [];
  let present = 0;
  for (let k = 0; k < expected; k++) {
    if (seen[k]) {
      present++;
      continue;
    }
    let j = k;
    while (j + 1 < expected && !seen[j + 1]) j++;
    gaps.push([span.start + k * span.step, span.start + j * span.step]);
    k = j;
  }
  return { span, present, expected, gaps };
}

/** Enough of the range holds data to judge on it: at least MIN_COVERAGE of its evaluations, and `least`. */
export function enough(c: Coverage, least = 1): boolean {
  return c.present >= Math.max(least, Math.ceil(c.expected * MIN_COVERAGE));
}

/** "2026-12-02T17:30Z": an ISO time to the minute, seconds only when there are some. */
export function isoMinute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(":00.000Z") ? `${iso.slice(0, 16)}Z` : `${iso.slice(0, 19)}Z`;
}

/** A length in minutes ("30 min"), or seconds below a minute. */
export function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** "2026-12-02T17:05Z–17:20Z": the end without its date when it is the same day. */
function stretch([from, to]: readonly [number, number]): string {
  const a = isoMinute(from);
  const b = isoMinute(to);
  if (from === to) return a;
  return b.slice(0, 10) === a.slice(0, 10) ? `${a.slice(0, -1)}–${b.slice(11)}` : `${a}–${b}`;
}

/** The missing stretches in words, at most three: "none 2026-12-02T17:05–17:20Z, 17:40Z". */
export function describeGaps(c: Coverage): string {
  const shown = c.gaps.slice(0, 3).map(stretch);
  const more = c.gaps.length > 3 ? `, and ${c.gaps.length - 3} more` : "";
  return `no data ${shown.join(", ")}${more}`;
}

/** "1 min of 30 min": the data a range holds, as a length, against the length asked. */
export function lengthOf(c: Coverage): string {
  return `${minutes(c.present * c.span.step)} of ${minutes(c.expected * c.span.step)}`;
}
