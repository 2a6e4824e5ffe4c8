import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import { readIn } from "../levers/edit.js";
import { formatEnvLike, isEnvTarget } from "../levers/env-units.js";
import { formatLike } from "../levers/format.js";
import { writePaired } from "../levers/limit.js";
import type { ParsedFile } from "../levers/parsed-file.js";
import { assessRisk } from "../pr/risk.js";
import { rangeKey } from "../signals/recording.js";
import { type SignalRequest, signalRequests } from "../signals/requests.js";
import type { Sample, SignalData } from "../signals/source.js";
import { parseDuration } from "../units/duration.js";
import { magnitude } from "../values/arith.js";
import { compareValues, type LeverValue } from "../values/value.js";
import { autonomy } from "./autonomy.js";
import type { Check, Decision } from "./decision.js";
import { earlierAttempt } from "./earlier.js";
import { evidenceFor, type LinkBases } from "./evidence.js";
import {
  boundsCheck,
  cooldownChecks,
  dataCheck,
  deadbandCheck,
  directionCheck,
  hpaCheck,
  inFlightCheck,
  limitChecks,
  stepCheck,
} from "./gate.js";
import type { HpaScan } from "./hpa.js";
import { registerHypothesis, rollbackPlan, watchedGuardrails } from "./hypothesis.js";
import { currentSince, type Ledger, type LedgerHold } from "./ledger.js";
import { limitCheck } from "./limit-check.js";
import { perPod, replicasOf } from "./replicas.js";
import { recommend } from "./strategies.js";
import { guardrailDataCheck } from "./watchable.js";

export interface DecideInput {
  readonly lever: ResolvedLever;
  readonly levers: readonly ResolvedLever[];
  readonly config: RepoConfig;
  /** The lever's file, parsed; or why it could not be. */
  readonly file:
    | { readonly ok: true; readonly value: ParsedFile }
    | { readonly ok: false; readonly error: { readonly message: string } };
  readonly answers: ReadonlyMap<string, SignalData>;
  readonly ledger: Ledger;
  readonly holds: readonly LedgerHold[];
  readonly hpas: readonly HpaScan[];
  readonly now: number;
  readonly links: LinkBases;
  /** Proposals already made earlier in this evaluation (for the repository limits). */
  readonly proposedThisRun: number;
}

/** A stable, readable id: the evaluation time and the lever. */
export function decisionId(lever: string, now: number): string {
  return `${new Date(now)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${lever}`;
}

/** The signals a strategy reads, which must all have data before anything changes. */
function strategySignals(lever: ResolvedLever): string[] {
  const s = lever.strategy;
  return [
    s.signal,
    ...(s.type === "slo-step" ? [s.saturation.signal] : []),
    ...(s.type === "percentile" && s.oom ? [s.oom] : []),
  ];
}

/** When a merged change counts as applied, for the PR's "what happens next". */
function describeAppliedWhen(a: RepoConfig["watch"]["appliedWhen"]): string {
  if (a.commitStatus)
    return `the deployer posts a successful \`${a.commitStatus.context}\` status after the merge`;
  if (a.liveValue) return "the live value (watch.appliedWhen.liveValue) reads the new value";
  return `${a.merged ?? "5m"} after the merge`;
}

