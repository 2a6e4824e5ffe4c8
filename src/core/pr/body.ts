import type { Check, Decision } from "../engine/decision.js";
import { describeLimits } from "../engine/verdict.js";
import { chartSection } from "./chart.js";
import { expectationsSection, nextSection } from "./next.js";
import { code, earlierLine, expectedLine, limitingChecks, summaryTable, whyLine } from "./summary.js";

/** The tuning PR's body, built from small sections: a reviewer must understand why in 30 seconds. */

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function summary(d: Decision): string {
  return [whyLine(d), "", summaryTable(d), "", expectedLine(d), earlierLine(d) ? `\n${earlierLine(d)}` : ""]
    .filter((x, i) => x !== "" || i % 2 === 1)
    .join("\n")
    .trim();
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

/** The exact query and range of each number: links to a Prometheus or Grafana a reviewer can open, else the query text. */
export function evidenceSection(d: Decision): string {
  const rows = d.evidence.map((e) => {
    const links = [e.link ? `[Prometheus](${e.link})` : "", e.grafana ? `[Grafana](${e.grafana})` : ""]
      .filter(Boolean)
      .join(" · ");
    return `| ${esc(e.signal)} | ${esc(e.value)} | ${links || esc(code(e.query))} |`;
  });
  return ["### Evidence", "", "| signal | value | query |", "|---|---|---|", ...rows].join("\n");
}

export { chartSection };

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

const mark = (c: Check) => (!c.ok ? "❌" : c.limited ? "⚠️ limited" : "✅");

export function checksList(d: Decision): string {
  return d.checks.map((c) => `- ${mark(c)} **${c.name}**: ${c.detail}`).join("\n");
}

export function checksSection(d: Decision): string {
  return ["### Safety checks", "", checksList(d)].join("\n");
}

/** The checks folded: the count and anything that bit stay visible in the summary line. */
export function foldedChecks(d: Decision): string {
  const failed = d.checks.filter((c) => !c.ok).map((c) => c.name);
  const limited = limitingChecks(d).map((c) => c.name);
  const passed = d.checks.length - failed.length - limited.length;
  const parts = [
    `${passed} passed`,
    ...(limited.length > 0 ? [`${limited.length} limited the value (${limited.join(", ")})`] : []),
    ...(failed.length > 0 ? [`${failed.length} failed (${failed.join(", ")})`] : []),
  ];
  return [
    `<details><summary>Safety checks: ${parts.join(", ")}</summary>`,
    "",
    checksList(d),
    "",
    "</details>",
  ].join("\n");
}

export function approvalSection(d: Decision): string {
  return d.approval === "auto"
    ? "_Low risk and earned autonomy: Governor merges this itself once checks pass._"
    : `_Risk ${d.risk}: a person reviews and merges this._`;
}

/**
 * The PR body. The first screen is the why and one row of numbers (Renovate's PRs are the model:
 * a reviewer decides from the top), then what merging or closing sets off; the evidence, the
 * chart, the rollback and the checks (folded) are there for whoever wants to verify.
 */
export function renderPrBody(d: Decision, watchWindow: string): string {
  return [
    summary(d),
    nextSection(d, watchWindow),
    expectationsSection(d, watchWindow),
    evidenceSection(d),
    chartSection(d),
    rollbackSection(d),
    foldedChecks(d),
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
