import type { HpaScan } from "../../src/core/engine/hpa.js";
import { EMPTY_LEDGER, type Ledger } from "../../src/core/engine/ledger.js";
import type { PlanInput } from "../../src/core/engine/plan.js";
import { parseLeverFile } from "../../src/core/levers/parsed-file.js";
import { rangeKey } from "../../src/core/signals/recording.js";
import { signalRequests } from "../../src/core/signals/requests.js";
import type { SignalData } from "../../src/core/signals/source.js";
import { loadConfigText } from "./config.js";

export const NOW = Date.parse("2026-11-23T10:00:00Z"); // a Monday
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A signal's value at a time, or undefined for no sample (a gap). */
export type SignalFn = (t: number) => number | undefined;

export interface EngineFixture {
  config: string;
  files: Record<string, string>;
  /** By signal or guardrail name; a SignalData for a fixed answer (missing, warnings). */
  signals: Record<string, SignalFn | SignalData>;
  ledger?: Ledger;
  hpas?: HpaScan[];
  now?: number;
  repoPolicies?: Record<string, string>;
}

/** The plan input for a config text, files and synthetic signals, exactly as the CLI would build it. */
export function planInput(f: EngineFixture): PlanInput {
  const loaded = loadConfigText(f.config, f.repoPolicies);
  if (!loaded.loaded)
    throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join("\n"));
  const now = f.now ?? NOW;
  const answers = new Map<string, SignalData>();
  for (const lever of loaded.loaded.levers) {
    const requests = signalRequests(lever, loaded.loaded.config.guardrails, now);
    if (!requests.ok) throw new Error(requests.error);
    for (const r of requests.value) {
      const s = f.signals[r.name];
      if (s === undefined) {
        answers.set(rangeKey(r), {
          status: "missing",
          kind: "empty",
          reason: "no data: the query matched no series",
          warnings: [],
        });
      } else if (typeof s !== "function") answers.set(rangeKey(r), s);
      else {
        const samples = [];
        for (let t = r.start; t <= r.end; t += r.step) {
          const v = s(t);
          if (v !== undefined) samples.push({ t, v });
        }
        answers.set(
          rangeKey(r),
          samples.length > 0
            ? { status: "ok", samples, warnings: [], dropped: 0 }
            : { status: "missing", kind: "empty", reason: "no data", warnings: [] },
        );
      }
    }
  }
  const files = new Map(
    Object.entries(f.files).map(([path, text]) => [path, parseLeverFile(text, path)] as const),
  );
  return {
    config: loaded.loaded.config,
    levers: loaded.loaded.levers,
    files,
    answers,
    ledger: f.ledger ?? EMPTY_LEDGER,
    hpas: f.hpas ?? [],
    now,
    links: { prometheus: "http://prometheus:9090" },
  };
}
