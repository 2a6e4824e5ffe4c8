import { lstat, open, readdir, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { err, ok, type Result } from "../../core/result.js";
import { MAX_FILE_BYTES, type SourceFile } from "../../core/yaml/load.js";

export type FileProblem = "missing" | "outside" | "not-a-file" | "too-large" | "unreadable";

export interface FileError {
  readonly problem: FileProblem;
  readonly message: string;
}

/**
 * Reads a file of a repository checkout, refusing anything that resolves outside the
 * repository (a symlink pointing out included) and anything too large to be a config,
 * before reading a byte of it.
 */
export async function readRepoFile(repoDir: string, relPath: string): Promise<Result<SourceFile, FileError>> {
  const root = await realpath(repoDir);
  const full = resolve(root, relPath);
  let real: string;
  try {
    real = await realpath(full);
  } catch (e) {
    if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR"))
      return err({ problem: "missing", message: `"${relPath}" does not exist in the repository` });
    return err({ problem: "unreadable", message: `"${relPath}" cannot be read: ${describe(e)}` });
  }
  if (real !== root && !real.startsWith(root + sep)) {
    return err({
      problem: "outside",
      message: `"${relPath}" resolves outside the repository (through a symlink to ${relative(root, real)}): point the lever at a file inside it`,
    });
  }
  const info = await stat(real);
  if (!info.isFile()) return err({ problem: "not-a-file", message: `"${relPath}" is not a regular file` });
  if (info.size > MAX_FILE_BYTES) {
    return err({
      problem: "too-large",
      message: `"${relPath}" is ${info.size} bytes; Governor reads YAML files of at most 1 MiB`,
    });
  }
  const handle = await open(real, "r");
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

/** YAML files directly inside a repository folder (none when the folder does not exist). */
export async function listYamlFiles(repoDir: string, relDir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(repoDir, relDir), { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/.test(e.name))
      .map((e) => (relDir === "" || relDir === "." ? e.name : `${relDir}/${e.name}`))
      .sort();
  } catch (e) {
    if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return [];
    throw e;
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
 * so a crash or a full disk never leaves a half-written manifest. Follows a symlink that stays
 * inside the repository (and refuses one that leaves it), and keeps the file's mode.
 */
export async function writeRepoFile(
  repoDir: string,
  relPath: string,
  text: string,
): Promise<Result<void, FileError>> {
  const root = await realpath(repoDir);
  let real: string;
  try {
    real = await realpath(resolve(root, relPath));
  } catch {
    return err({ problem: "missing", message: `"${relPath}" does not exist in the repository` });
  }
  if (!real.startsWith(root + sep))
    return err({ problem: "outside", message: `"${relPath}" resolves outside the repository` });
  const { mode } = await stat(real);
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
