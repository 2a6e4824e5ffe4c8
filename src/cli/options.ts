import { err, ok, type Result } from "../core/result.js";

/** `--now`: an ISO 8601 time with a zone; the wall clock only when it is not given. */
export function parseNow(text: string | undefined, clock: () => number = Date.now): Result<number, string> {
  if (text === undefined) return ok(clock());
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    return err(`--now ${text}: expected an ISO 8601 time with a zone, such as 2026-11-23T10:00:00Z`);
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? err(`--now ${text}: not a valid time`) : ok(t);
}
