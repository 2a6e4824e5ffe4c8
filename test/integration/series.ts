/** OpenMetrics test series for the real-Prometheus tests: counters, gauges, a histogram, gaps, a reset. */

export const BASE = Date.parse("2026-01-01T00:00:00Z");
export const HOUR = 3_600_000;
export const SPAN = 6 * HOUR;
const STEP = 15_000;

type Labels = Record<string, string>;
const fmt = (l: Labels) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

function family(
  name: string,
  type: "counter" | "gauge",
  series: Array<{ labels: Labels; value: (t: number) => number | undefined }>,
): string {
  const lines = [`# TYPE ${name} ${type}`];
  const sample = type === "counter" ? `${name}_total` : name;
  for (const s of series) {
    for (let t = BASE; t <= BASE + SPAN; t += STEP) {
      const v = s.value(t - BASE);
      if (v !== undefined) lines.push(`${sample}${fmt(s.labels)} ${v} ${t / 1000}`);
    }
  }
  return lines.join("\n");
}

function histogram(name: string, labels: Labels): string {
  const bounds = [0.05, 0.1, 0.25, 0.5, 1, Number.POSITIVE_INFINITY];
  // 10 requests/s; 90% faster than 0.1 s, 9% up to 0.25 s, 1% up to 0.5 s.
  const share = [0.5, 0.9, 0.99, 1, 1, 1];
  const lines = [`# TYPE ${name} histogram`];
  for (let t = BASE; t <= BASE + SPAN; t += STEP) {
    const n = ((t - BASE) / 1000) * 10;
    bounds.forEach((b, i) => {
      lines.push(
        `${name}_bucket${fmt({ ...labels, le: b === Number.POSITIVE_INFINITY ? "+Inf" : String(b) })} ${Math.round(n * (share[i] ?? 1))} ${t / 1000}`,
      );
    });
    lines.push(`${name}_count${fmt(labels)} ${Math.round(n)} ${t / 1000}`);
    lines.push(`${name}_sum${fmt(labels)} ${(n * 0.07).toFixed(3)} ${t / 1000}`);
  }
  return lines.join("\n");
}

const shop = { namespace: "shop", container: "server" };

/** The TSDB content of the integration tests. */
export function testSeries(): string {
  return [
    family("governor_test_cpu_seconds", "counter", [
      // 0.5 cores, with a counter reset (a restart) at 3h.
      {
        labels: { ...shop, pod: "checkout-1" },
        value: (ms) => ((ms < 3 * HOUR ? ms : ms - 3 * HOUR) / 1000) * 0.5,
      },
      { labels: { ...shop, pod: "checkout-2" }, value: (ms) => (ms / 1000) * 0.25 },
    ]),
    family("governor_test_pool_in_use", "gauge", [
      // A gap: no samples between 2h and 2h30m.
      {
        labels: { namespace: "shop", service: "checkout" },
        value: (ms) => (ms >= 2 * HOUR && ms < 2.5 * HOUR ? undefined : 10 + ((ms / STEP) % 5)),
      },
    ]),
    histogram("governor_test_latency_seconds", { namespace: "shop", service: "checkout" }),
    family("governor_test_error_ratio", "gauge", [
      // Healthy, then a regression from 4h15m on (the "bad change" of the local-mode tests).
      { labels: { namespace: "shop", pod: "checkout-1" }, value: (ms) => (ms < 4.25 * HOUR ? 0.001 : 0.05) },
    ]),
    "# EOF\n",
  ].join("\n");
}
