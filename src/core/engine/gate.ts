import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import { formatEnvLike, isEnvTarget } from "../levers/env-units.js";
import { formatLike } from "../levers/format.js";
import type { SignalRequest } from "../signals/requests.js";
import type { SignalData } from "../signals/source.js";
import { formatDuration, parseDuration } from "../units/duration.js";
import { fromMagnitude, magnitude } from "../values/arith.js";
import { compareValues, type LeverValue } from "../values/value.js";
import type { Check } from "./decision.js";
import { conflictingHpa, type HpaScan, unreadableHpaFile } from "./hpa.js";
import { changeTime, type Direction, type Ledger, type LedgerHold, lastMoved } from "./ledger.js";

/** The share of a lookback that must hold real samples before a value may change. */
export const MIN_COVERAGE = 0.9;

/** How old the newest sample may be, in steps of its query (and never less than 5 minutes). */
export const FRESH_STEPS = 3;
export const FRESH_FLOOR = 5 * 60_000;

const ms = (d: string) => {
  const r = parseDuration(d);
  return r.ok ? r.value : 0;
};
const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
const fail = (name: string, detail: string): Check => ({ name, ok: false, detail });
/** Passed, but it cut the recommendation: the value proposed is not the one recommended. */
const limitedBy = (name: string, detail: string): Check => ({ name, ok: true, limited: true, detail });

/** 1. data: each signal the strategy uses covers ≥ 90% of its lookback with real samples, without warnings. */
export function dataCheck(
  used: ReadonlyArray<{ request: SignalRequest; data: SignalData | undefined }>,
): Check {
  const problems: string[] = [];
  const facts: string[] = [];
  for (const { request, data } of used) {
    if (!data) problems.push(`${request.name}: not asked`);
    else if (data.status === "missing") problems.push(`${request.name}: ${data.reason}`);
    else {
      const expected = Math.floor((request.end - request.start) / request.step) + 1;
      const coverage = data.samples.length / expected;
      facts.push(`${request.name} ${Math.round(coverage * 100)}%`);
      if (coverage < MIN_COVERAGE)
        problems.push(
          `${request.name}: ${data.samples.length} of ${expected} samples (${Math.round(coverage * 100)}% of the lookback; at least ${MIN_COVERAGE * 100}% is needed)`,
        );
      // Coverage over days can hide that the metrics stopped an hour ago: stale data is missing data.
      const newest = data.samples.at(-1)?.t ?? request.start;
      const fresh = Math.max(FRESH_STEPS * request.step, FRESH_FLOOR);
      if (request.end - newest > fresh)
        problems.push(
          `${request.name}: stale — the newest sample is ${formatDuration(request.end - newest)} old (at most ${formatDuration(fresh)})`,
        );
      if (data.warnings.length > 0)
        problems.push(`${request.name}: Prometheus warned: ${data.warnings.join("; ")}`);
    }
  }
  return problems.length > 0
    ? fail("data", `missing or partial data — ${problems.join("; ")}`)
    : pass("data", `coverage ${facts.join(", ")}`);
}

/** 2. deadband: a relative change smaller than the deadband is not worth a rollout. */
export function deadbandCheck(current: LeverValue, recommended: LeverValue, deadband: number): Check {
  const cur = magnitude(current);
  const rel =
    cur === 0
      ? magnitude(recommended) === 0
        ? 0
        : Number.POSITIVE_INFINITY
      : Math.abs(magnitude(recommended) - cur) / cur;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (compareValues(current, recommended) === 0) return fail("deadband", "already at the recommended value");
  return rel < deadband
    ? fail("deadband", `the change would be ${pct(rel)}, inside the ${pct(deadband)} deadband`)
    : pass("deadband", `change of ${pct(rel)} (deadband ${pct(deadband)})`);
}

const clamp = (v: LeverValue, lo: LeverValue, hi: LeverValue) =>
  compareValues(v, lo) < 0 ? lo : compareValues(v, hi) > 0 ? hi : v;

