import { posix } from "node:path";
import { err, ok, type Result } from "../result.js";

/**
 * A lever's file, relative to the repository root: never absolute, never outside the
 * repository, never a CI workflow or Governor's own config (a tuning PR must not be able to
 * change what runs in CI or what Governor is allowed to do). Symlinks are checked by the
 * adapter that can see the file system.
 */
export function checkTargetPath(file: string): Result<string> {
  if (file.includes("\0")) return err("the path contains a NUL character");
  if (file.includes("\\"))
    return err(
      `"${file}" uses backslashes: write paths with forward slashes, relative to the repository root`,
    );
  if (posix.isAbsolute(file) || /^[a-zA-Z]:/.test(file)) {
    return err(
      `"${file}" is absolute: write the path relative to the repository root (e.g. apps/checkout/deployment.yaml)`,
    );
  }
  const normal = posix.normalize(file);
  if (normal === ".." || normal.startsWith("../"))
    return err(`"${file}" points outside the repository: targets must be files inside it`);
  if (normal === "." || normal.endsWith("/")) return err(`"${file}" is a directory, not a file`);
  const lower = normal.toLowerCase();
  if (lower.startsWith(".github/workflows/"))
    return err(`"${file}" is a GitHub Actions workflow: Governor never edits CI definitions`);
  if (lower === ".github/governor.yml" || lower.startsWith(".github/governor/")) {
    return err(`"${file}" is Governor's own configuration: Governor never edits it`);
  }
  return ok(normal);
}
