/** A lever that cannot be tuned, and only it: its id, and its problem as `FILE:LINE:COL: field: reason`. */
export interface LeverError {
  readonly lever: string;
  readonly error: string;
}

/** A merged change whose watch could not run: its PR and its lever. */
export interface PausedWatch {
  readonly number: number;
  readonly lever: string;
}

/** What of the configuration is broken, and what that holds back. */
export interface ConfigProblems {
  /** Problems of the configuration as a whole: nothing is proposed while there is one. */
  readonly configErrors: readonly string[];
  /** Problems of single levers: those levers are not proposed, every other one is. */
  readonly leverErrors?: readonly LeverError[] | undefined;
  /**
   * Set when the configuration's problems stop the watch too (it does not load, or names no
   * Prometheus the operator offers): why, and the merged changes left unjudged.
   */
  readonly paused?: { readonly because: string; readonly watches: readonly PausedWatch[] } | undefined;
}

/**
 * The banner on top of the dashboard when merged changes are not watched: a breach would not be
 * reverted, which matters more than anything else the dashboard says.
 */
export function pausedBanner(d: ConfigProblems): string[] {
  const watches = d.paused?.watches ?? [];
  if (watches.length === 0) return [];
  return [
    ...watches.map((w) => `> ⛔ **The watch of #${w.number} (${w.lever}) is paused: ${d.paused?.because}.**`),
    ">",
    "> Until the configuration errors below are fixed, Governor does not judge these merged changes and does not revert them on a guardrail breach: check their guardrails by hand, and revert by hand if need be.",
    "",
  ];
}

/** The "Configuration errors" section: each problem, and what it really holds back. */
export function configErrorLines(d: ConfigProblems): string[] {
  const levers = d.leverErrors ?? [];
  if (d.configErrors.length === 0 && levers.length === 0) return [];
  const out = ["## ❌ Configuration errors", ""];
  if (d.configErrors.length > 0)
    out.push(
      d.paused
        ? "Until these are fixed, nothing is proposed, Governor's open PRs are left as they are, and no merged change is watched:"
        : "Until these are fixed, nothing is proposed and Governor's open PRs are left as they are; merged changes are still watched and reverted:",
      "",
      ...d.configErrors.map((e) => `- \`${e}\``),
      "",
    );
  if (levers.length > 0)
    out.push(
      "These levers are not proposed until their errors are fixed (a merged change of theirs is still watched); every other lever is tuned, watched and reverted as usual:",
      "",
      ...levers.map((e) => `- **${e.lever}**: \`${e.error}\``),
      "",
    );
  return out;
}
