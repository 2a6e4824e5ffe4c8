import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { reconcileAndRecord } from "../../src/app/app.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { type FakeGitHubApi, fakeGitHubApi } from "../helpers/fake-github-api.js";
import { breachingSource, WATCHED_KEY, watchedRepo } from "../helpers/watched-repo.js";

/**
 * A broken part of a repository's config must not freeze the safety loop: a merged change under
 * watch whose guardrail is breached is still reverted when another lever is broken, and when the
 * config as a whole cannot be used, the dashboard and the metrics say loudly that its watch is paused.
 */

const NOW = Date.parse("2026-11-23T10:00:00Z");
let api: FakeGitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A second lever, `gone`, on line 9 of the config (its `file` key at column 20). */
const lever = (file: string, container = "c") =>
  `  - id: gone\n    policy: k8s-cpu-request\n    target: {file: ${file}, kind: Deployment, name: d, container: ${container}, field: resources.requests.cpu}\n    selector: '{pod=~"d-.*"}'\n    bounds: {min: 100m, max: "4"}\n`;
const withLever = (text: string) => (config: string) => config.replace("schedule:", `${text}schedule:`);

async function reconcile(options: Parameters<typeof watchedRepo>[0] extends infer O ? Partial<O> : never) {
  const repo = watchedRepo({
    mergedAt: NOW - 20 * 60_000,
    watchInterval: "1m",
    scheduleInterval: "1h",
    clock: () => NOW,
    ...options,
  });
  api = await fakeGitHubApi((r) => repo.route(r.method, r.path, r.body));
  const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });
  const octokit = new Octokit({ auth: "token", baseUrl: api.baseUrl } as never);
  const metrics = createMetrics();
  const deps = {
    endpoint: (name: string | undefined) =>
      name === undefined
        ? { source: breachingSource(NOW - 10 * 60_000) }
        : `unknown endpoint "${name}"; the operator offers: default`,
    key: WATCHED_KEY,
    clock: () => NOW,
    metrics,
  };
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
  const result = await reconcileAndRecord(octokit as never, { owner: "o", repo: "infra" }, log, deps);
  return { repo, result, metrics: await metrics.registry.metrics(), dashboard: repo.dashboard() ?? "" };
}

