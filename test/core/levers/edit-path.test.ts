import { describe, expect, it } from "vitest";
import { changedLines, read, refusal, write } from "./helpers.js";

/** "$" alone, so the test can spell shell-style ${…} without lint mistaking it for a placeholder. */
const DOLLAR = "$";

const VALUES = `# Helm values
replicaCount: 2

defaults: &defaults
  timeout: 30s
  retries: 3

worker:
  <<: *defaults
  concurrency: 8 # per pod
  ratio: 0.25
  shared: *defaults
  enabled: true
  image: "{{ .Values.image }}"
  command: \${WORKER_CMD}
  batch: '100'
  pools: [4, 8]
  script: |
    run
  resources:
    requests: {cpu: 250m, memory: 256Mi}
  items:
    - name: a
      size: 10
  "dotted.key": 5
`;

describe("path form", () => {
  it.each<
    [
      string,
      string,
      "integer" | "number" | "duration" | "cpu" | "boolean",
      string | number | boolean,
      number,
      string,
    ]
  >([
    ["a top-level integer", "replicaCount", "integer", 3, 2, "replicaCount: 3"],
    [
      "a nested integer, keeping the comment",
      "worker.concurrency",
      "integer",
      12,
      10,
      "  concurrency: 12 # per pod",
    ],
    ["a decimal", "worker.ratio", "number", 0.3, 11, "  ratio: 0.3"],
    ["a decimal that becomes whole stays decimal-looking", "worker.ratio", "number", 1, 11, "  ratio: 1.0"],
    ["a quoted string number stays a quoted string", "worker.batch", "integer", 200, 16, "  batch: '200'"],
    ["a list item", "worker.pools[1]", "integer", 16, 17, "  pools: [4, 16]"],
    ["a key in a list item", "worker.items[0].size", "integer", 20, 24, "      size: 20"],
    [
      "a quantity in Helm values",
      "worker.resources.requests.cpu",
      "cpu",
      "0.5",
      21,
      "    requests: {cpu: 500m, memory: 256Mi}",
    ],
    ["a key with dots", 'worker["dotted.key"]', "integer", 6, 25, '  "dotted.key": 6'],
    ["a boolean", "worker.enabled", "boolean", false, 13, "  enabled: false"],
    ["an anchored value nobody else uses", "replicaCount", "integer", 4, 2, "replicaCount: &count 4"],
  ])("%s", (_, path, type, raw, line, expected) => {
    const text =
      path === "replicaCount" && raw === 4
        ? VALUES.replace("replicaCount: 2", "replicaCount: &count 2")
        : VALUES;
    const changed = changedLines(text, write(text, { path }, type, raw));
    expect(changed).toEqual([[line, text.split("\n")[line - 1], expected]]);
  });

  it("reads values as written", () => {
    expect(read(VALUES, { path: "worker.batch" })).toBe("100");
    expect(read(VALUES, { path: "worker.ratio" }, "number")).toBe("0.25");
  });

  it("a duration stays a duration", () => {
    const text = "probe:\n  timeout: 5s\n";
    expect(write(text, { path: "probe.timeout" }, "duration", "1m30s")).toBe("probe:\n  timeout: 1m30s\n");
  });

  it("a string stays a string in ConfigMap data", () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  POOL_SIZE: abc\n  WORKERS: "4"\n';
    expect(write(text, { path: "data.WORKERS" }, "integer", 6)).toBe(text.replace('"4"', '"6"'));
  });

  it.each<[string, string, string]>([
    [
      "an alias",
      "worker.shared.timeout",
      "f.yaml: path worker.shared.timeout: the value is reached through an alias (*name); editing it would change every place that uses the anchor. Write the value out, or point the lever at the anchor",
    ],
    [
      "a value from a merge key",
      "worker.timeout",
      "f.yaml: path worker.timeout: the value comes from a merge key (<<); point the lever at the merged mapping instead",
    ],
    [
      "a value under an anchor used elsewhere",
      "defaults.timeout",
      "f.yaml: path defaults.timeout: its parent defaults carries the anchor &defaults, which is used elsewhere; changing it would change those places too",
    ],
  ])("refuses %s", (_, path, message) => {
    expect(refusal(VALUES, { path }, "duration", "1m")).toBe(message);
  });

  it("refuses a value whose own anchor is used elsewhere", () => {
    const text = VALUES.replace("replicaCount: 2", "replicaCount: &n 2\nminAvailable: *n");
    expect(refusal(text, { path: "replicaCount" }, "integer", 3)).toBe(
      "f.yaml: path replicaCount: the value carries the anchor &n, which is used elsewhere; changing it would change those places too",
    );
  });

  it.each([
    [
      "worker.image",
      "f.yaml: path worker.image: the value is a template expression ({{ .Values.image }}); Governor only edits literal values",
    ],
    [
      "worker.command",
      `f.yaml: path worker.command: the value is a template expression (${DOLLAR}{WORKER_CMD}); Governor only edits literal values`,
    ],
  ])("refuses the template expression at %s", (path, message) => {
    expect(refusal(VALUES, { path }, "integer", 1)).toBe(message);
  });

  it("refuses a block scalar", () => {
    expect(refusal(VALUES, { path: "worker.script" }, "integer", 1)).toBe(
      "f.yaml: path worker.script: the value is a block scalar (| or >); Governor edits single-line values",
    );
  });

  it("refuses a missing key, listing what is there", () => {
    expect(refusal(VALUES, { path: "worker.concurency" }, "integer", 1)).toBe(
      'f.yaml: path worker.concurency: worker has no key "concurency"; it has: <<, concurrency, ratio, shared, enabled, image, command, batch, pools, script, resources, items, dotted.key (did you mean "concurrency"?)',
    );
    expect(refusal(VALUES, { path: "worker.pools[5]" }, "integer", 1)).toBe(
      "f.yaml: path worker.pools[5]: worker.pools has no item [5]; the list has 2 items",
    );
  });

  it("refuses a file that is not YAML, such as a Helm template", () => {
    const template = "replicas: {{ .Values.replicas }}\nimage: x\n";
    expect(refusal(template, { path: "replicas" }, "integer", 1)).toBe(
      "f.yaml: path replicas: the value is a template expression ({{ .Values.replicas }}); Governor only edits literal values (is this a Helm template rather than values?)",
    );
    const broken = "spec:\n{{- if .Values.x }}\n  replicas: 1\n{{- end }}\n";
    expect(refusal(broken, { path: "spec.replicas" }, "integer", 2)).toMatch(
      /^f\.yaml:\d+: not valid YAML: .*\(it looks like a template: Governor edits plain YAML, not Helm templates\)$/,
    );
  });

  it("asks which document of a multi-document file", () => {
    const text = "a: 1\n---\na: 2\n";
    expect(refusal(text, { path: "a" }, "integer", 5)).toBe(
      "f.yaml holds 2 YAML documents: set target.document (0-based) to say which one holds a",
    );
    expect(write(text, { path: "a", document: 1 }, "integer", 5)).toBe("a: 1\n---\na: 5\n");
    expect(refusal(text, { path: "a", document: 2 }, "integer", 5)).toBe(
      "f.yaml has 2 documents; target.document 2 does not exist",
    );
  });

  it("refuses a malformed path", () => {
    expect(refusal(VALUES, { path: "worker..x" }, "integer", 1)).toBe(
      'f.yaml: target.path "worker..x": empty key at position 8',
    );
  });
});
