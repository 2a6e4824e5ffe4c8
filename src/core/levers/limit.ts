import type { Node } from "yaml";
import type { LeverTarget } from "../config/repo-schema.js";
import { err, ok, type Result } from "../result.js";
import { compareValues, type LeverValue } from "../values/value.js";
import { offsetPosition } from "../yaml/structure.js";
import { type LeverWrite, readIn, restoreIn, writeIn } from "./edit.js";
import { type LeverError, leverError } from "./errors.js";
import { formatLike } from "./format.js";
import { locate, type ParsedFile, parseLeverFile } from "./parsed-file.js";
import { walk } from "./yaml-walk.js";

/** What a request lever does with its container's limit of the same resource. */
export type LimitMode = "keep" | "ratio";

/** The part of a lever the request/limit pairing needs. */
export interface PairedLever {
  readonly id?: string | undefined;
  readonly target: LeverTarget;
  readonly limit?: LimitMode | undefined;
}

/** The other half of a request/limit pair: a request lever's limit, or a limit lever's request. */
export interface Sibling {
  readonly role: "limit" | "request";
  readonly field: string;
  readonly target: LeverTarget;
}

const PAIR = /^resources\.(requests|limits)\.(cpu|memory)$/;

export function siblingOf(target: LeverTarget): Sibling | undefined {
  if (target.kind === undefined || target.container === undefined || target.field === undefined)
    return undefined;
  const m = PAIR.exec(target.field);
  if (!m) return undefined;
  const role = m[1] === "requests" ? "limit" : "request";
  const field = `resources.${role === "limit" ? "limits" : "requests"}.${m[2]}`;
  return { role, field, target: { ...target, field } };
}

/** The sibling's value as written, and where (file:line), when it is set. */
export interface SiblingValue {
  readonly sibling: Sibling;
  readonly text: string;
  readonly value: LeverValue;
  /** "d.yaml:14" */
  readonly where: string;
}

/**
 * What the pairing asks of a new value: nothing (not a request or limit, or the other half is not
 * set), nothing because it stays on the right side, a refusal (with the bound it crosses), or
 * the limit moving with the request.
 */
export type LimitPlan =
  | { readonly kind: "unpaired" }
  | { readonly kind: "unset"; readonly sibling: Sibling }
  | { readonly kind: "within"; readonly other: SiblingValue }
  | { readonly kind: "crosses"; readonly other: SiblingValue; readonly already: boolean }
  | {
      readonly kind: "move";
      readonly other: SiblingValue;
      readonly to: LeverValue;
      /** The limit/request ratio kept, for messages ("2.0"). */
      readonly ratio: string;
    };

/** Reads the other half of the pair from the same file. */
export function readSibling(
  parsed: ParsedFile,
  target: LeverTarget,
  type: LeverValue["type"],
): Result<SiblingValue | Sibling | undefined, LeverError> {
  const sibling = siblingOf(target);
  if (!sibling) return ok(undefined);
  const reading = readIn(parsed, sibling.target, type);
  if (!reading.ok) {
    // No resources block, or no limits mapping: there is nothing on the other side.
    if (reading.error.kind === "not-found") return ok(sibling);
    return err(
      leverError(reading.error.kind, `the ${sibling.role} could not be read: ${reading.error.message}`),
    );
  }
  if (!reading.value.present || !reading.value.value) return ok(sibling);
  const found = locate(parsed, sibling.target);
  const node = found.ok ? walk(found.value.doc.contents as Node, found.value.location.path).node : undefined;
  const line = node?.range ? offsetPosition(parsed.text, node.range[0]).line : undefined;
  return ok({
    sibling,
    text: reading.value.text,
    value: reading.value.value,
    where: line === undefined ? parsed.file : `${parsed.file}:${line}`,
  });
}

const isValue = (s: SiblingValue | Sibling): s is SiblingValue => "where" in s;

/** What writing `value` (from `current`) asks of the other half of the pair. */
export function planLimit(
  parsed: ParsedFile,
  lever: PairedLever,
  current: LeverValue | undefined,
  value: LeverValue,
): Result<LimitPlan, LeverError> {
  const read = readSibling(parsed, lever.target, value.type);
  if (!read.ok) return read;
  if (read.value === undefined) return ok({ kind: "unpaired" });
  if (!isValue(read.value)) return ok({ kind: "unset", sibling: read.value });
  const other = read.value;
  const isRequest = other.sibling.role === "limit";
  // A request at most its limit; a limit at least its request.
  const fits = (v: LeverValue) =>
    isRequest ? compareValues(v, other.value) <= 0 : compareValues(v, other.value) >= 0;
  if (
    isRequest &&
    lever.limit === "ratio" &&
    current &&
    (current.type === "cpu" || current.type === "memory") &&
    (value.type === "cpu" || value.type === "memory") &&
    (other.value.type === "cpu" || other.value.type === "memory") &&
    current.quantity.nanos > 0n &&
    fits(current)
  ) {
    const cur = current.quantity.nanos;
    const lim = other.value.quantity.nanos;
    // Rounded up (to millicores, to whole bytes), so the new limit is never below the new request.
    const grain = value.type === "cpu" ? 1_000_000n : 1_000_000_000n;
    const exact = (value.quantity.nanos * lim + cur - 1n) / cur;
    const nanos = ((exact + grain - 1n) / grain) * grain;
    const to: LeverValue = { type: value.type, quantity: { ...other.value.quantity, nanos } };
    return ok({ kind: "move", other, to, ratio: ratioText(lim, cur) });
  }
  if (fits(value)) return ok({ kind: "within", other });
  return ok({ kind: "crosses", other, already: current !== undefined && !fits(current) });
}

