import type { ResolvedLever } from "../../core/config/check-levers.js";
import { checkTargetPath } from "../../core/config/target-path.js";
import { writePaired } from "../../core/levers/limit.js";
import { parseLeverFile } from "../../core/levers/parsed-file.js";
import { parseTrailers, TRAILER } from "../../core/pr/commit-message.js";
import { ok, type Result } from "../../core/result.js";
import { parseValue } from "../../core/values/value.js";
import { type Head, treeWith } from "./git-commit.js";
import { changedPaths, moveRef, readBlob, readCommit, resolveCommit, writeCommit } from "./objects.js";
import { gitText, needsIdentity } from "./run-git.js";

export interface Proposal {
  readonly lever: ResolvedLever;
  /** The lever file's new text, computed from the base commit's blob. */
  readonly text: string;
  readonly message: string;
  readonly from: string;
  readonly to: string;
  readonly date?: number | undefined;
}

export type ProposalOutcome =
  | { readonly kind: "created" | "replaced" | "unchanged"; readonly commit: string }
  /** The branch holds a commit Governor did not write: it is never rewritten. */
  | { readonly kind: "edited-by-person"; readonly commit: string; readonly subject: string };

/** A Governor branch holds one commit; more than this on it is a person's work whatever they say. */
const MAX_WALK = 20;

/**
 * Puts the proposal on `governor/<lever>` as one commit on `base`, with plumbing only: the
 * checkout (files, index, HEAD) is never touched. A rerun is idempotent: the same change on the
 * same base is left as it is, an older proposal of Governor's is replaced by compare-and-swap,
 * and a branch holding any commit Governor did not write is never rewritten.
 */
export async function proposeOnBranch(base: Head, p: Proposal): Promise<Result<ProposalOutcome, string>> {
  const ref = `refs/heads/governor/${p.lever.id}`;
  // Plumbing runs at the top folder, with paths from the root of the repository.
  const at = base.top;
  const tree = await treeWith(at, base.tree, [
    { path: `${base.prefix}${p.lever.target.file}`, text: p.text },
  ]);
  if (!tree.ok) return tree;
  const existing = await resolveCommit(at, ref);
  if (existing !== undefined) {
    const listed = await gitText(at, ["rev-list", `--max-count=${MAX_WALK + 1}`, `${base.oid}..${existing}`]);
    if (!listed.ok) return listed;
    const own = listed.value.split("\n").filter(Boolean);
    for (const oid of own) {
      const mine = own.length <= MAX_WALK ? await isGovernorProposal(at, oid, p.lever, base.prefix) : false;
      if (!mine) {
        const c = await readCommit(at, oid);
        return ok({
          kind: "edited-by-person",
          commit: oid,
          subject: c.ok ? (c.value.message.split("\n")[0] ?? "") : "",
        });
      }
    }
    const head = await readCommit(at, existing);
    if (!head.ok) return head;
    const t = parseTrailers(head.value.message);
    if (
      own.length === 1 &&
      head.value.parents[0] === base.oid &&
      head.value.tree === tree.value &&
      t.get(TRAILER.from) === p.from &&
      t.get(TRAILER.to) === p.to
    )
      return ok({ kind: "unchanged", commit: existing });
  }
  const commit = await writeCommit(at, {
    tree: tree.value,
    parents: [base.oid],
    message: p.message,
    date: p.date,
    identity: await needsIdentity(at),
  });
  if (!commit.ok) return commit;
  const moved = await moveRef(
    at,
    ref,
    commit.value,
    existing,
    `governor: propose ${p.lever.id} ${p.from} -> ${p.to}`,
  );
  if (!moved.ok) return moved;
  return ok({ kind: existing === undefined ? "created" : "replaced", commit: commit.value });
}

/**
 * Whether `oid` is a commit Governor would have written for this lever: trailers are not enough
 * (a person amending Governor's commit keeps them), so its one parent, its subject, and its tree
 * — the parent's with exactly the lever's file changed, by exactly the edit Governor makes from
 * the parent's text to the `Governor-To` value — must all match.
 */
export async function isGovernorProposal(
  dir: string,
  oid: string,
  lever: ResolvedLever,
  prefix = "",
): Promise<boolean> {
  const c = await readCommit(dir, oid);
  if (!c.ok || c.value.parents.length !== 1) return false;
  const t = parseTrailers(c.value.message);
  const from = t.get(TRAILER.from);
  const to = t.get(TRAILER.to);
  if (t.get(TRAILER.lever) !== lever.id || !t.get(TRAILER.decision) || from === undefined || to === undefined)
    return false;
  if (c.value.message.split("\n")[0] !== `Tune ${lever.id}: ${from} -> ${to}`) return false;
  const path = checkTargetPath(lever.target.file);
  const changed = await changedPaths(dir, c.value.parents[0] as string, oid);
  if (!path.ok || !changed.ok || changed.value.length !== 1) return false;
  const [edit] = changed.value;
  if (!edit || edit.path !== `${prefix}${path.value}` || edit.oldMode !== edit.newMode) return false;
  const before = await readBlob(dir, edit.oldOid);
  const after = await readBlob(dir, edit.newOid);
  const value = parseValue(lever.policyDef.valueType, to);
  if (!before.ok || !after.ok || !value.ok) return false;
  const parsed = parseLeverFile(before.value.toString("utf8"), path.value);
  // With `limit: ratio` Governor's edit is the request and its limit, in the one file.
  const written = parsed.ok ? writePaired(parsed.value, lever, value.value) : parsed;
  return written.ok && written.value.text === after.value.toString("utf8");
}