/** 3. bounds: never outside [min, max]; from outside, only moves towards the bounds. */
export function boundsCheck(
  lever: ResolvedLever,
  current: LeverValue | undefined,
  value: LeverValue,
): { check: Check; value: LeverValue } {
  const clamped = clamp(value, lever.min, lever.max);
  const range = `[${lever.bounds.min}, ${lever.bounds.max}]`;
  const cut = compareValues(clamped, value) !== 0;
  const capped = `limited to the bound: ${formatLike(undefined, value)} recommended, ${formatLike(undefined, clamped)} proposed (bounds ${range})`;
  if (!current)
    return { check: cut ? limitedBy("bounds", capped) : pass("bounds", `within ${range}`), value: clamped };
  const outside = compareValues(current, lever.min) < 0 || compareValues(current, lever.max) > 0;
  const note = outside ? `; the current value is outside ${range}, only moves towards it are allowed` : "";
  if (compareValues(clamped, current) === 0)
    return {
      check: fail(
        "bounds",
        `the recommendation is limited by the bounds ${range} to the current value${note}`,
      ),
      value: clamped,
    };
  return {
    check: cut ? limitedBy("bounds", `${capped}${note}`) : pass("bounds", `within ${range}${note}`),
    value: clamped,
  };
}

/** 4. maxStep: at most ±maxStep of the current value (at least one unit for integers); stepping policies move one `step`. */
export function stepCheck(
  lever: ResolvedLever,
  current: LeverValue,
  value: LeverValue,
  /** The current value as written: an env var's JVM-style size (512M) is told in its own family. */
  from?: string,
): { check: Check; value: LeverValue } {
  const f = (v: LeverValue) =>
    from !== undefined && isEnvTarget(lever.target) ? formatEnvLike(from, v) : formatLike(undefined, v);
  if (lever.strategy.type === "slo-step")
    return { check: pass("maxStep", `one step of ${String(lever.step ?? lever.strategy.step)}`), value };
  const cur = magnitude(current);
  const unit = current.type === "integer" ? 1 : 0;
  const up = fromMagnitude(current.type, Math.max(cur * (1 + lever.maxStep), cur + unit), "down");
  const down = fromMagnitude(current.type, Math.min(cur * (1 - lever.maxStep), cur - unit), "up");
  const limited = clamp(
    value,
    compareValues(down, current) <= 0 ? down : current,
    compareValues(up, current) >= 0 ? up : current,
  );
  const pct = `±${Math.round(lever.maxStep * 100)}%`;
  if (compareValues(limited, current) === 0) {
    // The step is finer than the value's smallest unit (±50% of 1m rounds back to 1m). maxStep is
    // a safety bound the user set, so the gate does not widen it to one unit: it says what to do.
    return {
      check: fail(
        "maxStep",
        `no change fits within ${pct} of the current value: ${pct} of ${f(current)} is less than its smallest unit, so it rounds back to ${f(current)} every time; raise maxStep, or set the value once with \`governor set ${lever.id} ${f(value)}\``,
      ),
      value: limited,
    };
  }
  if (compareValues(limited, value) === 0) return { check: pass("maxStep", `within ${pct}`), value: limited };
  const sign = compareValues(limited, current) > 0 ? "+" : "−";
  return {
    check: limitedBy(
      "maxStep",
      `limited to ${pct} of the current value: ${f(value)} recommended, capped at ${sign}${Math.round(lever.maxStep * 100)}% of ${f(current)} = ${f(limited)}`,
    ),
    value: limited,
  };
}

