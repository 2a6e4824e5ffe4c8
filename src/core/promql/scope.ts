import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import { err, ok, type Result } from "../result.js";
import { quotePromqlString, unquotePromqlString } from "./strings.js";
import { checkPromql, checkSelector } from "./syntax.js";

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

const OPS: Record<string, MatchOp> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

interface FoundMatcher extends Matcher {
  /** The value's string literal in the query text. */
  readonly valueFrom: number;
  readonly valueTo: number;
}

/** The matchers of one LabelMatchers node (the metric name in braces, `{"name"}`, is not one). */
function matchersOf(text: string, node: SyntaxNode): Result<FoundMatcher[]> {
  const out: FoundMatcher[] = [];
  for (let m = node.firstChild; m; m = m.nextSibling) {
    if (m.name !== "UnquotedLabelMatcher" && m.name !== "QuotedLabelMatcher") continue;
    const nameNode = m.firstChild;
    const opNode = m.getChild("MatchOp")?.firstChild;
    const valueNode = m.lastChild;
    if (!nameNode || !opNode || !valueNode || valueNode.name !== "StringLiteral")
      return err("a label matcher could not be read");
    const rawName = text.slice(nameNode.from, nameNode.to);
    const label = nameNode.name === "QuotedLabelName" ? unquotePromqlString(rawName) : ok(rawName);
    const value = unquotePromqlString(text.slice(valueNode.from, valueNode.to));
    const op = OPS[opNode.name];
    if (!label.ok) return label;
    if (!value.ok) return value;
    if (!op) return err(`unknown match operator ${opNode.name}`);
    out.push({
      label: label.value,
      op,
      value: value.value,
      valueFrom: valueNode.from,
      valueTo: valueNode.to,
    });
  }
  return ok(out);
}

/** The matchers of a lever's selector, `{namespace="shop", pod=~"checkout-.*"}`. */
export function parseSelector(selector: string): Result<Matcher[]> {
  const bad = checkSelector(selector);
  if (bad) return err(bad.message);
  const matchers = parser.parse(selector).topNode.firstChild?.getChild("LabelMatchers");
  if (!matchers) return err("a selector is label matchers in braces");
  const found = matchersOf(selector, matchers);
  return found.ok ? ok(found.value.map(({ label, op, value }) => ({ label, op, value }))) : found;
}

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function formatMatcher(m: Matcher): string {
  return `${IDENT.test(m.label) ? m.label : quotePromqlString(m.label)}${m.op}${quotePromqlString(m.value)}`;
}

interface Edit {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/**
 * Adds `matchers` to every vector and matrix selector of `query` — inside functions,
 * aggregations, binary expressions and subqueries alike — and leaves the rest of the text as
 * written. A matcher for the same label and operator already there has its value replaced, not
 * duplicated. Values are re-quoted by PromQL's string rules, so none can break out of its string.
 */
export function scopeQuery(query: string, matchers: readonly Matcher[]): Result<string> {
  const syntax = checkPromql(query);
  if (syntax) return err(syntax.message);
  if (matchers.length === 0) return ok(query);
  const edits: Edit[] = [];
  let failure: string | undefined;
  parser.parse(query).iterate({
    enter(ref) {
      if (ref.name !== "VectorSelector" || failure) return;
      const node = ref.node;
      const braces = node.getChild("LabelMatchers");
      if (!braces) {
        edits.push({ from: node.to, to: node.to, text: `{${matchers.map(formatMatcher).join(", ")}}` });
        return false;
      }
      const existing = matchersOf(query, braces);
      if (!existing.ok) {
        failure = existing.error;
        return false;
      }
      const added: string[] = [];
      for (const m of matchers) {
        const same = existing.value.find((e) => e.label === m.label && e.op === m.op);
        if (same) edits.push({ from: same.valueFrom, to: same.valueTo, text: quotePromqlString(m.value) });
        else added.push(formatMatcher(m));
      }
      if (added.length > 0) {
        const close = braces.to - 1; // the "}"
        const inside = query.slice(braces.from + 1, close).trimEnd();
        const sep = inside === "" ? "" : inside.endsWith(",") ? " " : ", ";
        edits.push({ from: close, to: close, text: `${sep}${added.join(", ")}` });
      }
      return false;
    },
  });
  if (failure) return err(failure);
  let out = query;
  for (const e of edits.sort((a, b) => b.from - a.from))
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return ok(out);
}
