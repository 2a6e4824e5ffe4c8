import type { Diagnostic } from "../diagnostics.js";
import { readIn } from "../levers/edit.js";
import type { TargetField } from "../levers/errors.js";
import { locate, type ParsedFile } from "../levers/parsed-file.js";
import type { LeverTargetRef, TargetPosition } from "./check-levers.js";

/** A lever file as read for resolution: parsed, or why it could not be (not UTF-8, not YAML...). */
export type TargetFile =
  | { readonly ok: true; readonly value: ParsedFile }
  | { readonly ok: false; readonly error: { readonly message: string } };

/** A lever whose target does not resolve: where in the config, and why. */
export interface UnresolvedTarget extends Diagnostic {
  readonly lever: string;
}

/**
 * Resolves every lever's target in its file, as `plan` and `set` will: the resource, the
 * container, the env variable, the field or path, and the value found there (a literal, of the
 * policy's type). Each one that cannot resolve is a diagnostic at the key of the lever's target
 * that is at fault, with what the file has instead. A lever whose file is absent from `files` was
 * not read (its absence is reported where files are read) and is skipped.
 */
export function checkTargetsResolve(
  targets: readonly LeverTargetRef[],
  files: ReadonlyMap<string, TargetFile>,
): UnresolvedTarget[] {
  const out: UnresolvedTarget[] = [];
  for (const t of targets) {
    const file = files.get(t.file);
    if (file === undefined) continue;
    const report = (field: TargetField, message: string) => {
      const where: TargetPosition = t.at[field] ?? t.at.target ?? { ...t.source };
      out.push({
        lever: t.leverId,
        file: t.source.file,
        line: where.line,
        col: where.col,
        message: `${where.field}: ${message}`,
      });
    };
    if (!file.ok) {
      report("file", file.error.message);
      continue;
    }
    // The value's own key: the lever's field, or its path.
    const own: TargetField = t.target.path !== undefined ? "path" : "field";
    const located = locate(file.value, t.target);
    if (!located.ok) {
      report(located.error.field ?? own, located.error.message);
      continue;
    }
    const read = readIn(file.value, t.target, t.valueType);
    if (!read.ok) report(read.error.field ?? own, read.error.message);
  }
  return out;
}
