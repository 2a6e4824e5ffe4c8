import { describe, expect, it } from "vitest";
import { changedLines, read, refusal, write } from "./helpers.js";

const DEPLOYMENT = `# checkout
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 3
  template:
    spec:
      initContainers:
        - name: migrate
          image: migrate:1
          resources:
            requests:
              cpu: "1"
      containers:
        - name: server
          image: checkout:1
          env:
            - name: WORKERS
              value: "8"
            - name: SECRET
              valueFrom: {secretKeyRef: {name: s, key: k}}
          resources:
            requests:
              cpu: 500m      # sized for the 2025 peak
              memory: 1Gi
            limits: {cpu: 2, memory: 2Gi}
        - name: sidecar
          image: proxy:1
`;
const server = { kind: "Deployment", name: "checkout", container: "server" };

describe("Kubernetes form: reading", () => {
  it.each([
    [{ ...server, field: "resources.requests.cpu" }, "500m"],
    [{ ...server, field: "resources.requests.memory" }, "1Gi"],
    [{ ...server, field: "resources.limits.cpu" }, "2"],
    [{ ...server, field: "env.WORKERS" }, "8"],
    [{ kind: "Deployment", name: "checkout", field: "replicas" }, "3"],
    [{ kind: "Deployment", name: "checkout", container: "migrate", field: "resources.requests.cpu" }, "1"],
  ])("%j reads %s as written", (target, expected) => {
    expect(read(DEPLOYMENT, target)).toBe(expected);
  });

  it("reports a well-known field that is not set yet", () => {
    expect(
      read(DEPLOYMENT, {
        kind: "Deployment",
        name: "checkout",
        container: "sidecar",
        field: "resources.requests.cpu",
      }),
    ).toBe("(not set)");
  });
});

