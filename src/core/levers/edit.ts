import { isCollection, isMap, isScalar, type Node, Scalar } from "yaml";
import type { LeverTarget } from "../config/repo-schema.js";
import { err, ok, type Result } from "../result.js";
import { compareValues, type EditableType, type LeverValue, parseValue } from "../values/value.js";
import { sharedAnchor } from "./anchors.js";
import { formatEnvLike, isEnvTarget, parseEnvValue } from "./env-units.js";
import { type LeverError, leverError } from "./errors.js";
import { formatLike } from "./format.js";
import { insertKeys } from "./insert.js";
import { type Located, locate, type ParsedFile, parseLeverFile, TEMPLATE } from "./parsed-file.js";
import { describeMissing, type LeverLocation } from "./resolve.js";
import { verifyInsertion, verifyToken } from "./verify.js";
import { walk } from "./yaml-walk.js";

/** What a lever holds now. */
export type LeverReading =
  | {
      readonly present: true;
      /** The value as written, without quotes ("500m", "0.50", "2"). */
      readonly text: string;
      /** The value parsed by type, when a type was asked for. */
      readonly value?: LeverValue;
      readonly location: LeverLocation;
    }
  | {
      /** A well-known field not set yet (no resources block): `writeLever` creates it. */
      readonly present: false;
      readonly location: LeverLocation;
    };

export interface LeverWrite {
  readonly text: string;
  readonly changed: boolean;
  /** The old value as written, or undefined when the field was created. */
  readonly from: string | undefined;
  /** The new value as written in the file. */
  readonly to: string;
}

function scalarText(text: string, node: Scalar): string {
  if (node.type === Scalar.PLAIN && node.range) return text.slice(node.range[0], node.range[1]);
  return String(node.value);
}

/** Checks that make a found node unfit to read or write, with what was found instead. */
function checkNode(node: Node, text: string, l: LeverLocation, file: string): LeverError | undefined {
  const what = `${file}: ${l.description}`;
  const source = node.range ? text.slice(node.range[0], node.range[1]) : "";
  if (TEMPLATE.test(source) && !isScalar(node)) {
    return leverError(
      "template",
      `${what}: the value is a template expression (${source.trim()}); Governor only edits literal values (is this a Helm template rather than values?)`,
    );
  }
  if (isCollection(node))
    return leverError(
      "wrong-type",
      `${what}: found a ${isMap(node) ? "mapping" : "list"} where a single value was expected`,
    );
  if (!isScalar(node)) return leverError("unsupported", `${what}: found something that is not a plain value`);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    return leverError(
      "unsupported",
      `${what}: the value is a block scalar (| or >); Governor edits single-line values`,
    );
  }
  if (typeof node.value === "string" && TEMPLATE.test(node.value)) {
    return leverError(
      "template",
      `${what}: the value is a template expression (${node.value}); Governor only edits literal values`,
    );
  }
  if (node.value === null) return leverError("wrong-type", `${what}: the value is empty (null)`);
  return undefined;
}

function typed(
  node: Scalar,
  text: string,
  type: EditableType,
  l: LeverLocation,
  file: string,
  env: boolean,
): Result<LeverValue, LeverError> {
  const raw = typeof node.value === "number" ? scalarText(text, node) : node.value;
  const parse = env ? parseEnvValue : parseValue;
  const v = typeof raw === "string" || typeof raw === "boolean" ? parse(type, raw) : err("not a value");
  if (!v.ok)
    return err(
      leverError(
        "wrong-type",
        `${file}: ${l.description}: found ${JSON.stringify(raw)} where a ${type} value is expected (${v.error})`,
      ),
    );
  return v;
}

/** Reads a lever's current value; with `type`, also parses and type-checks it. */
export function readLever(
  text: string,
  target: LeverTarget,
  file: string,
  type?: EditableType,
): Result<LeverReading, LeverError> {
  const parsed = parseLeverFile(text, file);
  return parsed.ok ? readIn(parsed.value, target, type) : parsed;
}

/** `readLever` on a file parsed once with `parseLeverFile`. */
export function readIn(
  parsed: ParsedFile,
  target: LeverTarget,
  type?: EditableType,
): Result<LeverReading, LeverError> {
  const found = locate(parsed, target);
  return found.ok ? readLocated(parsed.text, found.value, parsed.file, isEnvTarget(target), type) : found;
}

function readLocated(
  text: string,
  found: Located,
  file: string,
  env: boolean,
  type?: EditableType,
): Result<LeverReading, LeverError> {
  const { doc, location } = found;
  const w = walk(doc.contents as Node, location.path, doc);
  if (w.blocked === "alias") return err(aliasError(location, file));
  if (w.blocked === "merge") return err(mergeError(location, file));
  if (!w.node) {
    if (
      location.creatableFrom !== undefined &&
      w.depth >= location.creatableFrom &&
      (isMap(w.last) || isNullScalar(w.last))
    ) {
      return ok({ present: false, location });
    }
    return err(leverError("not-found", describeMissing(doc.contents as Node, location, w.depth, file)));
  }
  const bad = checkNode(w.node, text, location, file);
  if (bad) return err(bad);
  const node = w.node as Scalar;
  const reading = { present: true as const, text: scalarText(text, node), location };
  if (type === undefined) return ok(reading);
  const value = typed(node, text, type, location, file, env);
  return value.ok ? ok({ ...reading, value: value.value }) : value;
}

/**
 * Writes `value` into the lever's place, in the file's own style, and changes nothing else:
 * every other byte of the file is kept. The result is read back and compared before it is
 * returned, so a write that would land anywhere else is refused instead.
 */
