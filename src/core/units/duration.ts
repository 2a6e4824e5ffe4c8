import { err, ok, type Result } from "../result.js";

/** Prometheus duration units, largest first: a duration lists them in this order, each at most once. */
const UNITS = [
  ["y", 365 * 24 * 3600 * 1000],
  ["w", 7 * 24 * 3600 * 1000],
  ["d", 24 * 3600 * 1000],
  ["h", 3600 * 1000],
  ["m", 60 * 1000],
  ["s", 1000],
  ["ms", 1],
] as const;

const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

export const DURATION_HINT = "use Prometheus style: 30s, 5m, 1h30m, 7d";

/** Parses a Prometheus-style duration ("1h30m") into milliseconds, with Prometheus' own rules. */
export function parseDuration(text: string): Result<number> {
  if (text === "") return err(`an empty string is not a duration (${DURATION_HINT})`);
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== start) return err(`"${text}" is not a duration (${DURATION_HINT})`);
    const rank = UNITS.findIndex(([u]) => u === m[2]);
    if (rank <= lastRank)
      return err(
        `"${text}" is not a duration: units must go from largest to smallest, each once (${DURATION_HINT})`,
      );
    lastRank = rank;
    total += Number(m[1]) * (UNITS[rank]?.[1] ?? 0);
  }
  if (!Number.isSafeInteger(total)) return err(`"${text}" is too long a duration`);
  return ok(total);
}

/** Formats milliseconds the way Prometheus prints durations ("1h30m", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of UNITS) {
    if (unit === "y" || unit === "w") continue; // Prometheus prints days, not weeks or years, for readability
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
