import { err, ok, type Result } from "../../core/result.js";
import { syncCheckout } from "./checkout-sync.js";
import { moveRef, readCommit, replaceFile, writeBlob, writeCommit } from "./objects.js";
import { gitText, needsIdentity } from "./run-git.js";

export interface CommitRequest {
  readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  readonly message: string;
  /** Author and committer date (for --now); the clock otherwise. */
  readonly date?: number | undefined;
}

/** The checked-out branch and its head commit. */
export interface Head {
  /** `refs/heads/<name>`. */
  readonly ref: string;
  readonly branch: string;
  readonly oid: string;
  readonly tree: string;
  /** The top folder of the working tree: plumbing runs there, with paths from the root. */
  readonly top: string;
  /** Where --repo is inside the repository ("" at its top, "infra/" in a subfolder). */
  readonly prefix: string;
}

export async function currentHead(dir: string): Promise<Result<Head, string>> {
  // Each flag applies to the arguments after it: top folder, prefix, commit id, branch's full name.
  const r = await gitText(dir, [
    "rev-parse",
    "--show-toplevel",
    "--show-prefix",
    "HEAD",
    "--symbolic-full-name",
    "HEAD",
  ]);
  if (!r.ok) return err(`not a git repository with commits (${r.error})`);
  const [top = "", prefix = "", oid = "", ref = ""] = r.value.split("\n");
  if (!/^[0-9a-f]{40,64}$/.test(oid)) return err(`not a git repository with commits (HEAD is ${oid})`);
  if (!ref.startsWith("refs/heads/")) return err("HEAD is detached: check out a branch first");
  const commit = await readCommit(dir, oid);
  if (!commit.ok) return commit;
  return ok({ ref, branch: ref.slice("refs/heads/".length), oid, tree: commit.value.tree, top, prefix });
}

export async function currentBranch(dir: string): Promise<Result<string, string>> {
  const head = await currentHead(dir);
  return head.ok ? ok(head.value.branch) : head;
}

/** `tree` with each file replaced by its new text, as blobs written without touching the working tree. */
export async function treeWith(
  dir: string,
  tree: string,
  files: CommitRequest["files"],
): Promise<Result<string, string>> {
  let current = tree;
  for (const f of files) {
    const blob = await writeBlob(dir, f.text);
    if (!blob.ok) return blob;
    const next = await replaceFile(dir, current, f.path, blob.value);
    if (!next.ok) return err(`${f.path}: ${next.error}`);
    current = next.value;
  }
  return ok(current);
}

/**
 * One commit on the checked-out branch (file paths relative to `dir`, which may be a subfolder), made from committed content only: the new tree is
 * `head`'s with the files replaced, and the branch moves by one compare-and-swap from `head`
 * (a person's commit in between makes it fail, never lost). Then the index and the working tree
 * follow for exactly those paths, where they still hold the old content. Nothing a person staged
 * is committed, and no hook runs.
 */
export async function commitHere(
  dir: string,
  request: CommitRequest,
  expected?: Head,
): Promise<Result<{ commit: string; notes: string[] }, string>> {
  let head: Head;
  if (expected) head = expected;
  else {
    const current = await currentHead(dir);
    if (!current.ok) return current;
    head = current.value;
  }
  // Plumbing runs at the top folder, with paths from the root of the repository.
  const at = head.top;
  const files = request.files.map((f) => ({ ...f, path: `${head.prefix}${f.path}` }));
  const tree = await treeWith(at, head.tree, files);
  if (!tree.ok) return tree;
  const commit = await writeCommit(at, {
    tree: tree.value,
    parents: [head.oid],
    message: request.message,
    date: request.date,
    identity: await needsIdentity(at),
  });
  if (!commit.ok) return commit;
  const moved = await moveRef(
    at,
    head.ref,
    commit.value,
    head.oid,
    `governor: ${request.message.split("\n")[0]}`,
  );
  if (!moved.ok) return moved;
  if (request.files.length === 0) return ok({ commit: commit.value, notes: [] });
  const synced = await syncCheckout(at, head.oid, commit.value);
  return synced.ok ? ok({ commit: commit.value, notes: synced.value }) : synced;
}