function ratioText(limit: bigint, request: bigint): string {
  const r = Number((limit * 1000n) / request) / 1000;
  const text = String(Math.round(r * 100) / 100);
  return text.includes(".") ? text : `${text}.0`;
}

/** "300m is above the limit 200m (d.yaml:14)", for refusals. */
export function crossingMessage(plan: Extract<LimitPlan, { kind: "crosses" }>, to: string): string {
  const { other } = plan;
  return other.sibling.role === "limit"
    ? `${to} is above the limit ${other.text} (${other.sibling.field}, ${other.where}); Kubernetes refuses a request above its limit`
    : `${to} is below the request ${other.text} (${other.sibling.field}, ${other.where}); Kubernetes refuses a limit below its request`;
}

/** A write of a lever together with the limit that moved with it, when one did. */
export interface PairedWrite extends LeverWrite {
  readonly limit?: { readonly field: string; readonly from: string; readonly to: string } | undefined;
}

/**
 * Writes a lever's value and keeps the request/limit pair valid: a request above its limit (or a
 * limit below its request) is refused with the limit's file:line, unless the lever says
 * `limit: ratio`, in which case the limit moves with the request in the same text.
 */
export function writePaired(
  parsed: ParsedFile,
  lever: PairedLever,
  value: LeverValue,
): Result<PairedWrite, LeverError> {
  const current = readIn(parsed, lever.target, value.type);
  if (!current.ok) return current;
  const from = current.value.present ? current.value.value : undefined;
  const plan = planLimit(parsed, lever, from, value);
  if (!plan.ok) return err({ ...plan.error, message: `${parsed.file}: ${plan.error.message}` });
  const text = formatLike(current.value.present ? current.value.text : undefined, value);
  if (plan.value.kind === "crosses") {
    const isRequest = plan.value.other.sibling.role === "limit";
    const hint = isRequest
      ? `raise the limit first, or set \`limit: ratio\` on lever ${lever.id ?? "(this lever)"} to move the limit with the request`
      : "lower the request first";
    return err(
      leverError(
        "limit",
        `${parsed.file}: ${current.value.location.description}: ${crossingMessage(plan.value, text)}; ${hint}`,
      ),
    );
  }
  const written = writeIn(parsed, lever.target, value);
  if (!written.ok || plan.value.kind !== "move" || !written.value.changed) return written;
  const { other, to } = plan.value;
  const after = parseLeverFile(written.value.text, parsed.file);
  if (!after.ok) return after;
  const limit = writeIn(after.value, other.sibling.target, to);
  if (!limit.ok) return err({ ...limit.error, message: `the limit cannot move: ${limit.error.message}` });
  return ok({
    ...written.value,
    text: limit.value.text,
    limit: { field: other.sibling.field, from: limit.value.from ?? other.text, to: limit.value.to },
  });
}

/**
 * The exact inverse of a paired write: the request's original text, and the limit's when it moved
 * with it. A limit that was changed since Governor moved it is refused, like the request.
 */
export function restorePaired(
  parsed: ParsedFile,
  target: LeverTarget,
  restore: string,
  type: LeverValue["type"],
  limit: { readonly from: string; readonly to: string } | undefined,
): Result<LeverWrite, LeverError> {
  const restored = restoreIn(parsed, target, restore, type);
  const sibling = siblingOf(target);
  if (!restored.ok || limit === undefined || sibling === undefined) return restored;
  const after = parseLeverFile(restored.value.text, parsed.file);
  if (!after.ok) return after;
  const back = restoreIn(after.value, sibling.target, limit.from, type);
  if (!back.ok) return back;
  if (back.value.from !== limit.to)
    return err(
      leverError(
        "unsupported",
        `the limit ${sibling.field} is now ${back.value.from}, not ${limit.to} as Governor set it`,
      ),
    );
  return ok({
    ...restored.value,
    text: back.value.text,
    changed: restored.value.changed || back.value.changed,
  });
}
