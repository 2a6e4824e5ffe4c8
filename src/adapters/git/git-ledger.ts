import { simpleGit } from "simple-git";
import type { ResolvedLever } from "../../core/config/check-levers.js";
import {
  EMPTY_LEDGER,
  type Ledger,
  type LedgerChange,
  type LedgerHold,
  type LedgerResume,
  parseScopeText,
} from "../../core/engine/ledger.js";
import { compareValues, parseValue } from "../../core/values/value.js";
import { parseTrailers, TRAILER } from "./trailers.js";

/** A Governor change found on the branch, with the commit that brought it there. */
export interface BranchChange extends LedgerChange {
  readonly commit: string;
  /** The commit whose committer date is the change's time: the merge, or the change commit itself. */
  readonly landedBy: string;
  readonly revertCommit?: string | undefined;
  /** The limit's text before and after, when it moved with the request (`limit: ratio`). */
  readonly limit?: { readonly from: string; readonly to: string } | undefined;
}

interface Commit {
  readonly hash: string;
  readonly parents: string[];
  readonly time: number;
  readonly message: string;
}

const SEP = "\x1f";
const END = "\x1e";

async function commits(dir: string, range: string[]): Promise<Commit[]> {
  const raw = await simpleGit(dir).raw(["log", `--format=%H${SEP}%P${SEP}%ct${SEP}%B${END}`, ...range]);
  return raw
    .split(END)
    .map((s) => s.replace(/^\n/, ""))
    .filter((s) => s.trim() !== "")
    .map((s) => {
      const [hash = "", parents = "", ct = "0", message = ""] = s.split(SEP);
      return { hash, parents: parents.split(" ").filter(Boolean), time: Number(ct) * 1000, message };
    });
}

export async function isGitRepo(dir: string): Promise<boolean> {
  try {
    return await simpleGit(dir).checkIsRepo();
  } catch {
    return false;
  }
}

/**
 * Governor's changes on the current branch, from commit trailers: each change's time is the
 * committer date of the commit that brought it onto the branch (the merge commit, or the change
 * commit itself), and a later `Governor-Revert` commit marks it reverted.
 */
export async function branchChanges(dir: string, levers: readonly ResolvedLever[]): Promise<BranchChange[]> {
  return (await walk(dir, levers)).changes;
}

interface Walked {
  readonly changes: BranchChange[];
  readonly holds: LedgerHold[];
  readonly resumes: LedgerResume[];
}

async function walk(dir: string, levers: readonly ResolvedLever[]): Promise<Walked> {
  const holds: LedgerHold[] = [];
  const resumes: LedgerResume[] = [];
  if (!(await isGitRepo(dir))) return { changes: [], holds, resumes };
  let history: Commit[];
  try {
    history = (await commits(dir, ["--first-parent", "HEAD"])).reverse();
  } catch {
    return { changes: [], holds, resumes }; // a repository without commits yet
  }
  const byLever = new Map(levers.map((l) => [l.id, l] as const));
  const changes: BranchChange[] = [];
  const reverts: Array<{ decision: string; time: number; commit: string }> = [];
  for (const c of history) {
    const landed = c.parents.length > 1 ? await commits(dir, [`${c.parents[0]}..${c.parents[1]}`]) : [c];
    for (const m of landed) {
      const t = parseTrailers(m.message);
      const revert = t.get(TRAILER.revert);
      if (revert) reverts.push({ decision: revert, time: c.time, commit: m.hash });
      const held = parseScopeText(t.get(TRAILER.hold) ?? "");
      if (held)
        holds.push({
          scope: held,
          reason: m.message.split("\n\n")[1]?.trim() || "held by a person",
          since: c.time,
        });
      const resumed = parseScopeText(t.get(TRAILER.resume) ?? "");
      if (resumed) resumes.push({ scope: resumed, at: c.time });
      const lever = t.get(TRAILER.lever);
      const decision = t.get(TRAILER.decision);
      const from = t.get(TRAILER.from);
      const to = t.get(TRAILER.to);
      if (!lever || !decision || from === undefined || to === undefined) continue;
      const type = byLever.get(lever)?.policyDef.valueType;
      const a = type ? parseValue(type, from) : undefined;
      const b = type ? parseValue(type, to) : undefined;
      const limitFrom = t.get(TRAILER.limitFrom);
      const limitTo = t.get(TRAILER.limitTo);
      const direction = a?.ok && b?.ok && compareValues(b.value, a.value) < 0 ? "down" : "up";
      changes.push({
        decision,
        ref: m.hash.slice(0, 12),
        lever,
        policy: t.get(TRAILER.policy) ?? "",
        from,
        to,
        direction,
        proposedAt: m.time,
        state: "applied",
        appliedAt: c.time,
        commit: m.hash,
        landedBy: c.hash,
        ...(limitFrom !== undefined && limitTo !== undefined
          ? { limit: { from: limitFrom, to: limitTo } }
          : {}),
      });
    }
  }
  const withReverts = changes.map((ch) => {
    const r = reverts.find((x) => x.decision === ch.decision);
    return r ? { ...ch, revertedAt: r.time, verdict: "fail" as const, revertCommit: r.commit } : ch;
  });
  return { changes: withReverts, holds, resumes };
}

/** The ledger of local mode: the branch's changes, and the holds and resumes people committed. */
export async function readGitLedger(dir: string, levers: readonly ResolvedLever[]): Promise<Ledger> {
  const { changes, holds, resumes } = await walk(dir, levers);
  return changes.length + holds.length + resumes.length === 0 ? EMPTY_LEDGER : { changes, holds, resumes };
}
