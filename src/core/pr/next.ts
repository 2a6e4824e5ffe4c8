import type { Decision, WatchedGuardrail } from "../engine/decision.js";
import { describeLimits } from "../engine/verdict.js";
import { COMMAND_HELP } from "../reconcile/commands.js";
import { code } from "./summary.js";

/** What a reviewer's merge or close sets off, and how the hypothesis and the guardrails differ. */

/** How a guardrail's breach is recognised, in words. */
function breachText(g: WatchedGuardrail): string {
  const parts = [
    g.max !== undefined ? `over ${g.max} on 2 consecutive evaluations` : "",
    g.min !== undefined ? `under ${g.min} on 2 consecutive evaluations` : "",
    g.maxIncrease !== undefined
      ? `a significant increase of more than ${Math.round(g.maxIncrease * 100)}% over the baseline before the change`
      : "",
  ].filter(Boolean);
  return `**${g.name}** ${parts.join(", or ")}`;
}

/** The change moves the lever the way the guardrail's `harmedBy` says cannot cause its breach. */
const cannotHarm = (g: WatchedGuardrail, direction: Decision["direction"]) =>
  g.harmedBy !== undefined &&
  direction !== undefined &&
  g.harmedBy !== (direction === "up" ? "increase" : "decrease");

export function nextSection(d: Decision, watchWindow: string): string {
  const reverting = d.guardrails.filter((g) => !cannotHarm(g, d.direction));
  const holding = d.guardrails.filter((g) => cannotHarm(g, d.direction));
  const moved = d.direction === "up" ? "an increase" : "a decrease";
  const reverts = [
    reverting.length > 0
      ? `reverted automatically on ${reverting.map(breachText).join("; or ")}`
      : holding.length > 0
        ? ""
        : "no guardrail is watched: nothing reverts it automatically",
    ...holding.map(
      (g) =>
        `a breach of **${g.name}** is not reverted: ${moved} cannot cause it (harmedBy: ${g.harmedBy}), so the lever holds for a person`,
    ),
  ]
    .filter(Boolean)
    .join("; ");
  const applied = d.appliedWhen ?? "after the merge";
  return [
    "### What happens next",
    "",
    `- **Merge** → applied ${applied.startsWith("the ") ? "when " : ""}${applied}, then watched for ${watchWindow}; ${reverts}. The verdict is commented here.`,
    `- **Close** → counts as a rejection: no new proposal for this lever for ${d.cooldown ?? "its cooldown"} (cooldown).`,
    `- ${COMMAND_HELP}`,
  ].join("\n");
}

/**
 * The hypothesis and the guardrails side by side, per signal: a threshold that is only reported
 * (the hypothesis) next to a limit that reverts (a guardrail) on the same signal would otherwise
 * read as two contradicting numbers.
 */
export function expectationsSection(d: Decision, watchWindow: string): string {
  const h = d.hypothesis;
  if (!h && d.guardrails.length === 0) return "";
  const rows: string[] = [];
  const sameSignal = (g: WatchedGuardrail) => h !== undefined && g.query === h.query;
  const limitOf = (g: WatchedGuardrail) =>
    `${describeLimits(g)}${cannotHarm(g, d.direction) ? ` (a breach holds the lever, never reverts it: harmedBy ${g.harmedBy})` : ""}`;
  if (h) {
    const guard = d.guardrails.filter(sameSignal);
    const limit = guard.length > 0 ? guard.map((g) => `${g.name}: ${limitOf(g)}`).join("; ") : "—";
    rows.push(`| ${h.signal} | ${h.statement.replace(/ within .*$/, "")} within ${h.window} | ${limit} |`);
  }
  for (const g of d.guardrails.filter((g) => !sameSignal(g)))
    rows.push(`| ${g.name} (${g.source === "repo" ? "repository" : "policy"}) | — | ${limitOf(g)} |`);
  const both = h !== undefined && d.guardrails.some(sameSignal);
  return [
    "### Expected effect and guardrails",
    "",
    "| signal | expected (reported in the verdict) | guardrail (reverts) |",
    "|---|---|---|",
    ...rows,
    "",
    both
      ? `The expectation is what Governor predicts and reports after ${h?.window}; missing it does not revert. The guardrail is the limit that does, watched for ${watchWindow}: between the two the change is kept but reported as not as expected.`
      : `The expectation is reported, not enforced; the guardrails revert, watched for ${watchWindow}.`,
    "",
    ...d.guardrails.map((g) => `- ${g.name}: ${code(g.query)}`),
  ].join("\n");
}