describe("Kubernetes form: writing changes only the value", () => {
  it.each<[string, object, "cpu" | "memory" | "integer", string | number, string]>([
    [
      "millicores stay millicores, the same-line comment stays",
      { ...server, field: "resources.requests.cpu" },
      "cpu",
      "0.75",
      "              cpu: 750m      # sized for the 2025 peak",
    ],
    [
      "binary suffix stays binary",
      { ...server, field: "resources.requests.memory" },
      "memory",
      "768Mi",
      "              memory: 768Mi",
    ],
    [
      "binary suffix moves to the largest exact unit",
      { ...server, field: "resources.requests.memory" },
      "memory",
      "2048Mi",
      "              memory: 2Gi",
    ],
    [
      "flow maps keep their style",
      { ...server, field: "resources.limits.cpu" },
      "cpu",
      "1500m",
      "            limits: {cpu: 1500m, memory: 2Gi}",
    ],
    [
      "whole cores stay cores",
      { ...server, field: "resources.limits.cpu" },
      "cpu",
      "3000m",
      "            limits: {cpu: 3, memory: 2Gi}",
    ],
    [
      "quoted stays quoted",
      { kind: "Deployment", name: "checkout", container: "migrate", field: "resources.requests.cpu" },
      "cpu",
      "2",
      '              cpu: "2"',
    ],
    [
      "quoted cores become quoted millicores when not whole",
      { kind: "Deployment", name: "checkout", container: "migrate", field: "resources.requests.cpu" },
      "cpu",
      "0.5",
      '              cpu: "500m"',
    ],
    [
      "an env value stays a string",
      { ...server, field: "env.WORKERS" },
      "integer",
      12,
      '              value: "12"',
    ],
    [
      "an integer stays an integer",
      { kind: "Deployment", name: "checkout", field: "replicas" },
      "integer",
      5,
      "  replicas: 5",
    ],
  ])("%s", (_, target, type, raw, line) => {
    const after = write(DEPLOYMENT, target, type, raw);
    const changed = changedLines(DEPLOYMENT, after);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.[2]).toBe(line);
  });

  it("writing the value already there returns the identical text, across spellings", () => {
    expect(write(DEPLOYMENT, { ...server, field: "resources.requests.cpu" }, "cpu", "0.5")).toBe(DEPLOYMENT);
    expect(write(DEPLOYMENT, { ...server, field: "resources.limits.cpu" }, "cpu", "2000m")).toBe(DEPLOYMENT);
    expect(write(DEPLOYMENT, { ...server, field: "resources.requests.memory" }, "memory", "1024Mi")).toBe(
      DEPLOYMENT,
    );
  });

  it("creates a missing resources block with the surrounding indentation", () => {
    const after = write(
      DEPLOYMENT,
      { ...server, container: "sidecar", field: "resources.requests.cpu" },
      "cpu",
      "250m",
    );
    expect(after).toBe(`${DEPLOYMENT}          resources:\n            requests:\n              cpu: 250m\n`);
  });

  it("creates a missing key inside an existing block mapping", () => {
    const after = write(
      DEPLOYMENT,
      { kind: "Deployment", name: "checkout", container: "migrate", field: "resources.limits.memory" },
      "memory",
      "256Mi",
    );
    expect(after).toBe(
      DEPLOYMENT.replace(
        '              cpu: "1"\n',
        '              cpu: "1"\n            limits:\n              memory: 256Mi\n',
      ),
    );
  });

  it("creates a missing key inside a flow mapping", () => {
    const text = DEPLOYMENT.replace("limits: {cpu: 2, memory: 2Gi}", "limits: {memory: 2Gi}");
    expect(write(text, { ...server, field: "resources.limits.cpu" }, "cpu", "2")).toBe(
      DEPLOYMENT.replace("limits: {cpu: 2, memory: 2Gi}", "limits: {memory: 2Gi, cpu: 2}"),
    );
  });

  it("fills an empty resources key", () => {
    const text =
      "kind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        resources:\n      - name: d\n";
    expect(
      write(
        text,
        { kind: "Deployment", name: "a", container: "c", field: "resources.requests.memory" },
        "memory",
        "1Gi",
      ),
    ).toBe(
      "kind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        resources:\n          requests:\n            memory: 1Gi\n      - name: d\n",
    );
  });

  it("creates replicas on a Deployment that has none", () => {
    const text = "kind: Deployment\nmetadata:\n    name: a\nspec:\n    selector: {}\n";
    expect(write(text, { kind: "Deployment", name: "a", field: "replicas" }, "integer", 2)).toBe(
      `${text}    replicas: 2\n`,
    );
  });

  it("keeps CRLF line endings, also in inserted lines", () => {
    const crlf = DEPLOYMENT.replace(/\n/g, "\r\n");
    expect(write(crlf, { ...server, field: "resources.requests.cpu" }, "cpu", "1")).toBe(
      crlf.replace("cpu: 500m ", "cpu: 1000m "),
    );
    const created = write(
      crlf,
      { ...server, container: "sidecar", field: "resources.requests.cpu" },
      "cpu",
      "250m",
    );
    expect(created).toBe(
      `${crlf}          resources:\r\n            requests:\r\n              cpu: 250m\r\n`,
    );
  });

  it("keeps a missing final newline missing", () => {
    const text = DEPLOYMENT.trimEnd();
    expect(
      write(text, { ...server, field: "resources.requests.cpu" }, "cpu", "1").endsWith("image: proxy:1"),
    ).toBe(true);
    expect(
      write(text, { ...server, container: "sidecar", field: "resources.requests.cpu" }, "cpu", "250m"),
    ).toBe(`${text}\n          resources:\n            requests:\n              cpu: 250m`);
  });
});

const MULTI = `--- # the workload
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: a}
spec:
  replicas: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: b}
spec:
  replicas: 2
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: run
              resources: {requests: {memory: 100M}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
`;

