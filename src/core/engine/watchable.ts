import type { SignalRequest } from "../signals/requests.js";
import type { SignalData } from "../signals/source.js";
import { formatDuration } from "../units/duration.js";
import type { Check } from "./decision.js";
import { FRESH_FLOOR, FRESH_STEPS } from "./gate.js";

/**
 * watchable: every guardrail of the change has data now. A change whose guardrails cannot be
 * read could never be judged after the merge (the watch would only ever say inconclusive while
 * the new value stays), so it is not proposed: guardrails are checked like signals.
 */
export function guardrailDataCheck(
  guardrails: ReadonlyArray<{ request: SignalRequest; data: SignalData | undefined }>,
): Check {
  const problems: string[] = [];
  for (const { request, data } of guardrails) {
    if (!data) problems.push(`${request.name}: not asked`);
    else if (data.status === "missing") problems.push(`${request.name}: ${data.reason}`);
    else {
      const newest = data.samples.at(-1)?.t;
      const fresh = Math.max(FRESH_STEPS * request.step, FRESH_FLOOR);
      if (newest === undefined) problems.push(`${request.name}: no samples`);
      else if (request.end - newest > fresh)
        problems.push(
          `${request.name}: stale — the newest sample is ${formatDuration(request.end - newest)} old (at most ${formatDuration(fresh)})`,
        );
    }
  }
  if (guardrails.length === 0) return { name: "watchable", ok: true, detail: "no guardrail to watch" };
  return problems.length > 0
    ? {
        name: "watchable",
        ok: false,
        detail: `a guardrail has no data now, so the change could not be watched — ${problems.join("; ")}`,
      }
    : {
        name: "watchable",
        ok: true,
        detail: `every guardrail has data now (${guardrails.map((g) => g.request.name).join(", ")})`,
      };
}
