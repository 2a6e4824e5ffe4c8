import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBuiltinPolicies, readRepoConfigInput } from "../../src/adapters/fs/read-repo-config.js";
import { loadRepoConfig } from "../../src/core/config/load-repo-config.js";
import { type Recording, recordingEntry } from "../../src/core/signals/recording.js";
import { signalRequests } from "../../src/core/signals/requests.js";
import type { SignalFn } from "./engine.js";

/** Writes a recording for the repository at `dir`, as `governor record` would, from synthetic signals by name. */
export async function writeRecording(
  dir: string,
  now: number,
  signals: Record<string, SignalFn>,
  file = "recording.json",
): Promise<string> {
  const input = await readRepoConfigInput(dir);
  if (!input.ok) throw new Error(input.error);
  const loaded = loadRepoConfig({ ...input.value, builtinPolicies: await readBuiltinPolicies() });
  if (!loaded.loaded) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  const entries: Recording["entries"] = [];
  for (const lever of loaded.loaded.levers) {
    const requests = signalRequests(lever, loaded.loaded.config.guardrails, now);
    if (!requests.ok) throw new Error(requests.error);
    for (const r of requests.value) {
      const fn = signals[r.name];
      const samples: Array<{ t: number; v: number }> = [];
      for (let t = r.start; fn && t <= r.end; t += r.step) {
        const v = fn(t);
        if (v !== undefined) samples.push({ t, v });
      }
      entries.push(
        recordingEntry(
          r,
          samples.length > 0
            ? { status: "ok", samples, warnings: [], dropped: 0 }
            : {
                status: "missing",
                kind: "empty",
                reason: "no data: the query matched no series",
                warnings: [],
              },
        ),
      );
    }
  }
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      now: new Date(now).toISOString(),
      prometheus: "http://prometheus.example:9090",
      entries,
    } satisfies Recording),
  );
  return path;
}
