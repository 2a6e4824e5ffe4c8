import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Matcher, parseSelector, scopeQuery } from "../../../src/core/promql/scope.js";
import { quotePromqlString, unquotePromqlString } from "../../../src/core/promql/strings.js";
import { checkPromql } from "../../../src/core/promql/syntax.js";
import { REAL_WORLD } from "../levers/real-world-targets.js";

const selector = (text: string): Matcher[] => {
  const r = parseSelector(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const scope = (query: string, sel: string): string => {
  const r = scopeQuery(query, selector(sel));
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

/** Every vector selector's matchers, read independently of the code under test. */
function selectorsOf(query: string): Array<Array<{ label: string; op: string; value: string }>> {
  const out: Array<Array<{ label: string; op: string; value: string }>> = [];
  parser.parse(query).iterate({
    enter(ref) {
      if (ref.name !== "VectorSelector") return;
      const ms: Array<{ label: string; op: string; value: string }> = [];
      const braces = ref.node.getChild("LabelMatchers");
      for (let m = braces?.firstChild; m; m = m.nextSibling) {
        if (!m.name.endsWith("LabelMatcher")) continue;
        const name = query.slice(m.firstChild?.from, m.firstChild?.to);
        const label =
          m.firstChild?.name === "QuotedLabelName" ? unquotePromqlString(name) : { ok: true, value: name };
        const op = query.slice(m.getChild("MatchOp")?.from, m.getChild("MatchOp")?.to);
        const value = unquotePromqlString(query.slice(m.lastChild?.from, m.lastChild?.to));
        if (label.ok && value.ok) ms.push({ label: label.value as string, op, value: value.value });
      }
      out.push(ms);
    },
  });
  return out;
}

const SEL = '{namespace="shop", pod=~"checkout-.*", container="server"}';

describe("scopeQuery", () => {
  it.each([
    [
      'sum(rate(container_cpu_usage_seconds_total{container!=""}[5m]))',
      'sum(rate(container_cpu_usage_seconds_total{container!="", namespace="shop", pod=~"checkout-.*", container="server"}[5m]))',
    ],
    ["up", 'up{namespace="shop", pod=~"checkout-.*", container="server"}'],
    ['{job="x"}', '{job="x", namespace="shop", pod=~"checkout-.*", container="server"}'],
    ["foo{}", 'foo{namespace="shop", pod=~"checkout-.*", container="server"}'],
    ['foo{container="other",}', 'foo{container="server", namespace="shop", pod=~"checkout-.*"}'],
    ['foo{namespace = "a"}', 'foo{namespace = "shop", pod=~"checkout-.*", container="server"}'],
    [
      "max_over_time(rate(x[5m])[1h:1m])",
      'max_over_time(rate(x{namespace="shop", pod=~"checkout-.*", container="server"}[5m])[1h:1m])',
    ],
    [
      "a / on(pod) group_left b offset 5m",
      'a{namespace="shop", pod=~"checkout-.*", container="server"} / on(pod) group_left b{namespace="shop", pod=~"checkout-.*", container="server"} offset 5m',
    ],
    ["vector(1) + scalar(time())", "vector(1) + scalar(time())"],
    [
      'label_replace(up, "dst", "$1", "src", "(.*)")',
      'label_replace(up{namespace="shop", pod=~"checkout-.*", container="server"}, "dst", "$1", "src", "(.*)")',
    ],
  ])("%s", (query, expected) => {
    expect(scope(query, SEL)).toBe(expected);
  });

  it("keeps comments, spacing and line breaks of the query as written", () => {
    expect(scope("sum(\n  rate(foo[5m])  # per second\n)", '{a="b"}')).toBe(
      'sum(\n  rate(foo{a="b"}[5m])  # per second\n)',
    );
  });

  it("re-quotes values so that none can break out of its string", () => {
    const scoped = scope("up", "{a=\"\\\"} or vector(1) #\", b=`back\\slash`, c='it\\'s'}");
    expect(scoped).toBe('up{a="\\"} or vector(1) #", b="back\\\\slash", c="it\'s"}');
    expect(checkPromql(scoped)).toBeUndefined();
    expect(selectorsOf(scoped)).toEqual([
      [
        { label: "a", op: "=", value: '"} or vector(1) #' },
        { label: "b", op: "=", value: "back\\slash" },
        { label: "c", op: "=", value: "it's" },
      ],
    ]);
  });

  it("refuses a selector that is not only matchers", () => {
    expect(parseSelector('{a=""} or vector(1) #"}')).toMatchObject({ ok: false });
    expect(parseSelector("up")).toMatchObject({ ok: false });
  });

  it("refuses a query that is not PromQL", () => {
    expect(scopeQuery("sum(rate(x[5m])", selector(SEL))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/PromQL syntax error/),
    });
  });

  it("every vector selector of a random query carries every matcher of a random selector (property)", () => {
    const label = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.constantFrom('"} or vector(1) #', "\\", '"', "\n", "}", '\\"', "`", "'"),
    );
    const matcher = fc.record({ label, op: fc.constantFrom("=", "!=", "=~", "!~"), value });
    const query = fc.constantFrom(
      "up",
      "sum(rate(x[5m]))",
      'a{b="c"} / ignoring(d) e',
      "max_over_time(rate(x[5m])[1h:1m])",
      'histogram_quantile(0.9, sum by (le) (rate(h_bucket{le!="+Inf"}[5m])))',
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(matcher, { minLength: 1, maxLength: 4, selector: (m) => `${m.label}${m.op}` }),
        query,
        (ms, q) => {
          const sel = `{${ms.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(", ")}}`;
          const scoped = scope(q, sel);
          expect(checkPromql(scoped)).toBeUndefined();
          for (const found of selectorsOf(scoped)) for (const m of ms) expect(found).toContainEqual(m);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("PromQL strings", () => {
  it.each([
    ['"a\\nb"', "a\nb"],
    ["'it\\'s'", "it's"],
    ["`raw\\n`", "raw\\n"],
    ['"\\x41\\u00e9\\U0001F680\\101"', "Aé🚀A"],
  ])("unquotes %s", (literal, value) => {
    expect(unquotePromqlString(literal)).toEqual({ ok: true, value });
  });

  it("round-trips any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(unquotePromqlString(quotePromqlString(s))).toEqual({ ok: true, value: s });
      }),
    );
  });
});

const EXPRESSIONS = join(REAL_WORLD, "promql", "expressions.txt");
const haveExpressions = existsSync(EXPRESSIONS);
if (!haveExpressions)
  console.warn(`NOTE: ${EXPRESSIONS} not found; the real-world scoping property test is skipped.`);

describe.skipIf(!haveExpressions)("scoping real-world expressions (property)", () => {
  const expressions = haveExpressions
    ? readFileSync(EXPRESSIONS, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
    : [];

  it("reads all 206 expressions", () => {
    expect(expressions).toHaveLength(206);
  });

  it("every scoped expression parses and every vector selector carries every matcher", () => {
    const label = fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/);
    const value = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('"} or vector(1) #', 'x\\"y', "a\nb", "}{", "\\"),
    );
    const matcher = fc.record({ label, op: fc.constantFrom("=", "!=", "=~", "!~"), value });
    fc.assert(
      fc.property(
        fc.uniqueArray(matcher, { minLength: 1, maxLength: 3, selector: (m) => `${m.label}${m.op}` }),
        (ms) => {
          const sel = `{${ms.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(", ")}}`;
          for (const expr of expressions) {
            const scoped = scope(expr, sel);
            expect(checkPromql(scoped), scoped).toBeUndefined();
            const found = selectorsOf(scoped);
            expect(found.length).toBe(selectorsOf(expr).length);
            for (const f of found) for (const m of ms) expect(f).toContainEqual(m);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