export function writeLever(
  text: string,
  target: LeverTarget,
  file: string,
  value: LeverValue,
): Result<LeverWrite, LeverError> {
  const parsed = parseLeverFile(text, file);
  return parsed.ok ? writeIn(parsed.value, target, value) : parsed;
}

/** `writeLever` on a file parsed once with `parseLeverFile`. */
export function writeIn(
  parsed: ParsedFile,
  target: LeverTarget,
  value: LeverValue,
): Result<LeverWrite, LeverError> {
  const { text, file } = parsed;
  const found = locate(parsed, target);
  if (!found.ok) return found;
  const env = isEnvTarget(target);
  const current = readLocated(text, found.value, file, env, value.type);
  if (!current.ok) return current;
  const { doc, location } = found.value;
  const refuse = (why: string) => err(leverError("unsupported", `${file}: ${location.description}: ${why}`));
  if (!current.value.present) {
    const w = walk(doc.contents as Node, location.path);
    const to = formatLike(undefined, value);
    const inserted = insertKeys(text, w.last, w.lastKey, location.path.slice(w.depth).map(String), to);
    if (!inserted.ok) return refuse(`cannot add the field: ${inserted.error}`);
    // An insertion changes the structure: read the whole result back before trusting it.
    const after = parseLeverFile(inserted.value.text, file);
    const reread = after.ok ? readIn(after.value, target, value.type) : after;
    const problem = verifyInsertion(
      after.ok ? after.value.docs : undefined,
      reread.ok ? reread.value : undefined,
      found.value,
      value,
    );
    return problem ? refuse(problem) : ok({ text: inserted.value.text, changed: true, from: undefined, to });
  }
  const node = walk(doc.contents as Node, location.path).node as Scalar;
  if (current.value.value && compareValues(current.value.value, value) === 0) {
    return ok({ text, changed: false, from: current.value.text, to: current.value.text });
  }
  const shared = sharedAnchor(doc, location);
  if (shared !== undefined) {
    return err(
      leverError(
        "alias",
        `${file}: ${location.description}: ${shared.where} carries the anchor &${shared.anchor}, which is used elsewhere; changing it would change those places too`,
      ),
    );
  }
  const from = current.value.text;
  // An env var's size keeps the author's unit family: JVM-style 512M becomes 1G, never 1Gi.
  const to = env ? formatEnvLike(from, value) : formatLike(from, value);
  // An env var's value is a string for the API, whatever it looks like: never let it become a number.
  const written = quoteLike(node, to, value.type, typeof node.value, env);
  // Replacing one scalar token by another of the same style cannot move anything else; what is
  // left to prove is that the new token is one scalar that reads back as the value.
  const problem = verifyToken(written, node, value, env);
  if (problem) return refuse(problem);
  const range = node.range ?? [0, 0];
  return ok({ text: text.slice(0, range[0]) + written + text.slice(range[1]), changed: true, from, to });
}

/** Quoting as the original had it; a string stays a string, whatever the new text looks like. */
function quoteLike(
  node: Scalar,
  content: string,
  type: EditableType,
  originalType: string,
  mustBeString = false,
): string {
  if (node.type === Scalar.QUOTE_SINGLE) return `'${content.replace(/'/g, "''")}'`;
  if (node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(content);
  const resolvesToString = !/^(-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|true|false|null|~)$/i.test(content);
  // Kubernetes accepts quantities as numbers or strings, so only other strings need quoting —
  // and an env var's value, which the API takes as a string only, even when a number is there now.
  if (
    !resolvesToString &&
    (mustBeString || (originalType === "string" && type !== "cpu" && type !== "memory"))
  )
    return JSON.stringify(content);
  return content;
}

function isNullScalar(node: Node): boolean {
  return isScalar(node) && node.value === null;
}

function aliasError(l: LeverLocation, file: string): LeverError {
  return leverError(
    "alias",
    `${file}: ${l.description}: the value is reached through an alias (*name); editing it would change every place that uses the anchor. Write the value out, or point the lever at the anchor`,
  );
}

function mergeError(l: LeverLocation, file: string): LeverError {
  return leverError(
    "alias",
    `${file}: ${l.description}: the value comes from a merge key (<<); point the lever at the merged mapping instead`,
  );
}

/**
 * Writes back exactly `restore` — a value as it was written before Governor changed it — so a
 * revert gives back the original bytes, not the same value in another spelling.
 */
export function restoreIn(
  parsed: ParsedFile,
  target: LeverTarget,
  restore: string,
  type: EditableType,
): Result<LeverWrite, LeverError> {
  const { text, file } = parsed;
  const env = isEnvTarget(target);
  const value = (env ? parseEnvValue : parseValue)(type, restore);
  if (!value.ok)
    return err(
      leverError("wrong-type", `${file}: cannot restore ${JSON.stringify(restore)}: ${value.error}`),
    );
  const found = locate(parsed, target);
  if (!found.ok) return found;
  const current = readLocated(text, found.value, file, env, type);
  if (!current.ok) return current;
  if (!current.value.present)
    return err(
      leverError("not-found", `${file}: ${found.value.location.description}: the value is no longer there`),
    );
  if (current.value.text === restore) return ok({ text, changed: false, from: restore, to: restore });
  const node = walk(found.value.doc.contents as Node, found.value.location.path).node as Scalar;
  const written = quoteLike(node, restore, type, "number");
  const problem = verifyToken(written, node, value.value, env);
  if (problem)
    return err(leverError("unsupported", `${file}: ${found.value.location.description}: ${problem}`));
  const range = node.range ?? [0, 0];
  return ok({
    text: text.slice(0, range[0]) + written + text.slice(range[1]),
    changed: true,
    from: current.value.text,
    to: restore,
  });
}
