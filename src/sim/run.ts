import { readBuiltinPolicies } from "../adapters/fs/read-repo-config.js";
import type { Decision } from "../core/engine/decision.js";
import { describeScope } from "../core/engine/ledger.js";
import { plan } from "../core/engine/plan.js";
import { activeHolds } from "../core/engine/thrash.js";
import { inconclusiveWhy } from "../core/engine/verdict.js";
import { readIn, restoreIn, writeIn } from "../core/levers/edit.js";
import { parseLeverFile } from "../core/levers/parsed-file.js";
import { prTitle, renderPrBody } from "../core/pr/body.js";
import { err, ok, type Result } from "../core/result.js";
import { signalRequests } from "../core/signals/requests.js";
import { magnitude } from "../core/values/arith.js";
import { type EditableType, parseValue } from "../core/values/value.js";
import { collectSignals } from "../reconcile/collect-signals.js";
import { judgeWatch } from "../reconcile/judge-watch.js";
import { ledgerAt, type SimChange } from "./changes.js";
import { harmJudge } from "./harm.js";
import { uniform } from "./random.js";
import { FILE, type ScenarioProblem, SELECTOR, simRepository } from "./repository.js";
import type { Scenario } from "./scenario.js";
import { type Summary, summarize } from "./summary.js";
import { ms, World } from "./world.js";

export type SimEventKind =
  | "propose"
  | "update"
  | "close"
  | "reject"
  | "merge"
  | "pass"
  | "fail"
  | "extended"
  | "inconclusive"
  | "revert"
  | "hold"
  | "blocked";

export interface TimelineEvent {
  readonly t: string;
  readonly event: SimEventKind;
  readonly detail: string;
}

export interface SimulationResult {
  readonly summary: Summary;
  readonly timeline: readonly TimelineEvent[];
  readonly changes: readonly SimChange[];
  /** Per evaluation: the lever's value in effect and the plant's true p99 latency (for charts). */
  readonly values: ReadonlyArray<readonly [number, number]>;
  readonly latency: ReadonlyArray<readonly [number, number]>;
  /** Per evaluation: the p99 latency as the simulated Prometheus reports it (noise included; none in a gap). */
  readonly measuredLatency: ReadonlyArray<readonly [number, number]>;
  /** What the lever must cover, in its unit (cores used, working set, busy workers), and incidents (0/1). */
  readonly demand: ReadonlyArray<readonly [number, number]>;
  readonly incidents: readonly number[];
  /** The injected gaps in the metrics, as [from, to]. */
  readonly gaps: ReadonlyArray<readonly [number, number]>;
  readonly valueType: EditableType;
  /** The value as written in the file, at the start and at the end. */
  readonly written: { readonly before: string; readonly after: string };
  /** The last evaluation's decision: why the lever is where it is. */
  readonly last: string;
  readonly prBodies: ReadonlyArray<{ readonly t: number; readonly title: string; readonly body: string }>;
}

/**
 * Runs a scenario: the real engine, watch and lever editing against a modelled system, tick by
 * tick, with a simulated reviewer and deployer. Deterministic for a seed: every random draw is
 * a hash of (seed, stream, time).
 */