/** 5 + 6. cooldown since the last change and the last rejection; twice that to reverse direction. */
export function cooldownChecks(
  lever: ResolvedLever,
  direction: Direction,
  ledger: Ledger,
  now: number,
): Check[] {
  const cooldown = ms(lever.cooldown);
  const mine = ledger.changes.filter((c) => c.lever === lever.id);
  const last = mine.filter((c) => c.state === "applied").sort((a, b) => lastMoved(b) - lastMoved(a))[0];
  const rejected = mine
    .filter((c) => c.state === "rejected")
    .sort((a, b) => (b.rejectedAt ?? 0) - (a.rejectedAt ?? 0))[0];
  const checks: Check[] = [];
  const since = (t: number) => formatDuration(Math.max(0, now - t));
  // A revert moves the value too: the cooldown counts from it.
  if (last && now - lastMoved(last) < cooldown)
    checks.push(
      fail(
        "cooldown",
        last.revertedAt !== undefined && last.revertedAt >= changeTime(last)
          ? `last changed ${since(last.revertedAt)} ago (${last.to} → ${last.from}, a revert); cooldown ${lever.cooldown}`
          : `last changed ${since(changeTime(last))} ago (${last.from} → ${last.to}); cooldown ${lever.cooldown}`,
      ),
    );
  else if (rejected && now - (rejected.rejectedAt ?? rejected.proposedAt) < cooldown)
    checks.push(
      fail(
        "cooldown",
        `a proposal was rejected ${since(rejected.rejectedAt ?? rejected.proposedAt)} ago; cooldown ${lever.cooldown}`,
      ),
    );
  else
    checks.push(
      pass(
        "cooldown",
        last
          ? `last changed ${since(lastMoved(last))} ago; cooldown ${lever.cooldown}`
          : "never changed by Governor",
      ),
    );
  if (last && last.direction !== direction && now - changeTime(last) < 2 * cooldown) {
    checks.push(
      fail(
        "reversal",
        `the last change went ${last.direction} ${since(changeTime(last))} ago; going ${direction} needs twice the cooldown (${formatDuration(2 * cooldown)})`,
      ),
    );
  } else
    checks.push(
      pass(
        "reversal",
        last && last.direction !== direction
          ? `reverses the last change after ${since(changeTime(last))}`
          : "same direction as before, or first change",
      ),
    );
  return checks;
}

/** 7. one change in flight per workload (levers sharing a selector), so that effects can be attributed. */
export function inFlightCheck(
  lever: ResolvedLever,
  levers: readonly ResolvedLever[],
  ledger: Ledger,
  config: RepoConfig,
  now: number,
): Check {
  const workload = new Set(levers.filter((l) => l.selector === lever.selector).map((l) => l.id));
  const window = ms(config.watch.window);
  const busy = ledger.changes.find(
    (c) =>
      workload.has(c.lever) &&
      ((c.state === "open" && c.lever !== lever.id) ||
        (c.state === "applied" &&
          c.verdict === undefined &&
          (c.appliedAt === undefined || now < c.appliedAt + window))),
  );
  if (!busy) return pass("in-flight", "no other change in flight for this workload");
  const what =
    busy.state === "open"
      ? "is proposed and not merged"
      : busy.appliedAt === undefined
        ? "is merged and not yet applied"
        : `is inside its watch window until ${new Date(busy.appliedAt + window).toISOString()}`;
  return fail(
    "in-flight",
    `${busy.lever === lever.id ? "this lever's" : `lever ${busy.lever}'s`} change ${busy.from} → ${busy.to} ${what}; one change per workload at a time`,
  );
}

/** 8. direction: a lever may allow only increases or only decreases. */
export function directionCheck(lever: ResolvedLever, direction: Direction): Check {
  if (lever.direction === "both" || lever.direction === direction)
    return pass("direction", `${direction} is allowed (${lever.direction})`);
  return fail("direction", `this lever only goes ${lever.direction}; the recommendation goes ${direction}`);
}

