/** The commit trailers Governor writes and reads back: the ledger of local mode. */
export const TRAILER = {
  lever: "Governor-Lever",
  decision: "Governor-Decision",
  policy: "Governor-Policy",
  from: "Governor-From",
  to: "Governor-To",
  revert: "Governor-Revert",
} as const;

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

export function formatTrailers(trailers: ReadonlyArray<readonly [string, string]>): string {
  return trailers.map(([k, v]) => `${k}: ${v.replace(/\n/g, " ")}`).join("\n");
}