export async function simulate(
  s: Scenario,
  seed = s.seed,
): Promise<Result<SimulationResult, ScenarioProblem[]>> {
  const repo = simRepository(s, await readBuiltinPolicies());
  if (!repo.ok) return repo;
  const { config, lever } = repo.value;
  const type = lever.policyDef.valueType;
  const initial = parseValue(type, s.lever.initial);
  if (!initial.ok) return err([{ path: ["lever", "initial"], message: `lever.initial: ${initial.error}` }]);
  const start = Date.parse(s.start);
  const end = start + ms(s.duration);
  const deploy = ms(s.deployDelay);
  const badChange = s.inject.some((i) => i.type === "bad-change");
  const world = new World(s, seed, start, magnitude(initial.value), lever, SELECTOR);

  let text = repo.value.file;
  const changes: SimChange[] = [];
  const timeline: TimelineEvent[] = [];
  const prBodies: Array<{ t: number; title: string; body: string }> = [];
  const values: Array<[number, number]> = [];
  const latency: Array<[number, number]> = [];
  const measuredLatency: Array<[number, number]> = [];
  const demand: Array<[number, number]> = [];
  const incidents: number[] = [];
  const ev = (t: number, event: SimEventKind, detail: string) =>
    timeline.push({ t: new Date(t).toISOString(), event, detail });
  const pr = (t: number, d: Decision) =>
    prBodies.push({ t, title: prTitle(d), body: renderPrBody(d, s.watch.window) });
  const edit = (to: string) => {
    const parsed = parseLeverFile(text, FILE);
    const value = parseValue(type, to);
    return parsed.ok && value.ok ? { parsed: parsed.value, value: value.value } : undefined;
  };
  const harmful = harmJudge(s, lever, world, badChange);
  const review = (c: SimChange) => {
    c.reviewed = true;
    if (c.rejected) {
      ev(c.reviewAt, "reject", `${c.from} → ${c.to}: the reviewer closed it`);
      return;
    }
    const e = edit(c.to);
    const written = e && writeIn(e.parsed, lever.target, e.value);
    if (!e || !written?.ok) return;
    text = written.value.text;
    c.appliedAt = c.reviewAt + deploy;
    world.apply(c.appliedAt, magnitude(e.value), badChange);
    ev(c.reviewAt, "merge", `${c.from} → ${c.to}; applied ${s.deployDelay} later`);
  };
  let last = "";
  let lastBlocked = "";
  const holdsSeen = new Set<string>();

  for (let t = start; t < end; t += ms(s.evaluateEvery)) {
    const now = world.truth(t);
    values.push([t, world.valueAt(t)]);
    latency.push([t, now.latency]);
    const seen = world.measured("latency", t);
    if (seen !== undefined) measuredLatency.push([t, seen]);
    demand.push([t, now.demand ?? 0]);
    incidents.push(now.incident ?? 0);

    // 1. The reviewer acts on open proposals; the deployer applies main after a delay.
    for (const c of changes) if (c.closedAt === undefined && !c.reviewed && c.reviewAt <= t) review(c);

    // 2. The watch of every applied change: the same rule as the App and governor verify.
    for (const c of changes) {
      if (c.appliedAt === undefined || c.verdict !== undefined) continue;
      const outcome = await judgeWatch(world.source, lever, config, c.appliedAt, t, undefined, c.direction);
      // Unjudged: the simulated Prometheus always answers, but the rule is the App's.
      if (!outcome || outcome.kind === "watching" || outcome.kind === "unjudged") continue;
      if (outcome.kind === "extended") {
        if (!c.extended)
          ev(
            t,
            "extended",
            `${c.from} → ${c.to}: ${inconclusiveWhy(outcome.verdict)}; watched until ${new Date(outcome.until).toISOString()}`,
          );
        c.extended = true;
        continue;
      }
      c.verdict = outcome.kind;
      c.harmful = harmful(c);
      const observed = outcome.verdict.guardrails.map((g) => `${g.name} ${g.observed}`).join("; ");
      const holds =
        outcome.kind === "inconclusive"
          ? `; ${inconclusiveWhy(outcome.verdict)} — never a pass: the lever holds until a person resumes it`
          : "";
      ev(
        t,
        outcome.kind,
        `${c.from} → ${c.to}${outcome.early ? " (inside the window)" : ""}: ${observed}${holds}`,
      );
      if (outcome.kind !== "fail") continue;
      const e = edit(c.from);
      const restored = e && restoreIn(e.parsed, lever.target, c.from, type);
      if (!e || !restored?.ok || restored.value.from !== c.to) continue;
      text = restored.value.text;
      c.revertedAt = t;
      world.apply(t + deploy, magnitude(e.value), false);
      ev(
        t,
        "revert",
        `${c.to} → ${c.from}${c.harmful ? "" : " (a false revert: the change did not make things worse)"}`,
      );
    }

    // 3. The engine decides, over main as it is now; an open proposal is updated or closed.
    const ledger = ledgerAt(changes, t);
    for (const h of activeHolds(ledger, t)) {
      const key = `${describeScope(h.scope)}|${h.since}|${h.reason}`;
      if (!holdsSeen.has(key)) ev(t, "hold", `${describeScope(h.scope)}: ${h.reason}`);
      holdsSeen.add(key);
    }
    const requests = signalRequests(lever, config.guardrails, t);
    const answers = await collectSignals(world.source, requests.ok ? requests.value : []);
    const [d] = plan({
      config,
      levers: [lever],
      files: new Map([[FILE, parseLeverFile(text, FILE)]]),
      answers,
      ledger,
      hpas: [],
      now: t,
      links: {},
    });
    if (!d) continue;
    last = d.reason;
    const open = changes.find((c) => c.closedAt === undefined && c.reviewAt > t);
    if (open) {
      if (d.decision === "propose" && d.to !== undefined && d.to !== open.to) {
        ev(t, "update", `${open.from} → ${d.to} (was → ${open.to}): ${d.rationale ?? d.reason}`);
        Object.assign(open, { to: d.to, direction: d.direction ?? open.direction });
        pr(t, d);
      } else if (d.decision === "no-change") {
        // As the App: a proposal whose recommendation no longer holds is closed; one blocked (by
        // missing data, a hold…) stays open until the evaluation can be made again.
        open.closedAt = t;
        ev(t, "close", `${open.from} → ${open.to} no longer holds: ${d.reason}`);
      }
      continue;
    }
    if (d.decision === "propose" && d.to !== undefined && d.from !== undefined) {
      lastBlocked = "";
      // Earned autonomy (mode auto, a low-risk policy with its track record) merges at once.
      const auto = d.approval === "auto";
      const reviewAt = auto ? t : t + ms(s.reviewer.mergeAfter);
      const change: SimChange = {
        decision: d.id,
        ref: `pr-${String(prBodies.length + 1).padStart(2, "0")}.md`,
        policy: lever.policy,
        from: d.from,
        to: d.to,
        direction: d.direction ?? "up",
        proposedAt: t,
        reviewAt,
        rejected: !auto && uniform(seed, "review", t) < s.reviewer.rejectProbability,
      };
      changes.push(change);
      ev(
        t,
        "propose",
        `${d.from} → ${d.to}${auto ? " (auto-merged: autonomy earned)" : ""}: ${d.rationale ?? d.reason}`,
      );
      pr(t, d);
      if (auto) review(change);
      continue;
    }
    // Not acting is explained too: the first evaluation blocked by missing data.
    const why = d.checks.find((c) => !c.ok && c.name === "data");
    if (why && !lastBlocked) ev(t, "blocked", `${why.name}: ${why.detail}`);
    lastBlocked = why?.name ?? "";
  }

  const after = parseLeverFile(text, FILE);
  const before = parseLeverFile(repo.value.file, FILE);
  const read = (p: typeof after) => {
    const r = p.ok ? readIn(p.value, lever.target, type) : undefined;
    return r?.ok && r.value.present ? r.value.text : "?";
  };
  timeline.sort((a, b) => a.t.localeCompare(b.t));
  return ok({
    summary: summarize({ changes, values, latency, incidents, start, end, finalValue: world.valueAt(end) }),
    timeline,
    changes,
    values,
    latency,
    measuredLatency,
    demand,
    incidents,
    gaps: s.inject.flatMap((i) =>
      i.type === "gap" ? [[start + ms(i.from), start + ms(i.to)] as const] : [],
    ),
    valueType: type,
    written: { before: read(before), after: read(after) },
    last,
    prBodies,
  });
}
