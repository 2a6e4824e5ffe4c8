import { type Document, parseAllDocuments } from "yaml";
import type { LeverTarget } from "../config/repo-schema.js";
import { err, ok, type Result } from "../result.js";
import { prescanYaml } from "../yaml/prescan.js";
import { checkStructure, offsetPosition } from "../yaml/structure.js";
import { type LeverError, leverError } from "./errors.js";
import { type LeverLocation, resolveTarget } from "./resolve.js";

/** A lever file parsed once, so that several levers of one file cost one parse. */
export interface ParsedFile {
  readonly text: string;
  readonly file: string;
  readonly docs: readonly Document.Parsed[];
}

export interface Located {
  readonly docs: readonly Document.Parsed[];
  readonly doc: Document.Parsed;
  readonly location: LeverLocation;
}

export const TEMPLATE = /\{\{|\$\{/;

/**
 * Parses a file that holds levers; `file` names it in messages. Every entry point (CLI, App,
 * simulator) reads lever files through here, so the limits on their shape hold everywhere.
 */
export function parseLeverFile(text: string, file: string): Result<ParsedFile, LeverError> {
  const at = (offset: number, message: string) => {
    const p = offsetPosition(text, offset);
    return err(leverError("invalid-yaml", `${file}:${p.line}:${p.col}: ${message}`));
  };
  // Before the parser: its recursion and some of its checks are what a hostile shape attacks.
  const refused = prescanYaml(text);
  if (refused) return at(refused.offset, refused.message);
  // Duplicate keys are found by checkStructure in linear time; the parser's own check is quadratic.
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
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
  for (const doc of docs) {
    const problem = checkStructure(doc.contents, (offset) => offsetPosition(text, offset).line)[0];
    if (problem) return at(problem.offset, problem.message);
  }
  return ok({ text, file, docs });
}

export function locate(parsed: ParsedFile, target: LeverTarget): Result<Located, LeverError> {
  const location = resolveTarget(parsed.docs, target, parsed.file);
  if (!location.ok) return location;
  const doc = parsed.docs[location.value.docIndex] as Document.Parsed;
  return ok({ docs: parsed.docs, doc, location: location.value });
}
