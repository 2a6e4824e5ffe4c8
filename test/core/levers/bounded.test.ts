import { describe, expect, it } from "vitest";
import { extractHpas } from "../../../src/core/engine/hpa.js";
import { parseLeverFile } from "../../../src/core/levers/parsed-file.js";
import { HOSTILE_YAML } from "../../helpers/hostile-yaml.js";
import { read, refusal } from "./helpers.js";

const parseError = (text: string) => {
  const r = parseLeverFile(text, "f.yaml");
  return r.ok ? "(parsed)" : `${r.error.kind}: ${r.error.message}`;
};
const flatKeys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join("\n");

/** Nine aliases of nine aliases of …: a few lines that expand to 9^5 values. */
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
].join("\n");

describe("lever files of any shape", () => {
  it.each([
    ["1 MB of [[[[", "f.yaml:1:65: nesting deeper than 64 levels"],
    ["1 MB of {a: {a:", "f.yaml:1:257: nesting deeper than 64 levels"],
    ["1000 indented maps", "f.yaml:65:65: nesting deeper than 64 levels"],
    ["1 MB of - - - -", "f.yaml:1:129: nesting deeper than 64 levels"],
    ["200k-item flow sequence", "f.yaml:1:100000: more than 50000 keys, values and items"],
  ])("refuses %s with a typed error at the node that crossed the limit", (name, where) => {
    const text = (HOSTILE_YAML[name] as () => string)();
    expect(parseError(text)).toMatch(
      new RegExp(`^invalid-yaml: ${where.replace(/[[\]{}]/g, "\\$&")}: Governor refuses`),
    );
  });

  it("reads a value from the largest flat file under the limit", () => {
    const text = `${flatKeys(24_000)}\nlast: 7\n`;
    expect(read(text, { path: "last" }, "integer")).toBe("7");
    expect(read(text, { path: "k23999" }, "integer")).toBe("23999");
  });

  it("finds a duplicate key among 24,000, naming both lines", () => {
    const text = `${flatKeys(24_000)}\n  \nk7: again\n`;
    expect(parseError(text)).toBe(
      'invalid-yaml: f.yaml:24002:1: not valid YAML: Map keys must be unique; "k7" is already a key of this mapping at line 8',
    );
  });

  it("finds duplicates as the yaml package would: 1 and 1.0 are one key, '1' another", () => {
    expect(parseError("m:\n  1: a\n  '1': b\n")).toBe("(parsed)");
    expect(parseError("m: {1: a, 1.0: b}\n")).toMatch(
      /^invalid-yaml: f\.yaml:1:11: .*Map keys must be unique/,
    );
    expect(parseError("---\na: 1\n---\na: 2\n")).toBe("(parsed)");
  });

  it.each(["__proto__", "constructor", "prototype"])(
    "refuses the key %s, as the config loader does",
    (key) => {
      expect(parseError(`spec:\n  template:\n    ${key}: {polluted: true}\n`)).toBe(
        `invalid-yaml: f.yaml:3:5: the key "${key}" is not allowed: rename or remove it`,
      );
    },
  );

  it("refuses an edit it cannot check because aliases expand too much, instead of throwing", () => {
    const deployment = `kind: Deployment\nmetadata:\n  name: a\nspec:\n  selector: {}\n${ALIAS_BOMB}\n`;
    expect(refusal(deployment, { kind: "Deployment", name: "a", field: "replicas" }, "integer", 2)).toMatch(
      /^f\.yaml: Deployment a, field replicas: refusing to write, the file.s aliases expand too much to check the edit/,
    );
  });
});

describe("HPAs beside levers", () => {
  const HPA = [
    "apiVersion: autoscaling/v2",
    "kind: HorizontalPodAutoscaler",
    "metadata: {name: web}",
    "spec:",
    "  scaleTargetRef: {kind: Deployment, name: web}",
    "  metrics:",
    "    - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}",
  ].join("\n");

  it("are found in an ordinary file", () => {
    expect(extractHpas("h.yaml", HPA)).toEqual([
      expect.objectContaining({ name: "web", resources: ["cpu"] }),
    ]);
  });

  it.each([
    ["deep nesting", `${HPA}\n  extra: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`],
    ["an alias bomb", `${HPA}\n  extra:\n${ALIAS_BOMB.replace(/^/gm, "    ")}\n`],
    ["a duplicate key", `${HPA}\nmetadata: {name: other}\n`],
  ])("are not read from a file with %s, which is reported as unreadable, and nothing throws", (_, text) => {
    expect(extractHpas("h.yaml", text)).toEqual([{ file: "h.yaml", unreadable: expect.any(String) }]);
  });

  it("a refused file that names no HPA holds none", () => {
    expect(extractHpas("h.yaml", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`)).toEqual([]);
  });
});
