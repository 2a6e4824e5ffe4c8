import { lstat, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { parseTrailers, TRAILER } from "../../core/pr/commit-message.js";
import { err, ok, type Result } from "../../core/result.js";
import { type ChangedPath, changedPaths, readBlob, readCommit } from "./objects.js";
import { runGit } from "./run-git.js";

/**
 * When Governor moves the checked-out branch (a revert changes a file), the index and the
 * working tree still hold the parent's content: `git status` would show the revert undone and
 * `git commit -a` would undo it. For each changed path the index entry is brought forward only
 * while it is still the parent's blob, and the file only while it still holds the parent's bytes
 * — a person's staged or unstaged edit is never overwritten. The index goes first, then the file
 * (by an atomic rename), so that an interruption at any point leaves a state the next run
 * recognises and finishes: HEAD's commit is the record.
 */
/** `dir` is the working tree's top folder: the paths of commits are from there. */
export async function syncCheckout(dir: string, from: string, to: string): Promise<Result<string[], string>> {
  const changed = await changedPaths(dir, from, to);
  if (!changed.ok) return changed;
  const notes: string[] = [];
  for (const c of changed.value) {
    const synced = await syncPath(dir, c);
    if (!synced.ok) return synced;
    if (!synced.value)
      notes.push(
        `${c.path} has uncommitted changes of yours: left as they are, so git diff shows Governor's commit ${to.slice(0, 12)} undone there — keep the committed value when you commit them`,
      );
  }
  return ok(notes);
}

/** Finishes the checkout's sync to HEAD when HEAD is Governor's revert (a run killed after moving the branch). */
export async function finishCheckoutSync(dir: string): Promise<Result<string[], string>> {
  const head = await runGit(dir, ["rev-parse", "--show-toplevel", "HEAD^{commit}"]);
  if (!head.ok) return ok([]); // no commit yet: nothing Governor did
  const [top = dir, oid = ""] = head.value.toString("utf8").trim().split("\n");
  const commit = await readCommit(top, oid);
  if (!commit.ok) return commit;
  const [parent, ...others] = commit.value.parents;
  if (!parent || others.length > 0 || !parseTrailers(commit.value.message).has(TRAILER.revert)) return ok([]);
  return syncCheckout(top, parent, oid);
}

const REGULAR = new Set(["100644", "100755"]);

/**
 * true: the path is at `to` in the index and the working tree (now or already); false: a
 * person's staged or unstaged edit is there and stays. The index entry moves only from the old
 * blob, the file only from the old bytes and only once the index is at the new blob.
 */
async function syncPath(dir: string, c: ChangedPath): Promise<Result<boolean, string>> {
  if (!REGULAR.has(c.oldMode) || c.oldMode !== c.newMode) return ok(false);
  const index = await runGit(dir, ["--literal-pathspecs", "ls-files", "-s", "-z", "--", c.path]);
  if (!index.ok) return index;
  const entries = index.value.toString("utf8").split("\0").filter(Boolean);
  const [mode, oid, stage] = (entries[0] ?? "").split("\t")[0]?.split(" ") ?? [];
  if (entries.length !== 1 || stage !== "0" || mode !== c.oldMode) return ok(false);
  if (oid === c.oldOid) {
    const staged = await runGit(dir, ["update-index", "--cacheinfo", `${c.newMode},${c.newOid},${c.path}`]);
    if (!staged.ok) return staged;
  } else if (oid !== c.newOid) return ok(false);
  const file = await worktreeFile(dir, c.path);
  if (!file) return ok(false);
  const old = await readBlob(dir, c.oldOid);
  if (!old.ok) return old;
  const bytes = await readBlob(dir, c.newOid);
  if (!bytes.ok) return bytes;
  if (file.bytes.equals(bytes.value)) return ok(true);
  if (!file.bytes.equals(old.value)) return ok(false);
  const written = await replaceFile(file.full, bytes.value, file.mode);
  return written.ok ? ok(true) : written;
}

/** A regular file of the working tree (not a symlink, not through one), with its bytes. */
async function worktreeFile(dir: string, path: string) {
  const root = await realpath(dir);
  const full = resolve(root, path);
  try {
    if ((await realpath(dirname(full))) !== dirname(full) || !full.startsWith(root + sep)) return undefined;
    const info = await lstat(full);
    if (!info.isFile()) return undefined;
    return { full, mode: info.mode & 0o777, bytes: await readFile(full) };
  } catch {
    return undefined; // deleted or unreadable: a person's business
  }
}

/** Temporary file beside it, then a rename: the file is always either the old or the new bytes. */
async function replaceFile(full: string, bytes: Buffer, mode: number): Promise<Result<void, string>> {
  // A fixed name: a run killed between write and rename leaves it, and the next run's sync reuses it.
  const temp = join(dirname(full), `.${basename(full)}.governor.tmp`);
  try {
    await writeFile(temp, bytes, { mode });
    await rename(temp, full);
    return ok(undefined);
  } catch (e) {
    await rm(temp, { force: true });
    return err(`${full}: could not be written: ${e instanceof Error ? e.message : String(e)}`);
  }
}
