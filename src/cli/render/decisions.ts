import { createTwoFilesPatch } from "diff";
import type { Decision } from "../../core/engine/decision.js";
import { prTitle, renderPrBody } from "../../core/pr/body.js";
import { blockedByOutage, renderBlockedQueries } from "./blocked.js";

export function unifiedDiff(d: Decision): string {
  if (!d.edit) return "";
  return createTwoFilesPatch(`a/${d.edit.file}`, `b/${d.edit.file}`, d.edit.before, d.edit.after, "", "", {
    context: 3,
  });
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join("  ")
    .trimEnd();
}

/**
 * The plan as people read it: a table, the queries behind each lever blocked on data, then each
 * proposal's diff and PR body. With `outage` (Prometheus could not be used), the levers it blocked
 * say so in a few words: the reason is said once, by the caller, not once per signal.
 */
export function renderPlanText(
  decisions: readonly Decision[],
  watchWindow: string,
  outage?: string | undefined,
): string {
  const rows = decisions.map((d) => [
    d.lever,
    // A blocked lever with no recommendation has none to show: "100m → 100m" read as "keep it".
    `${d.from ?? "-"} → ${d.to ?? (d.decision === "blocked" ? "—" : (d.from ?? "-"))}`,
    d.decision,
    outage !== undefined && blockedByOutage(d) ? "not evaluated: Prometheus could not be used" : d.reason,
  ]);
  const header = ["LEVER", "CURRENT → RECOMMENDED", "DECISION", "REASON"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => Math.min((r[i] ?? "").length, i === 3 ? 0 : 40))),
  );
  const out = [pad(header, widths), ...rows.map((r) => pad(r, widths))];
  out.push(...renderBlockedQueries(decisions.filter((d) => outage === undefined || !blockedByOutage(d))));
  for (const d of decisions.filter((x) => x.decision === "propose")) {
    out.push(
      "",
      `── ${prTitle(d)} ${"─".repeat(Math.max(0, 60 - prTitle(d).length))}`,
      "",
      unifiedDiff(d).trimEnd(),
      "",
      renderPrBody(d, watchWindow).trimEnd(),
    );
  }
  return `${out.join("\n")}\n`;
}

/** The plan for scripts: the contract of `governor plan --json`. */
export function planJson(decisions: readonly Decision[]): unknown {
  return {
    decisions: decisions.map((d) => ({
      lever: d.lever,
      policy: d.policy,
      decision: d.decision,
      reason: d.reason,
      from: d.from ?? null,
      to: d.to ?? null,
      id: d.id,
      checks: d.checks.map(({ name, ok, detail, limited }) => ({
        name,
        ok,
        ...(limited ? { limited } : {}),
        detail,
      })),
      hypothesis: d.hypothesis ?? null,
      guardrails: d.guardrails,
      rollback: d.rollback ?? null,
      evidence: d.evidence.map(({ signal, query, value, link, grafana }) => ({
        signal,
        query,
        value,
        link: link ?? null,
        ...(grafana ? { grafana } : {}),
      })),
      approval: d.approval,
      diff: d.decision === "propose" ? unifiedDiff(d) : null,
    })),
  };
}
