import {
  type Document,
  isCollection,
  isMap,
  isScalar,
  type Node,
  parseAllDocuments,
  Scalar,
  visit,
} from "yaml";
import type { LeverTarget } from "../config/repo-schema.js";
import { err, ok, type Result } from "../result.js";
import { compareValues, type EditableType, type LeverValue, parseValue } from "../values/value.js";
import { type LeverError, leverError } from "./errors.js";
import { formatFieldPath } from "./field-path.js";
import { formatLike } from "./format.js";
import { insertKeys } from "./insert.js";
import { describeMissing, type LeverLocation, resolveTarget } from "./resolve.js";
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

interface Located {
  readonly docs: Document.Parsed[];
  readonly doc: Document.Parsed;
  readonly location: LeverLocation;
}

const TEMPLATE = /\{\{|\$\{/;

function locate(text: string, target: LeverTarget, file: string): Result<Located, LeverError> {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) return err(leverError("not-found", `${file} is empty: there is nothing to tune`));
  const broken = docs.flatMap((d) => d.errors)[0];
  if (broken) {
    const line = text.slice(0, broken.pos[0]).split("\n").length;
    const hint = TEMPLATE.test(text)
      ? " (it looks like a template: Governor edits plain YAML, not Helm templates)"
      : "";
    return err(
      leverError("invalid-yaml", `${file}:${line}: not valid YAML: ${broken.message.split("\n")[0]}${hint}`),
    );
  }
  const location = resolveTarget(docs, target, file);
  if (!location.ok) return location;
  const doc = docs[location.value.docIndex] as Document.Parsed;
  return ok({ docs, doc, location: location.value });
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
): Result<LeverValue, LeverError> {
  const raw = typeof node.value === "number" ? scalarText(text, node) : node.value;
  const v = typeof raw === "string" || typeof raw === "boolean" ? parseValue(type, raw) : err("not a value");
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
  const found = locate(text, target, file);
  return found.ok ? readLocated(text, found.value, file, type) : found;
}

function readLocated(
  text: string,
  found: Located,
  file: string,
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
  const value = typed(node, text, type, location, file);
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
  const found = locate(text, target, file);
  if (!found.ok) return found;
  const current = readLocated(text, found.value, file, value.type);
  if (!current.ok) return current;
  const { doc, location } = found.value;
  let next: string;
  let from: string | undefined;
  let to: string;
  if (current.value.present) {
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
    from = current.value.text;
    to = formatLike(from, value);
    const written = quoteLike(node, to, value.type, typeof node.value);
    const range = node.range ?? [0, 0];
    next = text.slice(0, range[0]) + written + text.slice(range[1]);
  } else {
    const w = walk(doc.contents as Node, location.path);
    const keys = location.path.slice(w.depth).map(String);
    to = formatLike(undefined, value);
    const inserted = insertKeys(text, w.last, w.lastKey, keys, to);
    if (!inserted.ok)
      return err(
        leverError(
          "unsupported",
          `${file}: ${location.description}: cannot add the field: ${inserted.error}`,
        ),
      );
    next = inserted.value.text;
  }
  const check = verify(next, target, file, value, found.value);
  if (check) return err(check);
  return ok({ text: next, changed: true, from, to });
}

/** Quoting as the original had it; a string stays a string, whatever the new text looks like. */
function quoteLike(node: Scalar, content: string, type: EditableType, originalType: string): string {
  if (node.type === Scalar.QUOTE_SINGLE) return `'${content.replace(/'/g, "''")}'`;
  if (node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(content);
  const resolvesToString = !/^(-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|true|false|null|~)$/i.test(content);
  // Kubernetes accepts quantities as numbers or strings, so only other strings need quoting.
  if (originalType === "string" && !resolvesToString && type !== "cpu" && type !== "memory")
    return JSON.stringify(content);
  return content;
}

/** The first node on the lever's path (the value or a mapping above it) whose anchor is used by an alias. */
function sharedAnchor(
  doc: Document.Parsed,
  location: LeverLocation,
): { anchor: string; where: string } | undefined {
  for (let depth = location.path.length; depth >= 0; depth--) {
    const node = walk(doc.contents as Node, location.path.slice(0, depth), doc).node as
      | (Node & { anchor?: string })
      | undefined;
    if (node?.anchor !== undefined && anchorUsed(doc, node.anchor)) {
      return {
        anchor: node.anchor,
        where:
          depth === location.path.length
            ? "the value"
            : `its parent ${formatFieldPath(location.path.slice(0, depth)) || "document"}`,
      };
    }
  }
  return undefined;
}

function anchorUsed(doc: Document.Parsed, anchor: string): boolean {
  let used = false;
  visit(doc, {
    Alias(_, node) {
      if (node.source === anchor) {
        used = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return used;
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

/** Re-reads the written text: the new value must be there, and every other value unchanged. */
function verify(
  after: string,
  target: LeverTarget,
  file: string,
  value: LeverValue,
  located: Located,
): LeverError | undefined {
  const relocated = locate(after, target, file);
  const reread = relocated.ok ? readLocated(after, relocated.value, file, value.type) : relocated;
  const internal = (why: string) =>
    leverError(
      "unsupported",
      `${file}: ${located.location.description}: refusing to write, the edit would ${why} (please report this file)`,
    );
  if (!reread.ok || !reread.value.present || !reread.value.value) return internal("not read back");
  if (compareValues(reread.value.value, value) !== 0) return internal(`read back as ${reread.value.text}`);
  const docsAfter = relocated.ok ? relocated.value.docs : [];
  if (docsAfter.length !== located.docs.length) return internal("change the documents");
  for (let i = 0; i < docsAfter.length; i++) {
    const a = located.docs[i]?.toJS() as unknown;
    const b = (docsAfter[i] as Document.Parsed).toJS() as unknown;
    if (i === located.location.docIndex) {
      if (!equalExcept(a, b, located.location.path)) return internal("change other values");
    } else if (JSON.stringify(a) !== JSON.stringify(b)) return internal("change another document");
  }
  return undefined;
}

function equalExcept(a: unknown, b: unknown, path: readonly (string | number)[]): boolean {
  // Past the edited value, or where the edit created keys, anything may differ.
  if (path.length === 0 || a === undefined || a === null) return true;
  if (typeof a !== "object" || typeof b !== "object" || b === null) return false;
  const [head, ...rest] = path;
  const ka = Object.keys(a as object).filter((k) => k !== String(head));
  const kb = Object.keys(b as object).filter((k) => k !== String(head));
  if (ka.length !== kb.length) return false;
  for (const k of ka)
    if (
      JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k])
    )
      return false;
  return equalExcept(
    (a as Record<string, unknown>)[String(head)],
    (b as Record<string, unknown>)[String(head)],
    rest,
  );
}
