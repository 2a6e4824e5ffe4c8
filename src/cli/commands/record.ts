import { rename, writeFile } from "node:fs/promises";
import { readRepoConfigInput } from "../../adapters/fs/read-repo-config.js";
import { chooseEndpoint } from "../../adapters/prometheus/endpoint.js";
import { PrometheusSignalSource } from "../../adapters/prometheus/signal-source.js";
import { loadRepoConfig } from "../../core/config/load-repo-config.js";
import { formatDiagnostic } from "../../core/diagnostics.js";
import { type Recording, rangeKey, recordingEntry } from "../../core/signals/recording.js";
import { type SignalRequest, signalRequests } from "../../core/signals/requests.js";
import { collectSignals } from "../../reconcile/collect-signals.js";
import type { Io } from "../io.js";
import { parseNow } from "../options.js";

export interface RecordOptions {
  readonly repo: string;
  readonly prometheus?: string | undefined;
  readonly now?: string | undefined;
  readonly out: string;
}

/** `governor record`: every scoped signal and guardrail of every lever over its lookback, into one JSON file. */
export async function record(
  options: RecordOptions,
  io: Io,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const fail = (message: string, code = 1) => {
    io.stderr(`${message}\n`);
    return code;
  };
  const now = parseNow(options.now);
  if (!now.ok) return fail(now.error);
  const input = await readRepoConfigInput(options.repo);
  if (!input.ok) return fail(input.error);
  const loaded = loadRepoConfig(input.value);
  if (!loaded.loaded) {
    return fail(
      `${loaded.diagnostics.map(formatDiagnostic).join("\n")}\nthe configuration has problems: fix them first (governor validate --repo ${options.repo})`,
    );
  }
  const { config, levers } = loaded.loaded;
  // The operator's URL, with credentials, always wins over the one the repository names.
  const chosen = chooseEndpoint(env, options.prometheus, config.prometheus?.url);
  if (!chosen.ok) return fail(chosen.error);
  if (chosen.value.notice) io.stderr(`${chosen.value.notice}\n`);
  const { endpoint } = chosen.value;
  const requests: SignalRequest[] = [];
  for (const lever of levers) {
    const r = signalRequests(lever, config.guardrails, now.value);
    if (!r.ok) return fail(r.error);
    requests.push(...r.value);
  }
  const source = new PrometheusSignalSource(endpoint);
  const answers = await collectSignals(source, requests);
  if (source.http.open) {
    const reason = [...answers.values()].find((a) => a.status === "missing" && a.kind === "unreachable");
    return fail(
      `${reason?.status === "missing" ? reason.reason : `Prometheus unreachable (${endpoint.url})`}; nothing recorded`,
      2,
    );
  }
  const recording: Recording = {
    version: 1,
    now: new Date(now.value).toISOString(),
    prometheus: endpoint.url,
    entries: requests.map((r) =>
      recordingEntry(
        r,
        answers.get(rangeKey(r)) ?? {
          status: "missing",
          kind: "not-recorded",
          reason: "not asked",
          warnings: [],
        },
      ),
    ),
  };
  const temp = `${options.out}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(recording, null, 1)}\n`);
  await rename(temp, options.out);
  const missingCount = recording.entries.filter((e) => e.data.status === "missing").length;
  io.stdout(
    `recorded ${recording.entries.length} queries for ${levers.length} lever${levers.length === 1 ? "" : "s"} at ${recording.now} from ${endpoint.url} into ${options.out}` +
      `${missingCount > 0 ? ` (${missingCount} with missing data)` : ""}; ${source.http.requests} requests\n`,
  );
  return 0;
}