/** 9. a request lever on a workload whose HPA scales on that resource's utilisation. */
export function hpaCheck(lever: ResolvedLever, hpas: readonly HpaScan[]): Check {
  const hpa = conflictingHpa(lever, hpas);
  const unreadable = hpa ? undefined : unreadableHpaFile(lever, hpas);
  if (unreadable) {
    if (lever.allowWithHpa)
      return pass("hpa", `${unreadable.file} could not be read for HPAs; allowed by allowWithHpa`);
    return fail(
      "hpa",
      `${unreadable.file} names a HorizontalPodAutoscaler but could not be read (${unreadable.unreadable}): Governor cannot tell whether an HPA scales this request; fix the file, or set allowWithHpa: true`,
    );
  }
  if (!hpa) return pass("hpa", "no HPA scales this workload on this resource");
  if (lever.allowWithHpa)
    return pass("hpa", `HPA ${hpa.name} scales on this resource's utilisation; allowed by allowWithHpa`);
  return fail(
    "hpa",
    `HPA ${hpa.name} (${hpa.file}) scales ${hpa.targetKind} ${hpa.targetName} on ${hpa.resources.join("/")} utilisation, a percentage of this request: changing it would move the HPA; set allowWithHpa: true to tune it anyway`,
  );
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** 10. repository limits, freezes, holds and mode. */
export function limitChecks(input: {
  lever: ResolvedLever;
  config: RepoConfig;
  ledger: Ledger;
  holds: readonly LedgerHold[];
  now: number;
  proposedThisRun: number;
}): Check[] {
  const { lever, config, ledger, holds, now, proposedThisRun } = input;
  const checks: Check[] = [];
  // This lever's own open proposal is the one being re-evaluated: it does not count against it.
  const others = ledger.changes.filter((c) => !(c.state === "open" && c.lever === lever.id));
  const today = others.filter((c) => now - c.proposedAt < 86_400_000).length + proposedThisRun;
  checks.push(
    today >= config.limits.maxChangesPerDay
      ? fail(
          "changes-per-day",
          `${today} changes in the last 24h; maxChangesPerDay is ${config.limits.maxChangesPerDay}`,
        )
      : pass("changes-per-day", `${today} of ${config.limits.maxChangesPerDay} in the last 24h`),
  );
  const open =
    ledger.changes.filter((c) => c.state === "open" && c.lever !== lever.id).length + proposedThisRun;
  checks.push(
    open >= config.limits.maxOpenPullRequests
      ? fail(
          "open-pull-requests",
          `${open} Governor pull requests open; maxOpenPullRequests is ${config.limits.maxOpenPullRequests}`,
        )
      : pass("open-pull-requests", `${open} of ${config.limits.maxOpenPullRequests} open`),
  );
  const day = DAYS[new Date(now).getUTCDay()] as (typeof DAYS)[number];
  const freeze = config.limits.freeze.find(
    (w) =>
      w.days?.includes(day) ||
      (w.from !== undefined && w.to !== undefined && now >= Date.parse(w.from) && now < Date.parse(w.to)),
  );
  checks.push(
    freeze
      ? fail(
          "freeze",
          `inside a freeze window (${freeze.days ? `on ${freeze.days.join(", ")}` : `${freeze.from} to ${freeze.to}`})${freeze.reason ? `: ${freeze.reason}` : ""}`,
        )
      : pass("freeze", "no freeze window now"),
  );
  const hold = holds.find(
    (h) =>
      h.scope.kind === "repo" ||
      (h.scope.kind === "lever" && h.scope.id === lever.id) ||
      (h.scope.kind === "policy" && h.scope.id === lever.policy),
  );
  checks.push(
    hold
      ? fail(
          "hold",
          `on hold (${hold.scope.kind === "repo" ? "repository" : `${hold.scope.kind} ${hold.scope.id}`}): ${hold.reason}`,
        )
      : pass("hold", "no hold"),
  );
  checks.push(
    config.mode === "observe"
      ? fail("mode", "mode observe: decisions are reported, nothing is proposed")
      : pass("mode", `mode ${config.mode}`),
  );
  return checks;
}