/** |to − from| / from; Infinity from zero. */
function relativeChange(from: LeverValue, to: LeverValue): number {
  const a = magnitude(from);
  const b = magnitude(to);
  return a === 0 ? (b === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(b - a) / Math.abs(a);
}

/** (to − from) / from as a signed percentage, "+169.0%" or "-25.0%"; "+∞%" from zero. */
function signedChange(from: LeverValue, to: LeverValue): string {
  const sign = compareValues(to, from) < 0 ? "-" : "+";
  const rel = relativeChange(from, to);
  return `${sign}${Number.isFinite(rel) ? (rel * 100).toFixed(1) : "∞"}%`;
}

/** Evaluates one lever: never throws, always returns a decision — including why nothing changes. */
export function decide(input: DecideInput): Decision {
  const { lever, config, now } = input;
  const base = {
    id: decisionId(lever.id, now),
    lever: lever.id,
    policy: lever.policy,
    guardrails: watchedGuardrails(lever, config),
    approval: "required" as const,
    risk: lever.policyDef.risk,
  };
  const requests = signalRequests(lever, config.guardrails, now);
  if (!requests.ok) return { ...base, decision: "blocked", reason: requests.error, checks: [], evidence: [] };
  const evidence = evidenceFor(requests.value, input.answers, input.links);
  const blocked = (reason: string, checks: Check[], extra: Partial<Decision> = {}): Decision => ({
    ...base,
    decision: "blocked",
    reason,
    checks,
    evidence,
    ...extra,
  });

  if (!input.file.ok) return blocked(`cannot read the lever's file: ${input.file.error.message}`, []);
  const reading = readIn(input.file.value, lever.target, lever.policyDef.valueType);
  if (!reading.ok) return blocked(`cannot read the current value: ${reading.error.message}`, []);
  const current = reading.value.present ? reading.value.value : undefined;
  const from = reading.value.present ? reading.value.text : undefined;
  const known = { ...(from !== undefined ? { from } : {}), ...(current ? { fromValue: current } : {}) };

  const byName = new Map(requests.value.filter((r) => r.kind === "signal").map((r) => [r.name, r] as const));
  const used = strategySignals(lever).map((name) => {
    const request = byName.get(name) as SignalRequest;
    return { request, data: input.answers.get(rangeKey(request)) };
  });
  const checks: Check[] = [dataCheck(used)];
  if (!checks[0]?.ok) return blocked(checks[0]?.detail ?? "missing data", checks, known);

  const samples = new Map<string, readonly Sample[]>(
    used.map((u) => [u.request.name, u.data?.status === "ok" ? u.data.samples : []]),
  );
  const rec = recommend({
    strategy: lever.strategy,
    current: current ?? lever.min,
    samples,
    step: lever.stepValue,
    currentSince: currentSince(input.ledger, lever.id, from),
  });
  const noChange = (reason: string, rationale: string): Decision => ({
    ...base,
    decision: "no-change",
    reason,
    checks,
    evidence,
    rationale,
    ...known,
  });
  if (rec.kind === "stay") {
    checks.push({ name: "deadband", ok: false, detail: rec.rationale });
    return noChange(`no change: ${rec.rationale}`, rec.rationale);
  }
  let value: LeverValue = rec.value;
  if (current) {
    const deadband = lever.strategy.type === "slo-step" ? 0 : lever.strategy.deadband;
    const db = deadbandCheck(current, value, deadband);
    checks.push(db);
    if (!db.ok) return noChange(`no change: ${db.detail}`, rec.rationale);
  } else checks.push({ name: "deadband", ok: true, detail: "the field is not set yet: Governor adds it" });

  const bounds = boundsCheck(lever, current, value);
  checks.push(bounds.check);
  value = bounds.value;
  if (!bounds.check.ok) return noChange(`no change: ${bounds.check.detail}`, rec.rationale);
  if (current) {
    const step = stepCheck(lever, current, value, from);
    checks.push(step.check);
    value = step.value;
    if (!step.check.ok) return noChange(`no change: ${step.check.detail}`, rec.rationale);
  }
  const limit = limitCheck(input.file.value, lever, current, from, value);
  if (limit) {
    checks.push(limit.check);
    value = limit.value;
    if (!limit.check.ok) return noChange(`no change: ${limit.check.detail}`, rec.rationale);
  }
  if (current && compareValues(value, rec.value) !== 0) {
    // The deadband was judged on the recommendation; the check reports the change proposed.
    const at = checks.findIndex((c) => c.name === "deadband");
    const deadband = lever.strategy.type === "slo-step" ? 0 : lever.strategy.deadband;
    const proposed = deadbandCheck(current, value, deadband);
    // Signed, and told as a change: "169.0% recommended" read as if 169% were the value.
    if (at >= 0)
      checks[at] = {
        ...proposed,
        detail: `${proposed.detail}; the recommendation was a ${signedChange(current, rec.value)} change`,
      };
    // A cap (bound, maxStep, limit) can shrink a change below the deadband: then it is not worth a rollout.
    if (!proposed.ok) return noChange(`no change: ${proposed.detail} after the cap`, rec.rationale);
  }
  const direction: "up" | "down" = current && compareValues(value, current) < 0 ? "down" : "up";
  // A policy guardrail on one of its signals is answered by that signal's query.
  const onSignals = lever.policyDef.guardrails.flatMap((g) => {
    const r = g.signal === undefined ? undefined : byName.get(g.signal);
    return r ? [{ ...r, name: g.name }] : [];
  });
  const guardrails = [...onSignals, ...requests.value.filter((r) => r.kind === "guardrail")].map(
    (request) => ({ request, data: input.answers.get(rangeKey(request)) }),
  );
  checks.push(
    guardrailDataCheck(guardrails),
    ...cooldownChecks(lever, direction, input.ledger, now),
    inFlightCheck(lever, input.levers, input.ledger, config, now),
    directionCheck(lever, direction),
    hpaCheck(lever, input.hpas),
    ...limitChecks({
      lever,
      config,
      ledger: input.ledger,
      holds: input.holds,
      now,
      proposedThisRun: input.proposedThisRun,
    }),
  );
  const auto = autonomy(lever, config, input.ledger);
  checks.push({ name: "autonomy", ok: true, detail: auto.detail });

  const written = writePaired(input.file.value, lever, value);
  if (!written.ok)
    return blocked(`cannot write the new value: ${written.error.message}`, checks, {
      ...known,
      rationale: rec.rationale,
    });
  const hypothesisSignal = requests.value.find(
    (r) => r.kind === "signal" && r.name === lever.policyDef.hypothesis.signal,
  );
  const to = written.value.to;
  const risk = assessRisk({
    valueType: value.type === "boolean" ? "number" : value.type,
    leverKind: perPod(lever)
      ? "request"
      : lever.strategy.type === "replicas" || /replicas$/i.test(lever.target.field ?? lever.target.path ?? "")
        ? "replicas"
        : "other",
    direction,
    change: current ? relativeChange(current, value) : Number.POSITIVE_INFINITY,
    policyRisk: lever.policyDef.risk,
  });
  const replicas = replicasOf(lever, input.file.value, input.hpas);
  const lookback = parseDuration(lever.strategy.lookback);
  const earlier = earlierAttempt(
    input.ledger,
    lever.id,
    lever.policy,
    from,
    to,
    now,
    lookback.ok ? lookback.value : 0,
  );
  const proposal = {
    ...known,
    risk: risk.level,
    riskReason: risk.reason,
    // Written as the value is: in an env var, a JVM-style size stays JVM-style (1047M, not bytes).
    ...(compareValues(rec.value, value) !== 0
      ? { recommended: (isEnvTarget(lever.target) ? formatEnvLike : formatLike)(from, rec.value) }
      : {}),
    ...(replicas ? { replicas } : {}),
    reservesPerPod: perPod(lever),
    ...(earlier ? { earlier } : {}),
    to,
    toValue: value,
    direction,
    rationale: rec.rationale,
    ...(rec.why !== undefined ? { why: rec.why } : {}),
    lookback: lever.strategy.lookback,
    basis: { signal: lever.strategy.signal, sameUnit: lever.strategy.type !== "slo-step" },
    cooldown: lever.cooldown,
    appliedWhen: describeAppliedWhen(config.watch.appliedWhen),
    hypothesis: registerHypothesis(
      lever,
      config,
      hypothesisSignal ? input.answers.get(rangeKey(hypothesisSignal)) : undefined,
      direction,
    ),
    ...(from !== undefined ? { rollback: rollbackPlan(lever, from) } : {}),
    edit: { file: lever.target.file, before: input.file.value.text, after: written.value.text },
    ...(written.value.limit ? { limit: written.value.limit } : {}),
  };
  const also = [
    ...(limit?.capped ? [limit.capped] : []),
    ...(written.value.limit ? [`limit ${written.value.limit.from} → ${written.value.limit.to}`] : []),
  ];
  const failed = checks.find((c) => !c.ok);
  if (failed)
    return {
      ...base,
      ...proposal,
      decision: "blocked",
      // Every check that fails is named: fixing the first should not only reveal the next.
      reason: `${failed.name}: ${failed.detail}${others(checks, failed)}`,
      checks,
      evidence,
    };
  return {
    ...base,
    ...proposal,
    // Earned autonomy merges only a step that is itself low risk.
    approval: risk.level === "low" ? auto.approval : "required",
    decision: "propose",
    reason: `${from ?? "(not set)"} → ${written.value.to}${also.length > 0 ? ` (${also.join("; ")})` : ""}: ${rec.rationale}`,
    checks,
    evidence,
  };
}

/** "; also failing: hpa, hold" — the failed checks after the first, by name. */
function others(checks: readonly Check[], first: Check): string {
  const rest = checks.filter((c) => !c.ok && c !== first).map((c) => c.name);
  return rest.length > 0 ? `; also failing: ${rest.join(", ")}` : "";
}
