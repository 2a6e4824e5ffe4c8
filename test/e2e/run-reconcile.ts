// One reconcile of o/r against the fake GitHub, in its own process (so a test can SIGKILL it, or
// start two at once). Options (JSON, second argument): usage (the CPU usage it reads, 0.6 unless
// given), retry (Octokit's retries as Probot has them; off unless asked), agent (its user agent).
import { ProbotOctokit } from "probot";
import type { RangeQuery, SignalData } from "../../src/core/signals/source.js";
import { reconcileRepository } from "../../src/reconcile/github.js";

const baseUrl = process.argv[2] as string;
const options = JSON.parse(process.argv[3] ?? "{}") as { usage?: number; retry?: boolean; agent?: string };
const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  // Retried as in production, but after 50 ms rather than 1 s: the fault is the same, the test shorter.
  retry: options.retry ? { retryAfterBaseValue: 50 } : { enabled: false },
  throttle: { enabled: false },
}));
const octokit = new Octokit({ auth: "token", baseUrl, userAgent: options.agent ?? "governor-e2e" } as never);
const usage = options.usage ?? 0.6;
const source = {
  range: async (q: RangeQuery): Promise<SignalData> => {
    const samples = [];
    for (let t = q.start; t <= q.end; t += q.step)
      samples.push({ t, v: q.query.includes("usage") ? usage : 0 });
    return { status: "ok", samples, warnings: [], dropped: 0 };
  },
  instant: async (): Promise<SignalData> => ({ status: "missing", kind: "empty", reason: "", warnings: [] }),
};
const result = await reconcileRepository(
  octokit as never,
  { owner: "o", repo: "r" },
  { endpoint: () => ({ source }), key: "k", now: Date.parse("2026-11-23T10:00:00Z") },
);
process.stdout.write(
  `${JSON.stringify({ actions: result.actions.map((a) => a.type), failures: result.failures.map((f) => f.problem.message) })}\n`,
);