describe("one broken lever is a problem of that lever only", () => {
  it("a lever whose file was deleted: the breached change of another lever is still reverted, and the dashboard names the broken lever", async () => {
    const { repo, result, dashboard, metrics } = await reconcile({
      config: withLever(lever("apps/gone.yaml")),
    });
    expect(result?.watches.map((w) => w.type)).toEqual(["revert"]);
    expect(repo.revertOpenedAt()).toBe(NOW);
    expect(repo.served).toContain("POST /repos/o/infra/pulls");
    expect(dashboard).toContain("## ❌ Configuration errors");
    expect(dashboard).toContain(
      '- **gone**: `.github/governor.yml:10:20: levers[1].target.file: "apps/gone.yaml" does not exist in the repository`',
    );
    expect(dashboard).toContain(
      "These levers are not proposed until their errors are fixed (a merged change of theirs is still watched); every other lever is tuned, watched and reverted as usual:",
    );
    expect(dashboard).not.toContain("Nothing is proposed");
    expect(dashboard).not.toContain("⛔");
    // The healthy lever is planned as usual; the broken one is not planned at all.
    expect(result?.decisions.map((d) => d.lever)).toEqual(["cpu"]);
    expect(dashboard).toContain("| cpu | k8s-cpu-request |");
    expect(metrics).toContain('governor_watches_paused{repository="o/infra"} 0');
    expect(metrics).toContain(
      `governor_last_successful_reconcile_timestamp_seconds{repository="o/infra"} ${NOW / 1000}`,
    );
  });

  it("a lever whose target does not resolve in its file (as `governor validate` says): held back alone, the revert still opened", async () => {
    const { repo, result, dashboard } = await reconcile({
      config: withLever(lever("apps/d.yaml", "sidecar")),
    });
    expect(repo.revertOpenedAt()).toBe(NOW);
    expect(result?.leverErrors.map((e) => e.lever)).toEqual(["gone"]);
    expect(dashboard).toMatch(
      /- \*\*gone\*\*: `\.github\/governor\.yml:10:\d+: levers\[1\]\.target\.container: .*sidecar/,
    );
    expect(result?.decisions.map((d) => d.lever)).toEqual(["cpu"]);
  });
});

describe("the broken lever's own merged change", () => {
  it("is still judged: its file gone, the breach is commented and left to a person, never silently dropped", async () => {
    const { repo, result, dashboard } = await reconcile({
      config: (c) => c.replace("file: apps/d.yaml", "file: apps/gone.yaml"),
    });
    expect(result?.leverErrors.map((e) => e.lever)).toEqual(["cpu"]);
    expect(result?.watches.map((w) => w.type)).toEqual(["cannot-revert"]);
    expect(repo.served).toContain("POST /repos/o/infra/issues/12/labels");
    expect(repo.revertOpenedAt()).toBeUndefined();
    expect(dashboard).toContain(
      '- **cpu**: `.github/governor.yml:5:20: levers[0].target.file: "apps/gone.yaml" does not exist in the repository`',
    );
  });
});

describe("a config that cannot be used as a whole", () => {
  it("does not load (a schema error): no revert can be judged, so the dashboard says on top that the watch of #12 is paused, and the reconcile counts as failed", async () => {
    const { repo, result, dashboard, metrics } = await reconcile({
      config: (c) => c.replace("bounds:", "bounds_typo:"),
    });
    expect(repo.revertOpenedAt()).toBeUndefined();
    expect(result?.pausedWatches).toEqual([12]);
    const lines = dashboard.split("\n");
    expect(lines[3]).toBe("> ⛔ **The watch of #12 (cpu) is paused: the config does not load.**");
    expect(dashboard).toContain(
      "Until these are fixed, nothing is proposed, Governor's open PRs are left as they are, and no merged change is watched:",
    );
    expect(dashboard).toContain("- **cpu** 500m → 690m: merged, its watch is paused (see above) (#12)");
    expect(metrics).toContain('governor_watches_paused{repository="o/infra"} 1');
    expect(metrics).not.toContain("governor_last_successful_reconcile_timestamp_seconds{");
  });

  it("names an endpoint the operator does not offer: the watch is paused, and says why", async () => {
    const { repo, result, dashboard } = await reconcile({
      config: (c) => c.replace("version: 1\n", "version: 1\nprometheus: {endpoint: eu}\n"),
    });
    expect(repo.revertOpenedAt()).toBeUndefined();
    expect(result?.pausedWatches).toEqual([12]);
    expect(dashboard).toContain(
      "> ⛔ **The watch of #12 (cpu) is paused: the config's prometheus.endpoint is not one the operator offers.**",
    );
    expect(dashboard).toContain(
      '- `.github/governor.yml: prometheus.endpoint: unknown endpoint "eu"; the operator offers: default`',
    );
  });

  it("a symlinked repository policy stops every proposal, but the config loads: the breached change is still reverted", async () => {
    const target = "../../workflows/ci.yml";
    const { repo, result, dashboard } = await reconcile({
      policies: [
        {
          name: "linked.yaml",
          type: "blob",
          mode: 0o120000,
          object: { text: target, byteSize: target.length, isBinary: false },
        },
      ],
    });
    expect(repo.revertOpenedAt()).toBe(NOW);
    expect(result?.decisions).toEqual([]);
    expect(result?.pausedWatches).toEqual([]);
    expect(dashboard).toContain(
      "Until these are fixed, nothing is proposed and Governor's open PRs are left as they are; merged changes are still watched and reverted:",
    );
    expect(dashboard).toContain(
      "- `.github/governor/policies/linked.yaml: is a symlink: Governor reads policies only from regular files in the repository`",
    );
  });
});