describe("Kubernetes form: resources of every kind", () => {
  it("tells same-named resources apart by namespace", () => {
    expect(
      changedLines(
        MULTI,
        write(MULTI, { kind: "StatefulSet", name: "db", namespace: "b", field: "replicas" }, "integer", 3),
      ),
    ).toEqual([[12, "  replicas: 2", "  replicas: 3"]]);
  });

  it("refuses an ambiguous match, asking for the namespace", () => {
    expect(refusal(MULTI, { kind: "StatefulSet", name: "db", field: "replicas" }, "integer", 3)).toBe(
      'f.yaml: 2 resources match StatefulSet "db" (namespaces: a, b); set target.namespace',
    );
  });

  it("reaches a CronJob's job template, with a decimal memory suffix", () => {
    expect(
      changedLines(
        MULTI,
        write(
          MULTI,
          { kind: "CronJob", name: "report", container: "run", field: "resources.requests.memory" },
          "memory",
          "200M",
        ),
      ),
    ).toEqual([
      [
        24,
        "              resources: {requests: {memory: 100M}}",
        "              resources: {requests: {memory: 200M}}",
      ],
    ]);
  });

  it("edits an HPA's bounds and a resource metric's target", () => {
    expect(
      changedLines(
        MULTI,
        write(MULTI, { kind: "HorizontalPodAutoscaler", name: "web", field: "minReplicas" }, "integer", 3),
      ),
    ).toEqual([[30, "  minReplicas: 2", "  minReplicas: 3"]]);
    expect(
      changedLines(
        MULTI,
        write(
          MULTI,
          { kind: "HorizontalPodAutoscaler", name: "web", field: "metrics.cpu.averageUtilization" },
          "integer",
          60,
        ),
      ),
    ).toEqual([
      [
        36,
        "        target: {type: Utilization, averageUtilization: 70}",
        "        target: {type: Utilization, averageUtilization: 60}",
      ],
    ]);
  });

  it("keeps document separators and their comments", () => {
    const after = write(
      MULTI,
      { kind: "StatefulSet", name: "db", namespace: "a", field: "replicas" },
      "integer",
      4,
    );
    expect(after.startsWith("--- # the workload\n")).toBe(true);
    expect(changedLines(MULTI, after)).toEqual([[6, "  replicas: 1", "  replicas: 4"]]);
  });
});

describe("Kubernetes form: refusals name the file, the target and what is there", () => {
  it.each<[string, object, string]>([
    [
      "no such resource",
      { kind: "Deployment", name: "checkout", field: "replicas" },
      'f.yaml: no Deployment "checkout"; the file has StatefulSet/db (a), StatefulSet/db (b), CronJob/report, HorizontalPodAutoscaler/web',
    ],
    [
      "no such container",
      { kind: "CronJob", name: "report", container: "runner", field: "resources.requests.memory" },
      'f.yaml: CronJob report has no container "runner"; it has containers: run (did you mean "run"?)',
    ],
    [
      "no such metric",
      { kind: "HorizontalPodAutoscaler", name: "web", field: "metrics.memory.averageUtilization" },
      "f.yaml: HorizontalPodAutoscaler web, field metrics.memory.averageUtilization: no Resource metric for memory; the HPA's metrics are Resource cpu",
    ],
    [
      "a container on a kind without containers",
      { kind: "HorizontalPodAutoscaler", name: "web", container: "x", field: "minReplicas" },
      "f.yaml: a HorizontalPodAutoscaler has no containers; drop target.container and give a field relative to its spec",
    ],
    [
      "a mistyped field",
      { kind: "HorizontalPodAutoscaler", name: "web", field: "minReplica" },
      'f.yaml: HorizontalPodAutoscaler web, field minReplica: spec has no key "minReplica"; it has: minReplicas, maxReplicas, metrics (did you mean "minReplicas"?)',
    ],
  ])("%s", (_, target, message) => {
    expect(refusal(MULTI, target, "integer", 3)).toBe(message);
  });

  it("refuses an env variable that comes from valueFrom", () => {
    expect(refusal(DEPLOYMENT, { ...server, field: "env.SECRET" }, "integer", 1)).toBe(
      "f.yaml: Deployment checkout, container server, field env.SECRET: the variable takes its value from valueFrom (a ConfigMap or Secret); point the lever at that instead",
    );
  });

  it("refuses a value of the wrong type for the lever", () => {
    expect(refusal(DEPLOYMENT, { ...server, field: "resources.requests.cpu" }, "integer", 3)).toBe(
      'f.yaml: Deployment checkout, container server, field resources.requests.cpu: found "500m" where a integer value is expected ("500m" is not an integer)',
    );
  });

  it("refuses a mapping where a value is expected", () => {
    expect(refusal(DEPLOYMENT, { ...server, field: "resources.requests" }, "cpu", 1)).toBe(
      "f.yaml: Deployment checkout, container server, field resources.requests: found a mapping where a single value was expected",
    );
  });
});
