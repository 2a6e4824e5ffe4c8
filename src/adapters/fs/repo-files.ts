import { constants } from "node:fs";
import {
  type FileHandle,
  lstat,
  open,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { checkReadPath, checkResolvedPath } from "../../core/config/target-path.js";
import { err, ok, type Result } from "../../core/result.js";
import { MAX_FILE_BYTES, type SourceFile } from "../../core/yaml/load.js";

export type FileProblem = "missing" | "forbidden" | "not-a-file" | "too-large" | "unreadable";

export interface FileError {
  readonly problem: FileProblem;
  readonly message: string;
}

/** A rule of src/core/config/target-path.ts: the path as written, and where it really leads. */
type PathRule = (written: string, resolved: string) => Result<string>;

/**
 * Reads a lever's file (or a file beside it): the path, and wherever its symlinks lead, must
 * obey every lever path rule (inside the repository, not in `.git/`, not CI, not Governor's
 * config), and the file must be small enough to be a config, before a byte of it is read.
 */
export function readRepoFile(repoDir: string, relPath: string): Promise<Result<SourceFile, FileError>> {
  return readConfined(repoDir, relPath, checkResolvedPath);
}

/** Reads Governor's config or a policy: wherever a symlink leads, inside the repository and out of `.git/`. */
export function readConfigFile(repoDir: string, relPath: string): Promise<Result<SourceFile, FileError>> {
  return readConfined(repoDir, relPath, checkReadPath);
}

async function readConfined(
  repoDir: string,
  relPath: string,
  rule: PathRule,
): Promise<Result<SourceFile, FileError>> {
  const located = await locate(repoDir, relPath, rule);
  if (!located.ok) return located;
  const real = located.value;
  const info = await stat(real);
  if (!info.isFile()) return err({ problem: "not-a-file", message: `"${relPath}" is not a regular file` });
  if (info.size > MAX_FILE_BYTES) {
    return err({
      problem: "too-large",
      message: `"${relPath}" is ${info.size} bytes; Governor reads YAML files of at most 1 MiB`,
    });
  }
  let handle: FileHandle;
  try {
    // No symlink may have replaced the checked file since: O_NOFOLLOW refuses one.
    handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    return err({ problem: "unreadable", message: `"${relPath}" cannot be read: ${describe(e)}` });
  }
  try {
    // Read at most one byte past the limit, so a file that grew since stat() is still refused.
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_FILE_BYTES)
      return err({ problem: "too-large", message: `"${relPath}" is larger than 1 MiB` });
    return ok({ path: relPath, bytes: new Uint8Array(buffer.subarray(0, bytesRead)) });
  } finally {
    await handle.close();
  }
}

/**
 * The real path of `relPath` in the repository, once `rule` allows both the path as written
 * (checked before the file system is touched) and the path it resolves to, relative to the
 * repository's real root (every symlink followed: of the file, of a folder, chains).
 */
async function locate(repoDir: string, relPath: string, rule: PathRule): Promise<Result<string, FileError>> {
  const written = rule(relPath, relPath);
  if (!written.ok) return err({ problem: "forbidden", message: written.error });
  const root = await realpath(repoDir);
  let real: string;
  try {
    real = await realpath(resolve(root, relPath));
  } catch (e) {
    if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR"))
      return err({ problem: "missing", message: `"${relPath}" does not exist in the repository` });
    return err({ problem: "unreadable", message: `"${relPath}" cannot be read: ${describe(e)}` });
  }
  const resolved = rule(relPath, relative(root, real).split(sep).join("/"));
  if (!resolved.ok) return err({ problem: "forbidden", message: resolved.error });
  return ok(real);
}

/**
 * YAML files directly inside a repository folder (none when the folder does not exist). A
 * folder that a symlink takes out of the repository or into `.git/` is refused before it is
 * listed, so not even the names of the files there are read.
 */
export async function listYamlFiles(repoDir: string, relDir: string): Promise<Result<string[], FileError>> {
  const dir = relDir === "" ? "." : relDir;
  const located = await locate(repoDir, dir, checkReadPath);
  if (!located.ok) return located.error.problem === "missing" ? ok([]) : located;
  try {
    const entries = await readdir(located.value, { withFileTypes: true });
    return ok(
      entries
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/.test(e.name))
        .map((e) => (dir === "." ? e.name : `${relDir}/${e.name}`))
        .sort(),
    );
  } catch (e) {
    if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return ok([]);
    return err({ problem: "unreadable", message: `"${relDir}" cannot be listed: ${describe(e)}` });
  }
}

/** The package's own folder (where `policies/` and `app.yml` live), from src/ or dist/ alike. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory() || (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function isCode(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Replaces a repository file's content atomically: a temporary file beside it, then a rename,
 * so a crash or a full disk never leaves a half-written manifest. Follows a symlink only to a
 * file every lever path rule allows (as `readRepoFile`), and keeps the file's mode.
 */
export async function writeRepoFile(
  repoDir: string,
  relPath: string,
  text: string,
): Promise<Result<void, FileError>> {
  const located = await locate(repoDir, relPath, checkResolvedPath);
  if (!located.ok) return located;
  const real = located.value;
  const info = await stat(real);
  if (!info.isFile()) return err({ problem: "not-a-file", message: `"${relPath}" is not a regular file` });
  const { mode } = info;
  const temp = join(dirname(real), `.${basename(real)}.governor-${process.pid}.tmp`);
  try {
    await writeFile(temp, text, { mode, flag: "wx" });
    await rename(temp, real);
    return ok(undefined);
  } catch (e) {
    await rm(temp, { force: true });
    return err({ problem: "unreadable", message: `"${relPath}" could not be written: ${describe(e)}` });
  }
}

/** UTF-8 text of a file read with `readRepoFile`, keeping a byte-order mark so a rewrite keeps it too. */
export function decodeText(file: SourceFile): Result<string, FileError> {
  try {
    return ok(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(file.bytes));
  } catch {
    return err({ problem: "unreadable", message: `"${file.path}" is not valid UTF-8: save it as UTF-8` });
  }
}
