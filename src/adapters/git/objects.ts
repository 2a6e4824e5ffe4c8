import { checkTargetPath } from "../../core/config/target-path.js";
import { err, ok, type Result } from "../../core/result.js";
import { MAX_FILE_BYTES } from "../../core/yaml/load.js";
import { type GitCall, gitText, runGit } from "./run-git.js";

/**
 * Git objects read and written directly (the plumbing), so that Governor's commits never touch
 * the working tree, the index or HEAD — the way the App builds them through the Git Data API.
 */

export interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  readonly name: string;
}

export interface CommitObject {
  readonly oid: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
}

/** A regular file of a commit's tree. */
export interface CommittedFile {
  readonly path: string;
  readonly mode: string;
  readonly oid: string;
  readonly bytes: Buffer;
}

const REGULAR = new Set(["100644", "100755"]);

export async function resolveCommit(dir: string, rev: string): Promise<string | undefined> {
  const r = await gitText(dir, ["rev-parse", "--verify", "-q", `${rev}^{commit}`]);
  return r.ok && r.value !== "" ? r.value : undefined;
}

export async function readCommit(dir: string, oid: string): Promise<Result<CommitObject, string>> {
  const raw = await gitText(dir, ["cat-file", "commit", oid]);
  if (!raw.ok) return raw;
  const end = raw.value.indexOf("\n\n");
  const header = end < 0 ? raw.value : raw.value.slice(0, end);
  const message = end < 0 ? "" : raw.value.slice(end + 2);
  let tree = "";
  const parents: string[] = [];
  for (const line of header.split("\n")) {
    if (line.startsWith("tree ")) tree = line.slice(5);
    else if (line.startsWith("parent ")) parents.push(line.slice(7));
  }
  return tree === "" ? err(`git: ${oid} is not a commit`) : ok({ oid, tree, parents, message });
}

export async function listTree(dir: string, tree: string): Promise<Result<TreeEntry[], string>> {
  const raw = await runGit(dir, ["ls-tree", "-z", "--full-tree", tree]);
  if (!raw.ok) return raw;
  const entries: TreeEntry[] = [];
  for (const record of raw.value.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = ""] = record.slice(0, tab).split(" ");
    entries.push({ mode, type, oid, name: record.slice(tab + 1) });
  }
  return ok(entries);
}

/** The path as tree components, after the rule every lever path obeys. */
function components(path: string): Result<string[], string> {
  const checked = checkTargetPath(path);
  return checked.ok ? ok(checked.value.split("/")) : checked;
}

/** Why `entry` cannot be the component `here` of a lever's path (the last one: the file), if it cannot. */
function entryProblem(entry: TreeEntry | undefined, here: string, last: boolean): string | undefined {
  if (!entry) return `"${here}" is not in the commit`;
  if (entry.mode === "120000") return `"${here}" is a symlink in git: Governor edits only regular files`;
  if (entry.mode === "160000") return `"${here}" is a submodule: Governor edits only regular files`;
  if (last)
    return REGULAR.has(entry.mode) && entry.type === "blob" ? undefined : `"${here}" is not a regular file`;
  return entry.type === "tree" ? undefined : `"${here}" is a file, not a folder`;
}

/** The entry at `path` of `tree`, refusing a symlink or a submodule anywhere along it. */
export async function entryAt(dir: string, tree: string, path: string): Promise<Result<TreeEntry, string>> {
  const parts = components(path);
  if (!parts.ok) return parts;
  let current = tree;
  for (const [i, name] of parts.value.entries()) {
    const listed = await listTree(dir, current);
    if (!listed.ok) return listed;
    const entry = listed.value.find((e) => e.name === name);
    const last = i === parts.value.length - 1;
    const problem = entryProblem(entry, parts.value.slice(0, i + 1).join("/"), last);
    if (problem || !entry) return err(problem ?? `"${path}" is not in the commit`);
    if (last) return ok(entry);
    current = entry.oid;
  }
  return err(`"${path}" is empty`);
}

export async function readBlob(dir: string, oid: string): Promise<Result<Buffer, string>> {
  return runGit(dir, ["cat-file", "blob", oid]);
}

