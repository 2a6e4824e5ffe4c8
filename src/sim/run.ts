import { readBuiltinPolicies } from "../adapters/fs/read-repo-config.js";
import type { ResolvedLever } from "../core/config/check-levers.js";
import { CONFIG_PATH, loadRepoConfig } from "../core/config/load-repo-config.js";
import type { RepoConfig } from "../core/config/repo-schema.js";
import type { LedgerChange } from "../core/engine/ledger.js";
import { plan } from "../core/engine/plan.js";
import { watchPlan, watchQueries, watchVerdict } from "../core/engine/watch.js";
import { restoreIn, writeIn } from "../core/levers/edit.js";
import { parseLeverFile } from "../core/levers/parsed-file.js";
import { prTitle, renderPrBody } from "../core/pr/body.js";
import { parseSelector, scopeQuery } from "../core/promql/scope.js";
import { signalRequests } from "../core/signals/requests.js";
import type { RangeQuery, SignalData, SignalSource } from "../core/signals/source.js";
import { parseDuration } from "../core/units/duration.js";
import { magnitude } from "../core/values/arith.js";
import { parseValue } from "../core/values/value.js";
import { collectSignals } from "../reconcile/collect-signals.js";
import { loadAt } from "./load.js";
import { plantSeries } from "./plants.js";
import { gaussian, uniform } from "./random.js";
import type { Scenario } from "./scenario.js";

const ms = (d: string) => {
  const r = parseDuration(d);
  return r.ok ? r.value : 0;
};
const SELECTOR = '{job="sim"}';
const FILE = "app.yaml";

export interface TimelineEvent {
  readonly t: string;
  readonly event: "propose" | "reject" | "merge" | "applied" | "pass" | "fail" | "inconclusive" | "revert";
  readonly detail: string;
}

export interface Summary {
  readonly changes: number;
  readonly reverts: number;
  readonly falseReverts: number;
  readonly missedRegressions: number;
  readonly reversals: number;
  readonly incidents: number;
  readonly target: { readonly before: number; readonly after: number };
  readonly cost: { readonly before: number; readonly after: number };
}

export interface SimulationResult {
  readonly summary: Summary;
  readonly timeline: readonly TimelineEvent[];
  /** The lever's value over time (for charts), and the PR bodies Governor wrote. */
  readonly values: ReadonlyArray<readonly [number, number]>;
  readonly latency: ReadonlyArray<readonly [number, number]>;
  readonly prBodies: ReadonlyArray<{ readonly t: number; readonly title: string; readonly body: string }>;
}

/** The repository the simulated Governor tunes: one manifest or values file and its config. */
function repository(s: Scenario): { config: string; file: string } {
  const kube = s.plant.type !== "queue";
  const field = s.plant.type === "memory-service" ? "resources.requests.memory" : "resources.requests.cpu";
  const file = kube
    ? `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sim\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            requests:\n              ${field.split(".").pop()}: ${String(s.lever.initial)}\n`
    : `pool:\n  size: ${String(s.lever.initial)}\n`;
  const target = kube
    ? `{file: ${FILE}, kind: Deployment, name: sim, container: app, field: ${field}}`
    : `{file: ${FILE}, path: pool.size}`;
  const guardrails = s.guardrails.map(
    (g) =>
      `  - {name: ${g.name}, query: 'max(sim_${g.series})'${g.max !== undefined ? `, max: ${g.max}` : ""}${g.maxIncrease !== undefined ? `, maxIncrease: ${g.maxIncrease}` : ""}}`,
  );
  const config = [
    "version: 1",
    "limits: {maxChangesPerDay: 100, maxOpenPullRequests: 10}",
    `watch: {window: ${s.watch.window}, interval: ${s.watch.interval}, appliedWhen: {merged: ${s.deployDelay}}}`,
    `guardrails:${guardrails.length === 0 ? " []" : `\n${guardrails.join("\n")}`}`,
    "levers:",
    `  - id: sim`,
    `    policy: ${s.lever.policy}`,
    `    target: ${target}`,
    `    selector: '${SELECTOR}'`,
    `    bounds: {min: ${JSON.stringify(String(s.lever.bounds.min))}, max: ${JSON.stringify(String(s.lever.bounds.max))}}`,
    `    maxStep: ${s.lever.maxStep}`,
    `    cooldown: ${s.lever.cooldown}`,
    ...(s.lever.step !== undefined ? [`    step: ${JSON.stringify(String(s.lever.step))}`] : []),
    `    params: ${JSON.stringify(s.lever.params)}`,
  ].join("\n");
  return { config: `${config}\n`, file };
}

