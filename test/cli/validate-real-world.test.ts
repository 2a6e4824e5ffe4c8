import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REAL_WORLD } from "../core/levers/real-world-targets.js";
import { gitRepo } from "../helpers/git-repo.js";
import { runCli } from "../helpers/run-cli.js";

// REAL_WORLD_DIR points at the fixtures elsewhere (a worktree that is not beside shared/).
const FIXTURES = process.env.REAL_WORLD_DIR ?? REAL_WORLD;
const MANIFESTS = join(FIXTURES, "k8s", "microservices-demo-release-kubernetes-manifests.yaml");
const VALUES = join(FIXTURES, "helm", "podinfo-values.yaml");
const present = existsSync(MANIFESTS) && existsSync(VALUES);
if (!present)
  console.warn(
    `NOTE: real-world fixtures not found at ${FIXTURES}; the real-world validate test is skipped.`,
  );

const lever = (id: string, target: string, bounds = "{min: 1m, max: '2'}") => `  - id: ${id}
    policy: k8s-cpu-request
    target: ${target}
    selector: '{namespace="shop"}'
    bounds: ${bounds}
    cooldown: 24h
`;

describe.skipIf(!present)("validate on real public manifests and Helm values", () => {
  it("passes the levers that resolve and reports the ones that do not, with what the file has", async () => {
    const config = `version: 1
mode: suggest
levers:
${lever("frontend-cpu", "{file: deploy/demo.yaml, kind: Deployment, name: frontend, container: server, field: resources.requests.cpu}")}${lever("frontend-web", "{file: deploy/demo.yaml, kind: Deployment, name: frontend, container: web, field: resources.requests.cpu}")}${lever("podinfo-cpu", "{file: chart/values.yaml, path: resources.requests.cpu}")}${lever("podinfo-case", "{file: chart/values.yaml, path: Resources.requests.cpu}")}`;
    const dir = gitRepo({
      ".github/governor.yml": config,
      "deploy/demo.yaml": readFileSync(MANIFESTS, "utf8"),
      "chart/values.yaml": readFileSync(VALUES, "utf8"),
    });
    const r = await runCli("validate", "--repo", dir);
    const f = join(dir, ".github/governor.yml");
    expect(r.stderr.split("\n")).toEqual([
      `${f}:12:83: levers[1].target.container: deploy/demo.yaml: Deployment frontend has no container "web"; it has containers: server`,
      expect.stringMatching(
        new RegExp(
          `^${f}:24:45: levers\\[3\\]\\.target\\.path: chart/values\\.yaml: path Resources\\.requests\\.cpu: the document has no key "Resources"; it has: replicaCount, .* — found "resources" \\(keys are case-sensitive\\)$`,
        ),
      ),
      "2 problems found; the levers named above are not proposed until they are fixed; every other lever is planned as usual.",
      "",
    ]);
    expect(r.code).toBe(1);

    const fixed = gitRepo({
      ".github/governor.yml": config
        .replace("container: web", "container: server")
        .replace("Resources", "resources"),
      "deploy/demo.yaml": readFileSync(MANIFESTS, "utf8"),
      "chart/values.yaml": readFileSync(VALUES, "utf8"),
    });
    const ok = await runCli("validate", "--repo", fixed);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/valid — 4 levers using 1 policy .*; every target found in its file\n$/);
    expect(ok.code).toBe(0);
  });
});
