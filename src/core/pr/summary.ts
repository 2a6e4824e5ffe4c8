import type { Check, Decision } from "../engine/decision.js";
import { describeMagnitude } from "../engine/strategies.js";
import { magnitude } from "../values/arith.js";

/** The first screen of a tuning PR: why in plain words, then one row with every number of the step. */

export const code = (s: string) => `\`${s.replace(/`/g, "ˋ")}\``;
const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The numbers of the step, computed once so that the text and the table cannot disagree. */
export interface StepNumbers {
  /** (to − from) / from, signed; undefined when there was no value. */
  readonly change?: number | undefined;
  /** to − from per replica, in the lever's unit (cores, bytes, replicas). */
  readonly delta?: number | undefined;
  /** delta × replicas, when the replicas are known. */
  readonly total?: number | undefined;
}

export function stepNumbers(d: Decision): StepNumbers {
  if (!d.fromValue || !d.toValue) return {};
  const a = magnitude(d.fromValue);
  const b = magnitude(d.toValue);
  const delta = b - a;
  return {
    ...(a !== 0 ? { change: delta / a } : {}),
    delta,
    ...(d.replicas ? { total: delta * d.replicas.count } : {}),
  };
}

export const signedPct = (x: number) =>
  `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x * 100)
    .toFixed(1)
    .replace(/\.0$/, "")}%`;

function signedAmount(d: Decision, x: number): string {
  const type = d.toValue?.type ?? "number";
  const text = describeMagnitude(type === "boolean" ? "number" : type, Math.abs(x));
  return `${x > 0 ? "+" : x < 0 ? "−" : ""}${text}`;
}

/** A value every pod reserves: a container request or limit (an env var's heap size reserves nothing). */
const reservesPerPod = (d: Decision): boolean =>
  d.reservesPerPod ?? (d.toValue?.type === "cpu" || d.toValue?.type === "memory");

/** The total a per-pod value reserves across the workload, or why it cannot be told. */
export function totalReserved(d: Decision): string {
  const n = stepNumbers(d);
  if (n.delta === undefined) return "—";
  const per = `${signedAmount(d, n.delta)} per replica`;
  if (!d.replicas) return reservesPerPod(d) ? `${per}; replicas unknown` : "—";
  const r = d.replicas.count;
  return `${signedAmount(d, n.total ?? 0)} across ${r} replica${r === 1 ? "" : "s"}`;
}

/** The checks that cut the recommendation (bounds, maxStep, the container's limit). */
export const limitingChecks = (d: Decision): Check[] => d.checks.filter((c) => c.ok && c.limited === true);

/** How a limiting check cut the value: "capped at −50% of 2 = 1 by maxStep". */
function cutText(d: Decision, c: Check, last: boolean): string {
  // The values as the PR writes them (the check's text is canonical: 2 for 2000m).
  if (c.name === "limit") return c.detail; // "capped at the limit 600m"
  const capped = /capped at ([+−]\d+%)/.exec(c.detail)?.[1];
  // Only the last cut gives the value proposed; an earlier one is told as its check computed it.
  const to = last ? d.to : /= (\S+)$/.exec(c.detail)?.[1];
  if (capped) return `capped at ${capped} of ${d.from ?? "?"} = ${to ?? "?"} by ${c.name}`;
  const bound = /\(bounds (.*)\)/.exec(c.detail)?.[1];
  return `limited to the bound of ${bound ?? "the lever's bounds"}, to ${/, (\S+) proposed/.exec(c.detail)?.[1] ?? "?"}`;
}

/** Why, in plain words; then how the value was sized and, when a bound or maxStep cut it, by how much. */
export function whyLine(d: Decision): string {
  const reason = d.why ?? d.rationale ?? d.reason;
  // The rationale's first clause is the observation the plain reason already gives; the rest sizes the value.
  const sizing = d.why !== undefined && d.rationale ? d.rationale.split("; ").slice(1).join("; ") : "";
  const limiting = limitingChecks(d);
  const cuts = limiting.map((c, i) => cutText(d, c, i === limiting.length - 1));
  const sized = sizing ? ` (${sizing})` : "";
  const how =
    cuts.length > 0
      ? ` Recommended ${d.recommended ?? "?"}${sized}, ${cuts.join(", then ")}.`
      : sizing && d.to !== undefined
        ? ` Proposed ${d.to}${sized}.`
        : "";
  return `**Why:** ${reason}.${how}`;
}

export function summaryTable(d: Decision): string {
  const n = stepNumbers(d);
  const change = n.change === undefined ? "new field" : signedPct(n.change);
  const samples = d.evidence.find((e) => e.series && e.series.length > 0)?.series?.length;
  const window = `${d.lookback ?? "—"}${samples !== undefined ? ` (${samples} samples)` : ""}`;
  const perPod = reservesPerPod(d);
  const replicas = d.replicas ? `${d.replicas.count} (${d.replicas.source})` : perPod ? "unknown" : "—";
  const risk = `**${d.risk}**${d.riskReason ? `: ${d.riskReason}` : ""}`;
  return [
    "| lever | from → to | change | replicas | total reserved | risk | evidence window |",
    "|---|---|---|---|---|---|---|",
    `| ${code(d.lever)} | ${code(d.from ?? "(not set)")} → ${code(d.to ?? "?")} | ${change} | ${esc(replicas)} | ${esc(totalReserved(d))} | ${esc(risk)} | ${esc(window)} |`,
  ].join("\n");
}

/** A reverted earlier attempt at the same value: linked, with what is different now. */
export function earlierLine(d: Decision): string {
  const e = d.earlier;
  if (!e) return "";
  const where = e.ref ? ` (${e.ref})` : ` (decision ${code(e.decision)})`;
  const when = new Date(e.revertedAt).toISOString().slice(0, 16).replace("T", " ");
  const diff =
    e.differences.length > 0
      ? `What is different now: ${[...e.differences, e.evidence].join("; ")}.`
      : `What is different now: only the data — ${e.evidence}; the cooldown since the revert has passed. A second revert within 14 days holds the lever.`;
  return `> [!WARNING]\n> This value was tried before: ${code(e.from)} → ${code(e.to)}${where} was reverted on ${when} UTC. ${diff}`;
}

export function expectedLine(d: Decision): string {
  return d.hypothesis ? `**Expected:** ${d.hypothesis.statement}.` : "";
}