/** Runs a scenario: the real engine against a modelled system, deterministic for a seed. */
export async function simulate(s: Scenario, seed = s.seed): Promise<SimulationResult> {
  const repo = repository(s);
  const loaded = loadRepoConfig({
    config: { path: CONFIG_PATH, bytes: new TextEncoder().encode(repo.config) },
    repoPolicies: [],
    builtinPolicies: await readBuiltinPolicies(),
  });
  if (!loaded.loaded)
    throw new Error(`scenario ${s.name}: ${loaded.diagnostics.map((d) => d.message).join("; ")}`);
  const config: RepoConfig = loaded.loaded.config;
  const lever = loaded.loaded.levers[0] as ResolvedLever;
  const type = lever.policyDef.valueType;
  const start = Date.parse(s.start);
  const end = start + ms(s.duration);
  const step = ms(s.evaluateEvery);
  const window = ms(s.watch.window);
  const badChange = s.inject.find((i) => i.type === "bad-change");

  // Which plant series each scoped query reads.
  const matchers = parseSelector(SELECTOR);
  const seriesOf = new Map<string, string>();
  const scope = (q: string) => (matchers.ok ? scopeQuery(q, matchers.value) : { ok: false as const });
  for (const [name, q] of Object.entries(lever.policyDef.signals)) {
    const scoped = scope(q);
    if (scoped.ok) seriesOf.set(scoped.value, name);
  }
  for (const g of s.guardrails) {
    const scoped = scope(`max(sim_${g.series})`);
    if (scoped.ok) seriesOf.set(scoped.value, g.series);
  }

  let text = repo.file;
  const initialValue = parseValue(type, s.lever.initial);
  if (!initialValue.ok) throw new Error(`scenario ${s.name}: lever.initial: ${initialValue.error}`);
  const history: Array<{ at: number; value: number; bad: boolean }> = [
    { at: Number.NEGATIVE_INFINITY, value: magnitude(initialValue.value), bad: false },
  ];
  const valueAt = (t: number) =>
    history.filter((h) => h.at <= t).at(-1) ?? (history[0] as { value: number; bad: boolean });
  const truth = (t: number, value?: number): Record<string, number> & { latency: number } => {
    const elapsed = t - start;
    const series = plantSeries(s.plant, loadAt(s.load, seed, elapsed), value ?? valueAt(t).value);
    let factor = 1;
    for (const i of s.inject)
      if (i.type === "regression" && elapsed >= ms(i.from) && elapsed < ms(i.to)) factor *= 1 + i.effect;
    if (badChange && value === undefined && valueAt(t).bad) factor *= 1 + badChange.effect;
    return { ...series, latency: (series.latency ?? 0) * factor };
  };
  const source: SignalSource = {
    range: async (q: RangeQuery): Promise<SignalData> => {
      const name = seriesOf.get(q.query);
      if (!name)
        return { status: "missing", kind: "empty", reason: "no such series in the plant", warnings: [] };
      const samples = [];
      for (let t = q.start; t <= q.end; t += q.step) {
        const elapsed = t - start;
        if (s.inject.some((i) => i.type === "gap" && elapsed >= ms(i.from) && elapsed < ms(i.to))) continue;
        const v = truth(t)[name];
        if (v === undefined) continue;
        const noisy =
          name === "oom" || name === "incident"
            ? v
            : Math.max(0, v * (1 + s.noise * gaussian(seed, name, t)));
        samples.push({ t, v: noisy });
      }
      return samples.length > 0
        ? { status: "ok", samples, warnings: [], dropped: 0 }
        : { status: "missing", kind: "empty", reason: "no data", warnings: [] };
    },
    instant: async () => ({ status: "missing", kind: "empty", reason: "unused", warnings: [] }),
  };

  const changes: Array<LedgerChange & { mergeAt?: number; toText: string; harmful?: boolean }> = [];
  const timeline: TimelineEvent[] = [];
  const prBodies: Array<{ t: number; title: string; body: string }> = [];
  const ev = (t: number, event: TimelineEvent["event"], detail: string) =>
    timeline.push({ t: new Date(t).toISOString(), event, detail });
  let incidents = 0;
  const values: Array<[number, number]> = [];
  const latency: Array<[number, number]> = [];

  for (let t = start; t < end; t += step) {
    const truthNow = truth(t);
    incidents += truthNow.incident ?? 0;
    values.push([t, valueAt(t).value]);
    latency.push([t, truthNow.latency]);
    // 1. The reviewer's merges, and the deployer.
    for (const c of changes) {
      if (c.state !== "open" || c.mergeAt === undefined || c.mergeAt > t) continue;
      const parsed = parseLeverFile(text, FILE);
      const to = parseValue(type, c.toText);
      const written = parsed.ok && to.ok ? writeIn(parsed.value, lever.target, to.value) : undefined;
      if (!written?.ok || !to.ok) continue;
      text = written.value.text;
      Object.assign(c, { state: "applied", appliedAt: c.mergeAt + ms(s.deployDelay) });
      history.push({ at: c.appliedAt as number, value: magnitude(to.value), bad: badChange !== undefined });
      history.sort((a, b) => a.at - b.at);
      ev(c.mergeAt, "merge", `${c.from} → ${c.to}`);
    }
    // 2. The watch after each applied change.
    for (const c of changes) {
      if (
        c.state !== "applied" ||
        c.verdict !== undefined ||
        c.appliedAt === undefined ||
        t < c.appliedAt + window
      )
        continue;
      const extended = watchPlan(lever, config, c.appliedAt, 2);
      let p = watchPlan(lever, config, c.appliedAt, 1);
      const ask = async (wp: typeof p) =>
        watchVerdict(
          lever,
          config,
          wp,
          await collectSignals(
            source,
            watchQueries(wp).map((q) => ({ ...q, lever: "sim", name: "watch", kind: "guardrail" as const })),
          ),
        );
      let verdict = await ask(p);
      if (verdict.verdict === "inconclusive") {
        if (t < extended.windowEnd) continue;
        p = extended;
        verdict = await ask(p);
      }
      const before = parseValue(type, c.from);
      const after = parseValue(type, c.to);
      let harmful = badChange !== undefined;
      if (!harmful && before.ok && after.ok) {
        let withNew = 0;
        let withOld = 0;
        for (let u = c.appliedAt; u < c.appliedAt + window; u += ms(s.watch.interval)) {
          withNew += truth(u, magnitude(after.value)).latency;
          withOld += truth(u, magnitude(before.value)).latency;
        }
        harmful = withNew > withOld * 1.05;
      }
      c.harmful = harmful;
      Object.assign(c, { verdict: verdict.verdict });
      ev(
        t,
        verdict.verdict,
        `${c.from} → ${c.to}: ${verdict.guardrails.map((g) => `${g.name} ${g.observed}`).join("; ")}`,
      );
      if (verdict.verdict === "fail") {
        const parsed = parseLeverFile(text, FILE);
        const restored = parsed.ok ? restoreIn(parsed.value, lever.target, c.from, type) : undefined;
        if (restored?.ok && before.ok) {
          text = restored.value.text;
          history.push({ at: t, value: magnitude(before.value), bad: false });
          Object.assign(c, { revertedAt: t });
          ev(
            t,
            "revert",
            `${c.to} → ${c.from}${harmful ? "" : " (a false revert: the change was not harmful)"}`,
          );
        }
      }
    }
    // 3. The engine decides.
    if (changes.some((c) => c.state === "open")) continue;
    const requests = signalRequests(lever, config.guardrails, t);
    const answers = await collectSignals(source, requests.ok ? requests.value : []);
    const [d] = plan({
      config,
      levers: [lever],
      files: new Map([[FILE, parseLeverFile(text, FILE)]]),
      answers,
      ledger: { changes, holds: [], resumes: [] },
      hpas: [],
      now: t,
      links: {},
    });
    if (d?.decision !== "propose" || d.to === undefined || d.from === undefined) continue;
    const rejected = uniform(seed, "review", t) < s.reviewer.rejectProbability;
    const change = {
      decision: d.id,
      lever: "sim",
      policy: lever.policy,
      from: d.from,
      to: d.to,
      toText: d.to,
      direction: d.direction ?? "up",
      proposedAt: t,
    } as const;
    ev(t, "propose", `${d.from} → ${d.to}: ${d.rationale ?? d.reason}`);
    prBodies.push({ t, title: prTitle(d), body: renderPrBody(d, s.watch.window) });
    if (rejected) {
      changes.push({ ...change, state: "rejected", rejectedAt: t + ms(s.reviewer.mergeAfter) });
      ev(t + ms(s.reviewer.mergeAfter), "reject", `${d.from} → ${d.to}`);
    } else changes.push({ ...change, state: "open", mergeAt: t + ms(s.reviewer.mergeAfter) });
  }

  const applied = changes.filter((c) => c.state === "applied");
  let reversals = 0;
  for (let i = 1; i < applied.length; i++)
    if (applied[i]?.direction !== applied[i - 1]?.direction) reversals++;
  const DAY = 86_400_000;
  const meanLatency = (from: number, to: number) => {
    const xs = latency.filter(([t]) => t >= from && t < to).map(([, v]) => v);
    return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const round = (x: number) => Number(x.toPrecision(4));
  return {
    summary: {
      changes: applied.length,
      reverts: applied.filter((c) => c.revertedAt !== undefined).length,
      falseReverts: applied.filter((c) => c.revertedAt !== undefined && !c.harmful).length,
      missedRegressions: applied.filter((c) => c.harmful && c.revertedAt === undefined).length,
      reversals,
      incidents,
      target: { before: round(meanLatency(start, start + DAY)), after: round(meanLatency(end - DAY, end)) },
      cost: { before: round(values[0]?.[1] ?? Number.NaN), after: round(valueAt(end).value) },
    },
    timeline,
    values,
    latency,
    prBodies,
  };
}
