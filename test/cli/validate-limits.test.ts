import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tmpRepo } from "../helpers/tmp-repo.js";

/**
 * validate refuses, at the key at fault, a lever that resolves but cannot work with its
 * container's limit — which plan would otherwise block on every run. Through the built binary.
 */

const root = new URL("../..", import.meta.url).pathname;
const governor = (...args: string[]) =>
  spawnSync(process.execPath, [`${root}bin/governor.js`, ...args], {
    encoding: "utf8",
    timeout: 15_000,
    env: {},
  });

const deployment = (request: string, limit: string, resource = "cpu") => `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              ${resource}: ${request}
            limits:
              ${resource}: ${limit}
`;
const config = (field: string, bounds: string, policy = "k8s-cpu-request", extra = "") => `version: 1
levers:
  - id: cpu
    policy: ${policy}
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: ${field}}
    selector: '{pod=~"d-.*"}'
    bounds: ${bounds}
${extra}`;

function validate(configText: string, file: string) {
  const dir = tmpRepo({ ".github/governor.yml": configText, "d.yaml": file });
  const r = governor("validate", "--repo", dir);
  return { ...r, f: join(dir, ".github/governor.yml"), lines: r.stderr.split("\n").filter((l) => l !== "") };
}

describe("governor validate: a lever that cannot fit its container's limit", () => {
  it("the file's request above its limit: at target.field, exit 1", () => {
    const r = validate(config("resources.requests.cpu", "{min: 100m, max: '4'}"), deployment("800m", "500m"));
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([
      `${r.f}:5:76: levers[0].target.field: the file's request 800m is above its limit 500m (resources.limits.cpu, d.yaml:13), which Kubernetes refuses: lower the request or raise the limit in the file first (\`governor set cpu VALUE\` writes the request)`,
      "1 problem found; the lever named above is not proposed until it is fixed; every other lever is planned as usual.",
    ]);
  });

  it("bounds.min above the limit with limit: keep: at bounds.min, exit 1", () => {
    const r = validate(config("resources.requests.cpu", "{min: 600m, max: '4'}"), deployment("400m", "500m"));
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:7:19: levers[0].bounds.min: bounds.min (600m) is above the container's limit 500m (resources.limits.cpu, d.yaml:13) and \`limit: keep\` never moves the limit, so no value can fit: lower bounds.min, raise the limit in the file, or set \`limit: ratio\` on this lever`,
    );
    // With limit: ratio the limit moves with the request: it can work.
    const ratio = validate(
      config("resources.requests.cpu", "{min: 600m, max: '4'}", "k8s-cpu-request", "    limit: ratio\n"),
      deployment("400m", "500m"),
    );
    expect(ratio.stderr).toBe("");
    expect(ratio.status).toBe(0);
  });

  it("a request policy on a limit: at policy, exit 1", () => {
    const r = validate(
      config("resources.limits.memory", "{min: 128Mi, max: 4Gi}", "k8s-memory-request"),
      deployment("256Mi", "512Mi", "memory"),
    );
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe(
      `${r.f}:4:13: levers[0].policy: policy "k8s-memory-request" sizes a request (usage + headroom), but this lever's target is resources.limits.memory: a limit sized so kills or throttles the container at its ordinary peaks; point target.field at resources.requests.memory, or use a policy of your own for the limit`,
    );
  });

  it("still says valid for a request within its limit and bounds that fit", () => {
    const r = validate(config("resources.requests.cpu", "{min: 100m, max: '4'}"), deployment("400m", "500m"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(": valid — 1 lever");
  });
});