/** A lever's file as committed in `commit` (never the working tree's copy). */
export async function committedFile(
  dir: string,
  commit: string,
  path: string,
): Promise<Result<CommittedFile, string>> {
  const c = await readCommit(dir, commit);
  if (!c.ok) return c;
  const entry = await entryAt(dir, c.value.tree, path);
  if (!entry.ok) return err(`${path} in ${commit.slice(0, 12)}: ${entry.error}`);
  const bytes = await readBlob(dir, entry.value.oid);
  if (!bytes.ok) return bytes;
  if (bytes.value.length > MAX_FILE_BYTES)
    return err(
      `${path} in ${commit.slice(0, 12)} is larger than 1 MiB; Governor edits YAML files of at most 1 MiB`,
    );
  return ok({ path, mode: entry.value.mode, oid: entry.value.oid, bytes: bytes.value });
}

/** Stores bytes as a blob, as they are: hash-object reading stdin applies no filter. */
export async function writeBlob(dir: string, bytes: string | Uint8Array): Promise<Result<string, string>> {
  return gitText(dir, ["hash-object", "-w", "--stdin"], { input: bytes });
}

async function makeTree(dir: string, entries: readonly TreeEntry[]): Promise<Result<string, string>> {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join("");
  return gitText(dir, ["mktree", "-z"], { input });
}

/**
 * `tree` with the regular file at `path` replaced by `blob` (keeping its mode): the subtrees
 * along the path are rebuilt with mktree, everything else is shared with `tree`.
 */
export async function replaceFile(
  dir: string,
  tree: string,
  path: string,
  blob: string,
): Promise<Result<string, string>> {
  const parts = components(path);
  if (!parts.ok) return parts;
  const rebuild = async (at: string, depth: number): Promise<Result<string, string>> => {
    const listed = await listTree(dir, at);
    if (!listed.ok) return listed;
    const name = parts.value[depth];
    const last = depth === parts.value.length - 1;
    const found = listed.value.find((e) => e.name === name);
    const problem = entryProblem(found, parts.value.slice(0, depth + 1).join("/"), last);
    if (problem || !found) return err(problem ?? `"${path}" is not in the commit`);
    const entries: TreeEntry[] = [];
    for (const e of listed.value) {
      if (e !== found) entries.push(e);
      else if (last) entries.push({ ...e, oid: blob });
      else {
        const sub = await rebuild(e.oid, depth + 1);
        if (!sub.ok) return sub;
        entries.push({ ...e, oid: sub.value });
      }
    }
    return makeTree(dir, entries);
  };
  return rebuild(tree, 0);
}

export interface NewCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly date?: number | undefined;
  readonly identity: boolean;
}

export async function writeCommit(dir: string, c: NewCommit): Promise<Result<string, string>> {
  const call: GitCall = { input: c.message, date: c.date, identity: c.identity };
  return gitText(dir, ["commit-tree", c.tree, ...c.parents.flatMap((p) => ["-p", p]), "-F", "-"], call);
}

/**
 * Moves `ref` to `to` only if it still points at `expected` (undefined: only if it does not
 * exist yet): one atomic compare-and-swap, so a person's push in between is never overwritten.
 */
export async function moveRef(
  dir: string,
  ref: string,
  to: string,
  expected: string | undefined,
  reason: string,
): Promise<Result<void, string>> {
  const r = await runGit(dir, ["update-ref", "-m", reason, ref, to, expected ?? ""]);
  return r.ok
    ? ok(undefined)
    : err(
        `${ref.replace(/^refs\/heads\//, "")} moved while Governor was writing it (${r.error}): run the command again`,
      );
}

export interface ChangedPath {
  readonly path: string;
  readonly oldMode: string;
  readonly newMode: string;
  readonly oldOid: string;
  readonly newOid: string;
}

/** The paths `to` changed relative to `from` (recursive, no rename detection). */
export async function changedPaths(
  dir: string,
  from: string,
  to: string,
): Promise<Result<ChangedPath[], string>> {
  const raw = await runGit(dir, ["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", from, to]);
  if (!raw.ok) return raw;
  const fields = raw.value.toString("utf8").split("\0");
  const out: ChangedPath[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode = "", newMode = "", oldOid = "", newOid = ""] = (fields[i] ?? "")
      .replace(/^:/, "")
      .split(" ");
    out.push({ path: fields[i + 1] ?? "", oldMode, newMode, oldOid, newOid });
  }
  return ok(out);
}
