import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepo } from "../helpers/git-repo.js";
import { runCli } from "../helpers/run-cli.js";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: server
          image: shop/frontend:1.4
          env:
            - name: GOMAXPROCS
              value: "2"
            - name: WORKERS
              value: "\${WORKERS}"
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
        - name: sidecar
          image: envoy:1.30
`;

const VALUES = `replicaCount: 2
resources:
  requests:
    cpu: "{{ .Values.global.cpu }}"
    memory: 128Mi
`;

/** One lever, its target's keys given as YAML lines under `target:`. */
function config(policy: string, target: string, bounds = "{min: 100m, max: '2'}"): string {
  return `version: 1
mode: suggest
levers:
  - id: the-lever
    policy: ${policy}
    target:
${target
  .trim()
  .split("\n")
  .map((l) => `      ${l.trim()}`)
  .join("\n")}
    selector: '{namespace="shop"}'
    bounds: ${bounds}
    cooldown: 24h
`;
}

/** validate on a repository with this config; the one problem line, and the exit code. */
async function validateWith(configText: string, extra: Record<string, string> = {}) {
  const dir = gitRepo({
    ".github/governor.yml": configText,
    "deploy/frontend.yaml": DEPLOYMENT,
    "chart/values.yaml": VALUES,
    ...extra,
  });
  const r = await runCli("validate", "--repo", dir);
  const f = join(dir, ".github/governor.yml");
  return { ...r, f, lines: r.stderr.split("\n").filter((l) => l !== "") };
}

const k8s = (fields: string) => `file: deploy/frontend.yaml\n${fields}`;

describe("governor validate resolves every lever's target in the checkout", () => {
  it("says valid, exit 0, when the target resolves", async () => {
    const r = await validateWith(
      config(
        "k8s-cpu-request",
        k8s("kind: Deployment\nname: frontend\ncontainer: server\nfield: resources.requests.cpu"),
      ),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: valid — 1 lever using 1 policy .*; every target found in its file\n$/);
  });

  it("a wrong container name: at target.container, with the containers there are", async () => {
    const r = await validateWith(
      config(
        "k8s-cpu-request",
        k8s("kind: Deployment\nname: frontend\ncontainer: web\nfield: resources.requests.cpu"),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      `${r.f}:10:18: levers[0].target.container: deploy/frontend.yaml: Deployment frontend has no container "web"; it has containers: server, sidecar`,
      "1 problem found; the lever named above is not proposed until it is fixed; every other lever is planned as usual.",
    ]);
  });

  it("a missing env variable: at target.field, with the variables there are", async () => {
    const r = await validateWith(
      config(
        "k8s-env-integer",
        k8s("kind: Deployment\nname: frontend\ncontainer: server\nfield: env.GOMAXPROC"),
        "{min: 1, max: 8}",
      ),
      { ".github/governor/policies/env.yaml": ENV_POLICY },
    );
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:11:14: levers[0].target.field: deploy/frontend.yaml: Deployment frontend, container server, field env.GOMAXPROC: no env variable GOMAXPROC; the container has GOMAXPROCS, WORKERS (did you mean "GOMAXPROCS"?)`,
    );
  });

  it("a typo in the field: the nearest whole field", async () => {
    const r = await validateWith(
      config(
        "k8s-cpu-request",
        k8s("kind: Deployment\nname: frontend\ncontainer: sidecar\nfield: resources.request.cpu"),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:11:14: levers[0].target.field: deploy/frontend.yaml: Deployment frontend, container sidecar, field resources.request.cpu: spec.template.spec.containers[1] has no key "resources"; it has: name, image (did you mean resources.requests.cpu?)`,
    );
  });

  it("a Helm path in the wrong case: the key that is there", async () => {
    const r = await validateWith(
      config(
        "k8s-memory-request",
        "file: chart/values.yaml\npath: Resources.requests.memory",
        "{min: 64Mi, max: 1Gi}",
      ),
    );
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:8:13: levers[0].target.path: chart/values.yaml: path Resources.requests.memory: the document has no key "Resources"; it has: replicaCount, resources — found "resources" (keys are case-sensitive)`,
    );
  });

  it("a lowercase kind: at target.kind, with the kind the file has", async () => {
    const r = await validateWith(
      config(
        "k8s-cpu-request",
        k8s("kind: deployment\nname: frontend\ncontainer: server\nfield: resources.requests.cpu"),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:8:13: levers[0].target.kind: deploy/frontend.yaml: no deployment "frontend"; the file has Deployment/frontend (shop) (kind is case-sensitive: did you mean "Deployment"?)`,
    );
  });

  it("an ambiguous Deployment (two match): at target.name, asking for target.namespace", async () => {
    const twice = `${DEPLOYMENT}---\n${DEPLOYMENT.replace("namespace: shop", "namespace: staging")}`;
    const r = await validateWith(
      config(
        "k8s-cpu-request",
        k8s("kind: Deployment\nname: frontend\ncontainer: server\nfield: resources.requests.cpu"),
      ),
      { "deploy/frontend.yaml": twice },
    );
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:9:13: levers[0].target.name: deploy/frontend.yaml: 2 resources match Deployment "frontend" (namespaces: shop, staging); set target.namespace`,
    );
  });

  it("a templated current value ($VAR in braces, {{ }}): at the field, as a template", async () => {
    const env = await validateWith(
      config(
        "k8s-env-integer",
        k8s("kind: Deployment\nname: frontend\ncontainer: server\nfield: env.WORKERS"),
        "{min: 1, max: 8}",
      ),
      { ".github/governor/policies/env.yaml": ENV_POLICY },
    );
    expect(env.code).toBe(1);
    expect(env.lines[0]).toBe(
      `${env.f}:11:14: levers[0].target.field: deploy/frontend.yaml: Deployment frontend, container server, field env.WORKERS: the value is a template expression (\${WORKERS}); Governor only edits literal values`,
    );
    const helm = await validateWith(
      config("k8s-cpu-request", "file: chart/values.yaml\npath: resources.requests.cpu"),
    );
    expect(helm.code).toBe(1);
    expect(helm.lines[0]).toBe(
      `${helm.f}:8:13: levers[0].target.path: chart/values.yaml: path resources.requests.cpu: the value is a template expression ({{ .Values.global.cpu }}); Governor only edits literal values`,
    );
  });

  it("reports every lever that does not resolve in one run, with the other problems", async () => {
    const two = `${config(
      "k8s-cpu-request",
      k8s("kind: Deployment\nname: frontnd\ncontainer: server\nfield: resources.requests.cpu"),
    )}  - id: second
    policy: k8s-cpu-request
    target: {file: deploy/frontend.yaml, kind: Deployment, name: frontend, container: sever, field: resources.requests.cpu}
    selector: '{namespace="shop"}'
    bounds: {min: '2', max: 100m}
    cooldown: 1d
`;
    const r = await validateWith(two);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      `${r.f}:9:13: levers[0].target.name: deploy/frontend.yaml: no Deployment "frontnd"; the file has Deployment/frontend (shop) (did you mean "frontend"?)`,
      `${r.f}:17:87: levers[1].target.container: deploy/frontend.yaml: Deployment frontend has no container "sever"; it has containers: server, sidecar (did you mean "server"?)`,
      `${r.f}:19:19: levers[1].bounds.min: bounds.min (2) is greater than bounds.max (100m)`,
      "3 problems found; nothing will be proposed until they are fixed.",
    ]);
  });
});

/** An integer policy for env variables: the built-in CPU policy with another id and value type. */
const ENV_POLICY = readFileSync(new URL("../../policies/k8s-cpu-request.yaml", import.meta.url), "utf8")
  .replace("id: k8s-cpu-request", "id: k8s-env-integer")
  .replace("valueType: cpu", "valueType: integer");
