import { type Document, LineCounter, type Pair, parseDocument, type YAMLMap } from "yaml";
import type { Diagnostic } from "../diagnostics.js";
import { err, ok, type Result } from "../result.js";
import { MAX_FILE_BYTES, prescanYaml } from "./prescan.js";
import { checkStructure, offsetPosition } from "./structure.js";
import { bytePosition, firstInvalidUtf8 } from "./utf8.js";

export { MAX_DEPTH, MAX_FILE_BYTES } from "./prescan.js";

/** A file as read from a repository: its path relative to the repository root, and its bytes. */
export interface SourceFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface LoadedYaml {
  readonly path: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The plain data, after every safety check passed. */
  readonly data: unknown;
  /**
   * Each mapping's pairs by key, filled as messages look keys up: one message per unknown key
   * of a 24,000-key file must not scan the mapping each time (that took 11 s).
   */
  readonly pairs: WeakMap<YAMLMap, ReadonlyMap<string, Pair>>;
}

/** Aliases expanded when turning YAML into data; the yaml package's own guard against alias bombs. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Turns untrusted bytes into YAML data, or says exactly what is wrong and where: not UTF-8,
 * too large, not YAML, too deep, an alias bomb, a key that could pollute prototypes.
 */
export function loadYaml(file: SourceFile): Result<LoadedYaml, Diagnostic[]> {
  const at = (line: number, col: number, message: string): Diagnostic => ({
    file: file.path,
    line,
    col,
    message,
  });
  if (file.bytes.length > MAX_FILE_BYTES) {
    return err([
      at(
        1,
        1,
        `file is ${file.bytes.length} bytes; Governor reads YAML files of at most 1 MiB (${MAX_FILE_BYTES} bytes): split it or point the lever at a smaller file`,
      ),
    ]);
  }
  const bad = firstInvalidUtf8(file.bytes);
  if (bad >= 0) {
    const p = bytePosition(file.bytes, bad);
    return err([
      at(
        p.line,
        p.col,
        `file is not valid UTF-8 (byte 0x${(file.bytes[bad] ?? 0).toString(16).padStart(2, "0")} at offset ${bad}): save it as UTF-8`,
      ),
    ]);
  }
  const text = new TextDecoder("utf-8").decode(file.bytes);
  // Before the parser: its recursion and some of its checks are what a hostile shape attacks.
  const refused = prescanYaml(text);
  if (refused) {
    const p = offsetPosition(text, refused.offset);
    return err([at(p.line, p.col, refused.message)]);
  }
  const lineCounter = new LineCounter();
  // Duplicate keys are found by checkStructure in linear time; the parser's own check is quadratic.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const pos = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    // Later YAML errors are mostly echoes of the first: report it alone, with the count.
    const first = doc.errors[0] as (typeof doc.errors)[number];
    const p = pos(first.pos[0]);
    const more =
      doc.errors.length > 1
        ? ` (and ${doc.errors.length - 1} more error${doc.errors.length > 2 ? "s" : ""} after it)`
        : "";
    return err([at(p.line, p.col, `not valid YAML: ${firstLine(first.message)}${more}`)]);
  }
  const structural = checkStructure(doc.contents, (offset) => pos(offset).line).map((problem) => {
    const p = pos(problem.offset);
    return at(p.line, p.col, problem.message);
  });
  if (structural.length > 0) return err(structural);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws a ReferenceError for excessive alias expansion; nothing else is expected here.
    const message = e instanceof Error ? e.message : String(e);
    return err([
      at(1, 1, `YAML aliases expand too much (${message}); write the values out instead of nesting aliases`),
    ]);
  }
  return ok({ path: file.path, text, doc, lineCounter, data, pairs: new WeakMap() });
}

/** The message alone: yaml appends "at line N, column M:" and a code frame, which the position already says. */
function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}
