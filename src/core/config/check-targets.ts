import type { Diagnostic } from "../diagnostics.js";
import { readIn } from "../levers/edit.js";
import type { TargetField } from "../levers/errors.js";
import { readSibling } from "../levers/limit.js";
import { locate, type ParsedFile } from "../levers/parsed-file.js";
import { compareValues, type LeverValue } from "../values/value.js";
import type { LeverTargetRef, TargetPosition } from "./check-levers.js";

/** A lever file as read for resolution: parsed, or why it could not be (not UTF-8, not YAML...). */
export type TargetFile =
  | { readonly ok: true; readonly value: ParsedFile }
  | { readonly ok: false; readonly error: { readonly message: string } };

/**
 * A lever whose target does not resolve, or resolves to something that cannot work (`unfit`: a
 * request above its limit in the file, a lower bound above a limit that never moves, a request
 * policy on a limit): where in the config, and why.
 */
export interface UnresolvedTarget extends Diagnostic {
  readonly lever: string;
  readonly unfit?: true;
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
    if (!read.ok) {
      report(read.error.field ?? own, read.error.message);
      continue;
    }
    const current =
      read.value.present && read.value.value ? { value: read.value.value, text: read.value.text } : undefined;
    for (const u of unfit(t, file.value, current)) {
      const where = u.at ?? t.at[own] ?? t.at.target ?? { ...t.source };
      out.push({
        lever: t.leverId,
        file: t.source.file,
        line: where.line,
        col: where.col,
        message: `${where.field}: ${u.message}`,
        unfit: true,
      });
    }
  }
  return out;
}

/** The built-in policies that size a request (usage + headroom): a limit sized so is too tight. */
const REQUEST_POLICY = /^k8s-(cpu|memory)-request(-.+)?$/;

/**
 * What makes a resolved lever unable to work with its container's other half of the pair:
 * the key at fault (undefined: the lever's own field) and what to do.
 */
function unfit(
  t: LeverTargetRef,
  parsed: ParsedFile,
  current: { readonly value: LeverValue; readonly text: string } | undefined,
): { at?: TargetPosition; message: string }[] {
  const pairing = t.pairing;
  if (!pairing || t.valueType === undefined) return [];
  const out: { at?: TargetPosition; message: string }[] = [];
  const field = t.target.field ?? "";
  const limits = /^resources\.limits\.(cpu|memory)$/.exec(field);
  if (limits && REQUEST_POLICY.test(pairing.policy))
    out.push({
      at: pairing.at.policy,
      message: `policy "${pairing.policy}" sizes a request (usage + headroom), but this lever's target is ${field}: a limit sized so kills or throttles the container at its ordinary peaks; point target.field at resources.requests.${limits[1]}, or use a policy of your own for the limit`,
    });
  const read = readSibling(parsed, t.target, t.valueType);
  if (!read.ok || read.value === undefined || !("where" in read.value)) return out;
  const other = read.value;
  const isRequest = other.sibling.role === "limit";
  const crosses = (v: LeverValue) =>
    isRequest ? compareValues(v, other.value) > 0 : compareValues(v, other.value) < 0;
  if (current && crosses(current.value))
    out.push({
      message: isRequest
        ? `the file's request ${current.text} is above its limit ${other.text} (${other.sibling.field}, ${other.where}), which Kubernetes refuses: lower the request or raise the limit in the file first (\`governor set ${t.leverId} VALUE\` writes the request)`
        : `the file's limit ${current.text} is below its request ${other.text} (${other.sibling.field}, ${other.where}), which Kubernetes refuses: raise the limit or lower the request in the file first (\`governor set ${t.leverId} VALUE\` writes the limit)`,
    });
  else if (isRequest && pairing.limit === "keep" && crosses(pairing.min))
    out.push({
      at: pairing.at.min,
      message: `bounds.min (${pairing.minText}) is above the container's limit ${other.text} (${other.sibling.field}, ${other.where}) and \`limit: keep\` never moves the limit, so no value can fit: lower bounds.min, raise the limit in the file, or set \`limit: ratio\` on this lever`,
    });
  return out;
}
