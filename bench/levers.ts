/**
 * bench/levers: time to read and write one lever value in the largest Helm values file of the
 * shared real-world fixtures (target: < 5 ms per edit). Run: npm run bench:levers
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Parser, parseAllDocuments } from "yaml";
import type { LeverTarget } from "../src/core/config/repo-schema.js";
import { readLever, writeIn, writeLever } from "../src/core/levers/edit.js";
import { parseLeverFile } from "../src/core/levers/parsed-file.js";
import { type EditableType, parseValue } from "../src/core/values/value.js";
import { ms, table, time } from "./table.js";

const HELM = join(new URL("..", import.meta.url).pathname, "..", "shared", "fixtures", "real-world", "helm");
if (!existsSync(HELM)) {
  process.stdout.write(`bench/levers: the real-world fixtures are not at ${HELM}; nothing to measure.\n`);
  process.exit(0);
}
const largest = readdirSync(HELM)
  .map((f) => join(HELM, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0] as string;
const text = readFileSync(largest, "utf8");
const name = largest.slice(HELM.length + 1);

/** The first few numbers of the file, found by path, so the benchmark edits real values. */
function numericPaths(limit: number): string[] {
  const data = parseAllDocuments(text)[0]?.toJS() as unknown;
  const out: string[] = [];
  const visit = (v: unknown, path: string) => {
    if (out.length >= limit) return;
    if (typeof v === "number" && Number.isInteger(v) && path) out.push(path);
    else if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v))
        if (/^[A-Za-z_][\w-]*$/.test(k)) visit(child, path ? `${path}.${k}` : k);
    }
  };
  visit(data, "");
  return out;
}

const paths = numericPaths(5);
const rows: string[][] = [];
const baseline = time(() => parseAllDocuments(text));
const cst = time(() => {
  for (const _ of new Parser().parse(text)) {
    // drain the CST
  }
});
rows.push([name, "(yaml: CST parse only)", ms(cst.median), ms(cst.p95)]);
rows.push([name, "(yaml: parseAllDocuments)", ms(baseline.median), ms(baseline.p95)]);
for (const path of paths) {
  const target: LeverTarget = { file: name, path };
  const type: EditableType = "integer";
  const current = readLever(text, target, name, type);
  if (!current.ok || !current.value.present) continue;
  const next = parseValue(type, Number(current.value.text) + 1);
  if (!next.ok) continue;
  const read = time(() => readLever(text, target, name, type));
  const edit = time(() => writeLever(text, target, name, next.value));
  const parsed = parseLeverFile(text, name);
  if (!parsed.ok) continue;
  const splice = time(() => writeIn(parsed.value, target, next.value));
  rows.push([name, `read ${path}`, ms(read.median), ms(read.p95)]);
  rows.push([name, `read+write ${path}`, ms(edit.median), ms(edit.p95)]);
  rows.push([name, `  of which the edit, file already parsed`, ms(splice.median), ms(splice.p95)]);
}
process.stdout.write(
  `bench/levers: ${name}, ${text.length} bytes, ${text.split("\n").length} lines; 200 runs after 20 warm-up\n\n`,
);
process.stdout.write(`${table(["file", "operation", "median", "p95"], rows)}\n`);
