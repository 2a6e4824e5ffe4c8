import { type Document, parseAllDocuments } from "yaml";
import type { LeverTarget } from "../config/repo-schema.js";
import { err, ok, type Result } from "../result.js";
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

/** Parses a file that holds levers; `file` names it in messages. */
export function parseLeverFile(text: string, file: string): Result<ParsedFile, LeverError> {
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
  return ok({ text, file, docs });
}

export function locate(parsed: ParsedFile, target: LeverTarget): Result<Located, LeverError> {
  const location = resolveTarget(parsed.docs, target, parsed.file);
  if (!location.ok) return location;
  const doc = parsed.docs[location.value.docIndex] as Document.Parsed;
  return ok({ docs: parsed.docs, doc, location: location.value });
}
