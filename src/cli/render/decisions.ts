import { createTwoFilesPatch } from "diff";
import type { Decision } from "../../core/engine/decision.js";
import { prTitle, renderPrBody } from "../../core/pr/body.js";

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

/** The plan as people read it: a table, then each proposal's diff and PR body. */
export function renderPlanText(decisions: readonly Decision[], watchWindow: string): string {
  const rows = decisions.map((d) => [
    d.lever,
    `${d.from ?? "-"} → ${d.to ?? d.from ?? "-"}`,
    d.decision,
    d.reason,
  ]);
  const header = ["LEVER", "CURRENT → RECOMMENDED", "DECISION", "REASON"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => Math.min((r[i] ?? "").length, i === 3 ? 0 : 40))),
  );
  const out = [pad(header, widths), ...rows.map((r) => pad(r, widths))];
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
      checks: d.checks.map(({ name, ok, detail }) => ({ name, ok, detail })),
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
