import { describe, expect, it } from "vitest";
import { checkTargetsResolve, type TargetFile } from "../../../src/core/config/check-targets.js";
import { formatDiagnostic } from "../../../src/core/diagnostics.js";
import { parseLeverFile } from "../../../src/core/levers/parsed-file.js";
import { loadConfigText } from "../../helpers/config.js";

const config = (target: string) => `version: 1
levers:
  - id: web-cpu
    policy: k8s-cpu-request
    target: ${target}
    selector: '{namespace="shop"}'
    bounds: {min: 100m, max: "2"}
    cooldown: 24h
`;

const DEPLOYMENT = `kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: server
          resources: {requests: {cpu: 250m}}
`;

function problems(configText: string, files: Record<string, string>): string[] {
  const result = loadConfigText(configText);
  expect(result.diagnostics).toEqual([]);
  const parsed = new Map<string, TargetFile>(
    Object.entries(files).map(([path, text]) => [path, parseLeverFile(text, path)] as const),
  );
  return checkTargetsResolve(result.targets, parsed).map(formatDiagnostic);
}

describe("checkTargetsResolve (the core check validate, plan and apply share)", () => {
  it("finds nothing to say about a target that resolves", () => {
    const target =
      "{file: d.yaml, kind: Deployment, name: web, container: server, field: resources.requests.cpu}";
    expect(problems(config(target), { "d.yaml": DEPLOYMENT })).toEqual([]);
  });

  it("points at target.namespace when only the namespace is wrong, and says where the resource is", () => {
    const target =
      "{file: d.yaml, kind: Deployment, name: web, namespace: prod, container: server, field: resources.requests.cpu}";
    expect(problems(config(target), { "d.yaml": DEPLOYMENT })).toEqual([
      '.github/governor.yml:5:68: levers[0].target.namespace: d.yaml: no Deployment "web" in namespace prod; the file has Deployment/web (shop) (Deployment "web" is in namespace shop: fix or drop target.namespace)',
    ]);
  });

  it("points at target.file when the file is not YAML", () => {
    const target =
      "{file: d.yaml, kind: Deployment, name: web, container: server, field: resources.requests.cpu}";
    const [problem, ...rest] = problems(config(target), { "d.yaml": "a: [\n" });
    expect(problem).toMatch(
      /^\.github\/governor\.yml:5:20: levers\[0\]\.target\.file: d\.yaml:\d+: not valid YAML: /,
    );
    expect(rest).toEqual([]);
  });

  it("checks the value's type for a lever whose policy is settled: a word where CPU is expected", () => {
    const target =
      "{file: d.yaml, kind: Deployment, name: web, container: server, field: resources.requests.cpu}";
    const [problem] = problems(config(target), { "d.yaml": DEPLOYMENT.replace("cpu: 250m", "cpu: lots") });
    expect(problem).toMatch(
      /^\.github\/governor\.yml:5:\d+: levers\[0\]\.target\.field: d\.yaml: Deployment web, container server, field resources\.requests\.cpu: found "lots" where a cpu value is expected/,
    );
  });
});
