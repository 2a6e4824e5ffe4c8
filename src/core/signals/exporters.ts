import { parser } from "@prometheus-io/lezer-promql";
import { formatMatcher, type Matcher, parseSelector } from "../promql/scope.js";
import { checkPromql } from "../promql/syntax.js";
import { err, ok, type Result } from "../result.js";

/** Who exposes a metric: the exporter a person installs when its series are missing. */
export interface Exporter {
  readonly name: string;
  /** What to install or enable, in a few words. */
  readonly hint: string;
}

const CADVISOR: Exporter = {
  name: "cAdvisor",
  hint: "the kubelet's /metrics/cadvisor endpoint (scrape it, e.g. the kube-prometheus-stack's kubelet job)",
};
const KUBE_STATE_METRICS: Exporter = {
  name: "kube-state-metrics",
  hint: "install kube-state-metrics and scrape it",
};
const NODE_EXPORTER: Exporter = {
  name: "node-exporter",
  hint: "run node-exporter on every node and scrape it",
};
const APPLICATION: Exporter = {
  name: "the application",
  hint: "the service's own /metrics: check that it exports this metric and that Prometheus scrapes it",
};

/** Metric-name prefixes of the exporters Governor's built-in policies read; anything else is the application's own. */
const PREFIXES: ReadonlyArray<readonly [string, Exporter]> = [
  ["container_", CADVISOR],
  ["machine_", CADVISOR],
  ["kube_", KUBE_STATE_METRICS],
  ["node_", NODE_EXPORTER],
];

export function exporterOf(metric: string): Exporter {
  return PREFIXES.find(([prefix]) => metric.startsWith(prefix))?.[1] ?? APPLICATION;
}

/** One vector selector of a query, as written there, with its metric name when it has one. */
export interface SelectorUse {
  readonly selector: string;
  readonly metric: string | undefined;
}

/**
 * The vector selectors of `query` (those inside range selectors and subqueries too), each once,
 * in the order written: what doctor counts series of to say which metric is missing.
 */
export function selectorsOf(query: string): Result<SelectorUse[]> {
  const bad = checkPromql(query);
  if (bad) return err(bad.message);
  const out: SelectorUse[] = [];
  const cursor = parser.parse(query).cursor();
  do {
    if (cursor.name !== "VectorSelector") continue;
    const node = cursor.node;
    const selector = query.slice(node.from, node.to);
    const id = node.getChild("Identifier");
    const named = /__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/.exec(selector)?.[1];
    const metric = id ? query.slice(id.from, id.to) : named;
    if (!out.some((s) => s.selector === selector)) out.push({ selector, metric });
  } while (cursor.next());
  return ok(out);
}

/** A selector of a scoped query cut in two: the matchers the lever's selector put there, and the query's own. */
export interface SelectorParts {
  /** The metric with the lever's matchers alone: what the lever's selector matches of it. */
  readonly leverPart: string;
  /** The query's own matchers (`code=~"5.."`), as written by PromQL's rules; empty when it has none. */
  readonly own: readonly string[];
}

/**
 * Tells apart, in one selector of a query scoped by `leverMatchers`, the lever's matchers from the
 * query's own: a selector that matches nothing is either the lever's fault (a wrong selector) or
 * the query's (a `code=~"5.."` with no errors yet), and the advice differs.
 */
export function selectorParts(
  selector: string,
  metric: string,
  leverMatchers: readonly Matcher[],
): Result<SelectorParts> {
  const brace = selector.indexOf("{");
  if (brace < 0) return ok({ leverPart: metric, own: [] });
  const matchers = parseSelector(selector.slice(brace));
  if (!matchers.ok) return matchers;
  const isLever = (m: Matcher) =>
    leverMatchers.some((l) => l.label === m.label && l.op === m.op && l.value === m.value);
  const named = (m: Matcher) => m.label === "__name__";
  const lever = matchers.value.filter((m) => isLever(m) && !named(m));
  const own = matchers.value.filter((m) => !isLever(m) && !named(m));
  return ok({
    leverPart: lever.length === 0 ? metric : `${metric}{${lever.map(formatMatcher).join(", ")}}`,
    own: own.map(formatMatcher),
  });
}
