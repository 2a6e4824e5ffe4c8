import type { Decision } from "../engine/decision.js";

/** The commit trailers that make a change its own ledger entry (local mode reads them back). */
export const TRAILER = {
  lever: "Governor-Lever",
  decision: "Governor-Decision",
  policy: "Governor-Policy",
  from: "Governor-From",
  to: "Governor-To",
  revert: "Governor-Revert",
  /** The container's limit, when it moved with the request (`limit: ratio`): what a revert restores. */
  limitFrom: "Governor-Limit-From",
  limitTo: "Governor-Limit-To",
  /** Local mode's holds and resumes: the scope as `repo`, `lever/<id>` or `policy/<id>`. */
  hold: "Governor-Hold",
  resume: "Governor-Resume",
} as const;

export function formatTrailers(trailers: ReadonlyArray<readonly [string, string]>): string {
  return trailers.map(([k, v]) => `${k}: ${v.replace(/\n/g, " ")}`).join("\n");
}

/** `Tune <lever>: <from> -> <to>`, the hypothesis and the why, then the trailers. */
export function commitMessage(d: Decision): string {
  const body = [
    d.hypothesis ? `Hypothesis: ${d.hypothesis.statement}.` : "",
    d.rationale ? `Why: ${d.rationale}.` : "",
    d.limit
      ? `Limit: ${d.limit.field} ${d.limit.from} -> ${d.limit.to}, with the request (limit: ratio).`
      : "",
  ]
    .filter(Boolean)
    .join("\n");
  const trailers = formatTrailers([
    [TRAILER.lever, d.lever],
    [TRAILER.decision, d.id],
    [TRAILER.policy, d.policy],
    [TRAILER.from, d.from ?? "(not set)"],
    [TRAILER.to, d.to ?? ""],
    ...(d.limit
      ? ([
          [TRAILER.limitFrom, d.limit.from],
          [TRAILER.limitTo, d.limit.to],
        ] as const)
      : []),
  ]);
  return `Tune ${d.lever}: ${d.from ?? "(not set)"} -> ${d.to}\n\n${body}\n\n${trailers}\n`;
}

/** The trailers of a commit message (the last paragraph's `Key: value` lines). */
export function parseTrailers(message: string): Map<string, string> {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? "";
  const out = new Map<string, string>();
  for (const line of last.split("\n")) {
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) out.set(m[1], m[2]);
  }
  return out;
}
