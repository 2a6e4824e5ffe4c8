import { dirname } from "node:path";
import { checkTargetsOnDisk, readRepoConfigInput } from "../adapters/fs/read-repo-config.js";
import { decodeText, listYamlFiles, readRepoFile } from "../adapters/fs/repo-files.js";
import { readGitLedger } from "../adapters/git/git-ledger.js";
import { chooseEndpoint } from "../adapters/prometheus/endpoint.js";
import { PrometheusSignalSource } from "../adapters/prometheus/signal-source.js";
import { loadRecording, RecordedSignalSource } from "../adapters/recorded/recorded-source.js";
import type { LeverTargetRef } from "../core/config/check-levers.js";
import { type LoadedRepoConfig, loadRepoConfig } from "../core/config/load-repo-config.js";
import { formatDiagnostic } from "../core/diagnostics.js";
import type { Decision } from "../core/engine/decision.js";
import { extractHpas, type HpaScan } from "../core/engine/hpa.js";
import { EMPTY_LEDGER, type Ledger } from "../core/engine/ledger.js";
import { type PlanInput, plan } from "../core/engine/plan.js";
import { parseLeverFile } from "../core/levers/parsed-file.js";
import { err, ok, type Result } from "../core/result.js";
import { linkBases, publicLinksFromEnv } from "../core/signals/links.js";
import type { SignalRequest } from "../core/signals/requests.js";
import { signalRequests } from "../core/signals/requests.js";
import type { SignalData, SignalSource } from "../core/signals/source.js";
import { collectSignals } from "./collect-signals.js";

export interface LocalOptions {
  readonly repo: string;
  readonly prometheus?: string | undefined;
  readonly signals?: string | undefined;
  readonly now?: number | undefined;
  /** false: plan without the ledger (--no-ledger): it is not read from git, even in a repository. */
  readonly ledger?: boolean | undefined;
}

export interface LocalFailure {
  readonly message: string;
  readonly code: 1 | 2;
}

export interface LocalContext {
  readonly repo: string;
  readonly loaded: LoadedRepoConfig;
  readonly source: SignalSource;
  /** Where evidence links point: PROMETHEUS_PUBLIC_URL, never the address queried. */
  readonly prometheusUrl?: string | undefined;
  /** GRAFANA_URL, before the repository's grafana.url. */
  readonly grafanaUrl?: string | undefined;
  readonly now: number;
  readonly ledger: Ledger;
  /** Each lever's target, to tell a lever that cannot resolve (a config error) from one that waits. */
  readonly targets: readonly LeverTargetRef[];
  /** For stderr, once: the repository's prometheus.url is asked, without credentials. */
  readonly notice?: string | undefined;
}

/** Everything local mode needs from a checkout and the operator's environment, or the one reason it cannot run. */
export async function prepareLocal(
  options: LocalOptions,
  env: Readonly<Record<string, string | undefined>>,
  clock: () => number,
): Promise<Result<LocalContext, LocalFailure>> {
  const fail = (message: string, code: 1 | 2 = 1) => err({ message, code });
  const input = await readRepoConfigInput(options.repo);
  if (!input.ok) return fail(input.error);
  const result = loadRepoConfig(input.value);
  const onDisk = await checkTargetsOnDisk(options.repo, result.targets);
  if (!result.loaded || onDisk.length > 0) {
    return fail(
      `${[...result.diagnostics, ...onDisk].map(formatDiagnostic).join("\n")}\nthe configuration has problems: fix them first (governor validate --repo ${options.repo})`,
    );
  }
  const loaded = result.loaded;
  let source: SignalSource;
  const links = publicLinksFromEnv(env);
  if (!links.ok) return fail(links.error);
  const prometheusUrl = links.value.prometheus;
  let now = options.now;
  let notice: string | undefined;
  if (options.signals !== undefined) {
    if (options.prometheus !== undefined)
      return fail("--signals and --prometheus exclude each other: replay a recording, or ask Prometheus");
    const recording = await loadRecording(options.signals);
    if (!recording.ok) return fail(recording.error);
    source = new RecordedSignalSource(recording.value);
    now ??= Date.parse(recording.value.now); // a replay evaluates at the recording's time by default
  } else {
    // The operator's URL, with credentials, always wins over the one the repository names.
    const chosen = chooseEndpoint(env, options.prometheus, loaded.config.prometheus?.url);
    if (!chosen.ok) return fail(chosen.error);
    source = new PrometheusSignalSource(chosen.value.endpoint);
    notice = chosen.value.notice;
  }
  const ledger = options.ledger === false ? EMPTY_LEDGER : await readGitLedger(options.repo, loaded.levers);
  return ok({
    repo: options.repo,
    loaded,
    source,
    prometheusUrl,
    grafanaUrl: links.value.grafana,
    now: now ?? clock(),
    ledger,
    targets: result.targets,
    notice,
  });
}

/** HPAs beside the levers' files (an HPA usually sits next to the workload it scales). */
async function nearbyHpas(repo: string, files: readonly string[]): Promise<HpaScan[]> {
  const dirs = [...new Set(files.map((f) => dirname(f)))];
  const out: HpaScan[] = [];
  for (const dir of dirs) {
    // A folder or file the path rules refuse is not read: the lever's own check reports it.
    const paths = await listYamlFiles(repo, dir);
    for (const path of paths.ok ? paths.value : []) {
      const file = await readRepoFile(repo, path);
      const text = file.ok ? decodeText(file.value) : undefined;
      if (text?.ok && text.value.includes("HorizontalPodAutoscaler"))
        out.push(...extractHpas(path, text.value));
    }
  }
  return out;
}

export interface LocalPlan {
  readonly decisions: readonly Decision[];
  readonly input: PlanInput;
  /** Prometheus could not be reached: nothing could be evaluated. */
  readonly unreachable: boolean;
}

/** Reads files and signals, then runs the pure engine. */
export async function localPlan(ctx: LocalContext): Promise<LocalPlan> {
  const { loaded, now } = ctx;
  const files = new Map<string, PlanInput["files"] extends ReadonlyMap<string, infer V> ? V : never>();
  for (const path of new Set(loaded.levers.map((l) => l.target.file))) {
    const bytes = await readRepoFile(ctx.repo, path);
    const text = bytes.ok ? decodeText(bytes.value) : bytes;
    files.set(
      path,
      text.ok ? parseLeverFile(text.value, path) : { ok: false, error: { message: text.error.message } },
    );
  }
  const requests: SignalRequest[] = loaded.levers.flatMap((l) => {
    const r = signalRequests(l, loaded.config.guardrails, now);
    return r.ok ? r.value : [];
  });
  const answers: Map<string, SignalData> = await collectSignals(ctx.source, requests);
  const unreachable = [...answers.values()].some((a) => a.status === "missing" && a.kind === "unreachable");
  const input: PlanInput = {
    config: loaded.config,
    levers: loaded.levers,
    files,
    answers,
    ledger: ctx.ledger,
    hpas: await nearbyHpas(ctx.repo, [...files.keys()]),
    now,
    links: linkBases({ prometheus: ctx.prometheusUrl, grafana: ctx.grafanaUrl }, loaded.config.grafana),
  };
  return { decisions: plan(input), input, unreachable };
}
