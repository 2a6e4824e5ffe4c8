import type { ResolvedLever } from "../config/check-levers.js";
import { formatLike } from "../levers/format.js";
import { planLimit } from "../levers/limit.js";
import type { ParsedFile } from "../levers/parsed-file.js";
import { compareValues, type LeverValue } from "../values/value.js";
import type { Check } from "./decision.js";

export interface LimitCheck {
  readonly check: Check;
  /** The value to propose: capped at the limit (or floored at the request) when it crossed it. */
  readonly value: LeverValue;
  /** Set when the value had to be capped, for the decision's reason. */
  readonly capped?: string | undefined;
}

const pass = (detail: string): Check => ({ name: "limit", ok: true, detail });
const fail = (detail: string): Check => ({ name: "limit", ok: false, detail });

/**
 * 3b. limit: a request is never proposed above its limit, nor a limit below its request. With
 * `limit: keep` a value that crosses is capped at the other half (and says so); with
 * `limit: ratio` the limit moves with the request. Undefined for a lever that is neither.
 */
export function limitCheck(
  parsed: ParsedFile,
  lever: ResolvedLever,
  current: LeverValue | undefined,
  currentText: string | undefined,
  value: LeverValue,
): LimitCheck | undefined {
  const plan = planLimit(parsed, lever, current, value);
  if (!plan.ok) return { check: fail(plan.error.message), value };
  const p = plan.value;
  const text = (v: LeverValue) => formatLike(currentText, v);
  switch (p.kind) {
    case "unpaired":
      return undefined;
    case "unset":
      return { check: pass(p.sibling.role === "limit" ? "no limit set" : "no request set"), value };
    case "within":
      return {
        check: pass(
          p.other.sibling.role === "limit"
            ? `${text(value)} ≤ limit ${p.other.text}`
            : `request ${p.other.text} ≤ ${text(value)}`,
        ),
        value,
      };
    case "move":
      return {
        check: pass(`limit moves ${p.other.text} → ${formatLike(p.other.text, p.to)} (ratio ${p.ratio})`),
        value,
      };
    case "crosses": {
      const isRequest = p.other.sibling.role === "limit";
      const bound = `${isRequest ? "the limit" : "the request"} ${p.other.text}`;
      if (p.already)
        return {
          check: fail(
            `the current value ${currentText ?? ""} is already ${isRequest ? "above" : "below"} ${bound} (${p.other.where}), which Kubernetes refuses: fix the file first`,
          ),
          value,
        };
      const capped = p.other.value;
      const detail = `capped at ${bound}`;
      if (current && compareValues(capped, current) === 0)
        return { check: fail(`${detail}, which is the current value (${p.other.where})`), value: capped };
      if (compareValues(capped, lever.min) < 0 || compareValues(capped, lever.max) > 0)
        return {
          check: fail(
            `${bound} (${p.other.where}) is outside the bounds [${lever.bounds.min}, ${lever.bounds.max}]: no value fits both`,
          ),
          value,
        };
      return { check: { ...pass(detail), limited: true }, value: capped, capped: detail };
    }
  }
}
