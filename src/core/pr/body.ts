import type { Decision } from "../engine/decision.js";
import { describeLimits } from "../engine/verdict.js";

/** The tuning PR's body, built from small sections: a reviewer must understand why in 30 seconds. */

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "ˋ")}\``;

export function summary(d: Decision): string {
  const expected = d.hypothesis ? ` Expected: ${d.hypothesis.statement}.` : "";
  return `Governor proposes **${d.lever}**: ${code(d.from ?? "(not set)")} → ${code(d.to ?? "?")} (policy ${code(d.policy)}).${expected}`;
}

export function hypothesisSection(d: Decision): string {
  if (!d.hypothesis) return "";
  const h = d.hypothesis;
  return [
    `### Hypothesis`,
    "",
    `${h.statement}.`,
    "",
    `Why: ${d.rationale ?? d.reason}.`,
    "",
    `Signal: ${code(h.query)}`,
  ].join("\n");
}

export function evidenceSection(d: Decision): string {
  const rows = d.evidence.map((e) => {
    const links = [e.link ? `[Prometheus](${e.link})` : "", e.grafana ? `[Grafana](${e.grafana})` : ""]
      .filter(Boolean)
      .join(" · ");
    return `| ${esc(e.signal)} | ${esc(e.value)} | ${links || "—"} |`;
  });
  return ["### Evidence", "", "| signal | value | query |", "|---|---|---|", ...rows].join("\n");
}

/** The main signal over the lookback as a Mermaid chart (GitHub renders it), downsampled to ~60 points. */
export function chartSection(d: Decision): string {
  const main = d.evidence.find((e) => e.series && e.series.length > 1);
  if (!main?.series) return "";
  const series = main.series;
  const every = Math.max(1, Math.ceil(series.length / 60));
  const points = series.filter((_, i) => i % every === 0);
  const first = series[0]?.[0] ?? 0;
  const last = series[series.length - 1]?.[0] ?? first;
  const hours = Math.max(1, Math.round((last - first) / 3_600_000));
  const fmt = (v: number) => Number(v.toPrecision(4));
  return [
    "```mermaid",
    "xychart-beta",
    `  title "${main.signal} over the last ${hours}h"`,
    `  x-axis "hours" 0 --> ${hours}`,
    `  line [${points.map(([, v]) => fmt(v)).join(", ")}]`,
    "```",
  ].join("\n");
}

export function guardrailsSection(d: Decision, window: string): string {
  if (d.guardrails.length === 0) return "";
  return [
    "### Guardrails",
    "",
    `Watched for ${window} after the change is applied; a breach opens a revert.`,
    "",
    ...d.guardrails.map((g) => `- **${g.name}** (${g.source}): ${describeLimits(g)} — ${code(g.query)}`),
  ].join("\n");
}

export function rollbackSection(d: Decision): string {
  if (!d.rollback) return "### Rollback plan\n\nThe field did not exist before: remove it to roll back.";
  const r = d.rollback;
  return [
    "### Rollback plan",
    "",
    `On a guardrail breach Governor reverts ${code(r.file)} (${r.target}) to exactly ${code(r.restore)}.`,
    "",
    `By hand: ${r.manual}.`,
  ].join("\n");
}

export function checksSection(d: Decision): string {
  return [
    "### Safety checks",
    "",
    ...d.checks.map((c) => `- ${c.ok ? "✅" : "❌"} **${c.name}**: ${c.detail}`),
  ].join("\n");
}

export function approvalSection(d: Decision): string {
  return d.approval === "auto"
    ? "_Low risk and earned autonomy: Governor merges this itself once checks pass._"
    : `_Risk ${d.risk}: a person reviews and merges this._`;
}

export function renderPrBody(d: Decision, watchWindow: string): string {
  return [
    summary(d),
    hypothesisSection(d),
    evidenceSection(d),
    chartSection(d),
    guardrailsSection(d, watchWindow),
    rollbackSection(d),
    checksSection(d),
    approvalSection(d),
  ]
    .filter((s) => s !== "")
    .join("\n\n")
    .concat("\n");
}

export function prTitle(d: Decision): string {
  return `Tune ${d.lever}: ${d.from ?? "(not set)"} → ${d.to ?? "?"}`;
}

/** The full decision for `/governor explain`: what was decided and why, every check, the numbers and the links. */
export function renderExplain(d: Decision, watchWindow: string): string {
  const head = `**${d.lever}** (policy \`${d.policy}\`): **${d.decision}** — ${d.reason}`;
  return [
    head,
    d.rationale ? `Why: ${d.rationale}.` : "",
    evidenceSection(d),
    d.decision === "propose" ? guardrailsSection(d, watchWindow) : "",
    checksSection(d),
  ]
    .filter((x) => x !== "")
    .join("\n\n")
    .concat("\n");
}
