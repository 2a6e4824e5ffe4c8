import { parser } from "@prometheus-io/lezer-promql";

export interface PromqlSyntaxError {
  /** Offset inside the query text. */
  readonly offset: number;
  readonly message: string;
}

/** Syntax-checks a PromQL expression with Prometheus' own lezer grammar. */
export function checkPromql(query: string): PromqlSyntaxError | undefined {
  if (query.trim() === "") return { offset: 0, message: "the PromQL query is empty" };
  const tree = parser.parse(query);
  let error: PromqlSyntaxError | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        error = {
          offset: node.from,
          message: `PromQL syntax error at position ${node.from + 1} of the query: ${near(query, node.from)}`,
        };
        return false;
      }
      return undefined;
    },
  });
  return error;
}

/**
 * A lever's selector is a bare set of label matchers (`{namespace="shop", pod=~"checkout-.*"}`):
 * no metric name, nothing else, at least one matcher.
 */
export function checkSelector(selector: string): PromqlSyntaxError | undefined {
  const syntax = checkPromql(selector);
  if (syntax) return syntax;
  const top = parser.parse(selector).topNode.firstChild;
  const matchers = top?.name === "VectorSelector" ? top.getChild("LabelMatchers") : null;
  if (top?.name !== "VectorSelector" || top.nextSibling || !matchers || top.getChild("Identifier")) {
    return {
      offset: 0,
      message: `a selector is label matchers in braces, such as {namespace="shop", pod=~"checkout-.*"}`,
    };
  }
  if (!matchers.firstChild) return { offset: 0, message: "a selector needs at least one label matcher" };
  return undefined;
}

function near(query: string, offset: number): string {
  if (offset >= query.length) return "the query ends too early";
  const snippet = query.slice(offset, offset + 20);
  return `unexpected "${snippet}${offset + 20 < query.length ? "…" : ""}"`;
}
