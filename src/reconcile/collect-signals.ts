import { rangeKey } from "../core/signals/recording.js";
import type { SignalRequest } from "../core/signals/requests.js";
import type { SignalData, SignalSource } from "../core/signals/source.js";

/**
 * Asks `source` every distinct request once (levers sharing a query and range share the
 * answer), at most `concurrency` at a time. Never throws: failures are missing data.
 */
export async function collectSignals(
  source: SignalSource,
  requests: readonly SignalRequest[],
  concurrency = 4,
): Promise<Map<string, SignalData>> {
  const unique = new Map<string, SignalRequest>();
  for (const r of requests) if (!unique.has(rangeKey(r))) unique.set(rangeKey(r), r);
  const queue = [...unique.entries()];
  const answers = new Map<string, SignalData>();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, request] = next;
      answers.set(key, await source.range(request));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return answers;
}
