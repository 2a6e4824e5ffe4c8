import { FRESH_FLOOR, FRESH_STEPS, MIN_COVERAGE } from "../../core/engine/gate.js";
import { readLever } from "../../core/levers/edit.js";
import { type Matcher, parseSelector } from "../../core/promql/scope.js";
import { type Exporter, exporterOf, selectorParts, selectorsOf } from "../../core/signals/exporters.js";
import { rangeKey } from "../../core/signals/recording.js";
import { type SignalRequest, signalRequests } from "../../core/signals/requests.js";
import type { SignalData } from "../../core/signals/source.js";
import { type LocalContext, type LocalPlan, localPlan } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { type Env, openLocal } from "../local-context.js";
import { renderDoctorText } from "../render/doctor.js";
import { outageOf } from "./plan.js";

export interface DoctorOptions {
  readonly repo: string;
  readonly prometheus?: string | undefined;
  readonly now?: string | undefined;
  readonly json?: boolean | undefined;
}

/** The series of one vector selector of a query, and who exports its metric. */
export interface MetricCheck {
  readonly selector: string;
  readonly metric: string | null;
  /** Series of the selector, scoped by the lever, with samples in the lookback; null when not counted. */
  readonly series: number | null;
  /** With no scoped series: the metric's series now, whatever their labels (0: the exporter is missing). */
  readonly anyLabels: number | null;
  /** The metric with the lever's matchers alone, when the query adds matchers of its own. */
  readonly leverPart: string | null;
  /** The query's own matchers of this selector (`code=~"5.."`). */
  readonly own: readonly string[];
  /** With no scoped series and matchers of the query's own: the series of `leverPart` in the lookback. */
  readonly leverSeries: number | null;
  /** For a query whose data stopped: the selector's series with a sample in the last 5m (0: it stopped). */
  readonly current: number | null;
  readonly exporter: Exporter | null;
}

export interface QueryCheck {
  readonly kind: SignalRequest["kind"];
  readonly name: string;
  readonly query: string;
  readonly status: "ok" | "missing" | "stale" | "partial";
  readonly reason: string | null;
  readonly series: number;
  readonly samples: number;
  readonly expected: number;
  /** Age of the newest sample at the evaluation time, in ms. */
  readonly ageMs: number | null;
  readonly metrics: readonly MetricCheck[];
}

export interface LeverCheck {
  readonly lever: string;
  readonly policy: string;
  readonly file: string;
  readonly value: string | null;
  /** Why the lever's value cannot be read in its file, when it cannot. */
  readonly problem: string | null;
  readonly queries: readonly QueryCheck[];
}

/** `governor doctor`: resolves every lever and runs every scoped query once; says what is missing and who exports it. */
export async function doctorCommand(
  options: DoctorOptions,
  io: Io,
  env: Env = process.env,
  clock: () => number = Date.now,
): Promise<number> {
  // Doctor asks Prometheus only: it decides nothing, so it needs no ledger (nor git).
  const ctx = await openLocal({ ...options, signals: undefined, ledger: "not-needed" }, io, env, clock);
  if (!ctx.ok) return ctx.error;
  // The same reads and queries as plan: the files, then every scoped signal and guardrail.
  const result = await localPlan(ctx.value);
  const outage = outageOf(result);
  if (outage !== undefined) {
    // What doctor could check without Prometheus is still told: each lever's file and value.
    const levers = await diagnose(ctx.value, result, false);
    if (options.json)
      io.stdout(`${JSON.stringify({ ok: false, outage, levers: levers.map(leverJson) }, null, 2)}\n`);
    else io.stdout(renderDoctorText(levers, true));
    io.stderr(
      `${outage}\nPrometheus could not be used: doctor read each lever's file (above) but checked none of the signal or guardrail queries (exit 2)\n`,
    );
    return 2;
  }
  const levers = await diagnose(ctx.value, result, true);
  const ok = levers.every((l) => l.problem === null && l.queries.every((q) => q.status === "ok"));
  if (options.json)
    io.stdout(
      `${JSON.stringify({ ok, prometheus: ctx.value.prometheusUrl ?? null, now: new Date(ctx.value.now).toISOString(), levers: levers.map(leverJson) }, null, 2)}\n`,
    );
  else io.stdout(renderDoctorText(levers));
  return ok ? 0 : 1;
}

async function diagnose(ctx: LocalContext, result: LocalPlan, ask: boolean): Promise<LeverCheck[]> {
  const counts = new Map<string, Promise<SignalData>>();
  // Each distinct count once, however many levers share a selector.
  const count = (query: string, at: number) => {
    const key = `${at}|${query}`;
    let p = counts.get(key);
    if (!p) {
      p = ctx.source.instant(query, at);
      counts.set(key, p);
    }
    return p;
  };
  const out: LeverCheck[] = [];
  for (const lever of ctx.loaded.levers) {
    const file = result.input.files.get(lever.target.file);
    let value: string | null = null;
    let problem: string | null = null;
    if (file === undefined) problem = `cannot read the lever's file: ${lever.target.file} was not read`;
    else if (!file.ok) problem = `cannot read the lever's file: ${file.error.message}`;
    else {
      const reading = readLever(file.value.text, lever.target, lever.target.file, lever.policyDef.valueType);
      if (!reading.ok) problem = reading.error.message;
      else value = reading.value.present ? reading.value.text : null;
    }
    const requests = signalRequests(lever, ctx.loaded.config.guardrails, ctx.now);
    const parsed = parseSelector(lever.selector);
    const matchers = parsed.ok ? parsed.value : [];
    if (!requests.ok) problem ??= requests.error;
    // A lever's queries at once (a handful): Prometheus runs several queries side by side.
    const queries = await Promise.all(
      (requests.ok && ask ? requests.value : []).map((r) =>
        checkQuery(r, result.input.answers.get(rangeKey(r)), ctx.now, count, matchers),
      ),
    );
    out.push({ lever: lever.id, policy: lever.policy, file: lever.target.file, value, problem, queries });
  }
  return out;
}

async function checkQuery(
  r: SignalRequest,
  data: SignalData | undefined,
  now: number,
  count: (query: string, at: number) => Promise<SignalData>,
  leverMatchers: readonly Matcher[],
): Promise<QueryCheck> {
  const expected = Math.floor((r.end - r.start) / r.step) + 1;
  const base = { kind: r.kind, name: r.name, query: r.query, expected };
  const fresh = Math.max(FRESH_STEPS * r.step, FRESH_FLOOR);
  const newest = data?.status === "ok" ? data.samples.at(-1)?.t : undefined;
  const stopped = data?.status === "ok" && (newest === undefined || r.end - newest > fresh);
  const metrics = await metricChecks(r, count, leverMatchers, stopped);
  if (!data || data.status === "missing") {
    const ambiguous = data?.status === "missing" ? /^ambiguous: (\d+) series/.exec(data.reason) : null;
    return {
      ...base,
      status: "missing",
      reason: data?.status === "missing" ? data.reason : "not asked",
      series: ambiguous ? Number(ambiguous[1]) : 0,
      samples: 0,
      ageMs: null,
      metrics,
    };
  }
  const ageMs = newest === undefined ? null : Math.max(0, now - newest);
  const coverage = data.samples.length / expected;
  let status: QueryCheck["status"] = "ok";
  let reason: string | null = null;
  if (stopped) {
    status = "stale";
    reason = `the newest sample is older than ${fresh / 60_000}m: the metric stopped`;
  } else if (r.kind === "signal" && coverage < MIN_COVERAGE) {
    status = "partial";
    reason = `${Math.round(coverage * 100)}% of the lookback has samples; at least ${MIN_COVERAGE * 100}% is needed`;
  } else if (data.warnings.length > 0) {
    status = "partial";
    reason = `Prometheus warned: ${data.warnings.join("; ")}`;
  }
  return { ...base, status, reason, series: 1, samples: data.samples.length, ageMs, metrics };
}

/** Counts the series of each selector of the query over its lookback; for one with none, the metric's series at all. */
async function metricChecks(
  r: SignalRequest,
  count: (query: string, at: number) => Promise<SignalData>,
  leverMatchers: readonly Matcher[],
  stopped: boolean,
): Promise<MetricCheck[]> {
  const selectors = selectorsOf(r.query);
  if (!selectors.ok) return [];
  const range = `${Math.max(1, Math.round((r.end - r.start) / 1000))}s`;
  const seriesOf = (d: SignalData): number | null =>
    d.status === "ok" ? (d.samples.at(-1)?.v ?? 0) : d.kind === "empty" ? 0 : null;
  const out: MetricCheck[] = [];
  for (const { selector, metric } of selectors.value) {
    const series = seriesOf(await count(`count(last_over_time(${selector}[${range}]))`, r.end));
    const parts = metric === undefined ? undefined : selectorParts(selector, metric, leverMatchers);
    const split = parts?.ok && parts.value.own.length > 0 ? parts.value : undefined;
    // The lever's matchers alone: a query's own matcher (code=~"5..") that matches nothing is not the selector's fault.
    const leverSeries =
      series === 0 && split
        ? seriesOf(await count(`count(last_over_time(${split.leverPart}[${range}]))`, r.end))
        : null;
    // Only the metric's name: cheap, and it tells a missing exporter from a selector that matches nothing.
    const anyLabels =
      series === 0 && metric !== undefined && !(leverSeries !== null && leverSeries > 0)
        ? seriesOf(await count(`count(${metric})`, r.end))
        : null;
    // Series in the lookback but none now: the exporter stopped, which is not the same as never there.
    const current =
      stopped && series !== null && series > 0 ? seriesOf(await count(`count(${selector})`, r.end)) : null;
    out.push({
      selector,
      metric: metric ?? null,
      series,
      anyLabels,
      leverPart: split?.leverPart ?? null,
      own: split?.own ?? [],
      leverSeries,
      current,
      exporter: metric === undefined ? null : exporterOf(metric),
    });
  }
  return out;
}

function leverJson(l: LeverCheck): unknown {
  return {
    lever: l.lever,
    policy: l.policy,
    file: l.file,
    value: l.value,
    problem: l.problem,
    queries: l.queries.map((q) => ({
      kind: q.kind,
      name: q.name,
      query: q.query,
      status: q.status,
      reason: q.reason,
      series: q.series,
      samples: q.samples,
      expected: q.expected,
      ageSeconds: q.ageMs === null ? null : Math.round(q.ageMs / 1000),
      metrics: q.metrics.map((m) => ({
        selector: m.selector,
        metric: m.metric,
        series: m.series,
        seriesWithAnyLabels: m.anyLabels,
        seriesOfLeverSelector: m.leverSeries,
        seriesNow: m.current,
        exporter: m.exporter?.name ?? null,
      })),
    })),
  };
}
