/**
 * Two reference recommenders, implemented from their published rules, to compare Governor's
 * right-sizing with. They see the same measured samples Governor's queries see.
 *
 * Kubernetes VPA recommender (autoscaler/vertical-pod-autoscaler/pkg/recommender):
 * - CPU: a decaying histogram of usage samples (exponential buckets from 0.01 cores, ratio 1.05;
 *   half-life 24h; each sample weighted by the request in effect, at least 0.1); target = the
 *   90th percentile (the upper edge of its bucket) × 1.15 safety margin; at least 25m.
 * - Memory: the peak of each 24h aggregation interval goes into a decaying histogram (buckets
 *   from 10 MB, ratio 1.05, half-life 24h); an OOM kill adds a peak of max(limit × 1.2,
 *   limit + 100Mi); target = the 90th percentile × 1.15; at least 250Mi.
 * KRR simple strategy (robusta-dev/krr, as in its README at the time of writing): CPU = the
 * 95th percentile of usage over its history (14 days), no margin; memory = the maximum over its
 * history + 15%. (The 99th percentile was KRR's earlier CPU default; 95 since robusta-dev/krr#282.)
 * Known deviations, left for issue 13: CPU is modelled as capped at the request, while KRR sets no
 * CPU limit, so throttling here is mostly the model's; the VPA reference applies its target daily
 * whenever it differs, without the updater's bounds and eviction rules.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MI = 1024 * 1024;

export interface Recommender {
  readonly name: string;
  /** A measured sample of what the lever must cover; `value` is the request in effect then. */
  observe(t: number, used: number, value: number, oomKilled: boolean, limit: number): void;
  recommend(now: number): number;
}

class DecayingHistogram {
  private readonly weights = new Map<number, number>();
  constructor(
    private readonly first: number,
    private readonly ratio: number,
    private readonly halfLife: number,
    private readonly reference: number,
  ) {}
  private bucket(v: number): number {
    if (v < this.first) return 0;
    // Bucket i spans [first·(ratio^i − 1)/(ratio − 1), first·(ratio^(i+1) − 1)/(ratio − 1)).
    return Math.floor(Math.log(1 + (v * (this.ratio - 1)) / this.first) / Math.log(this.ratio));
  }
  private start(i: number): number {
    return (this.first * (this.ratio ** i - 1)) / (this.ratio - 1);
  }
  /** A sample (a negative weight takes one back), its weight growing with time instead of old ones decaying. */
  add(v: number, weight: number, t: number): void {
    const i = this.bucket(v);
    const w = weight * 2 ** ((t - this.reference) / this.halfLife);
    this.weights.set(i, (this.weights.get(i) ?? 0) + w);
  }
  /** The upper edge of the bucket holding the percentile, as VPA's histogram reports it. */
  percentile(p: number): number {
    const buckets = [...this.weights.entries()].sort((a, b) => a[0] - b[0]);
    const total = buckets.reduce((a, [, w]) => a + w, 0);
    let seen = 0;
    for (const [i, w] of buckets) {
      seen += w;
      if (seen >= p * total) return this.start(i + 1);
    }
    return 0;
  }
}

export function vpa(kind: "cpu" | "memory", start: number): Recommender {
  if (kind === "cpu") {
    const h = new DecayingHistogram(0.01, 1.05, DAY, start);
    return {
      name: "VPA recommender",
      observe: (t, used, value) => h.add(used, Math.max(value, 0.1), t),
      recommend: () => Math.max(0.025, h.percentile(0.9) * 1.15),
    };
  }
  // One peak per 24h interval: a higher sample in the same interval replaces the interval's peak.
  const h = new DecayingHistogram(1e7, 1.05, DAY, start);
  let interval = Number.NaN;
  let peak = 0;
  return {
    name: "VPA recommender",
    observe: (t, used, _value, oomKilled, limit) => {
      const i = Math.floor(t / DAY);
      if (i !== interval) {
        interval = i;
        peak = 0;
      }
      const sample = oomKilled ? Math.max(used, limit * 1.2, limit + 100 * MI) : used;
      if (sample > peak) {
        if (peak > 0) h.add(peak, -1, interval * DAY);
        h.add(sample, 1, interval * DAY);
        peak = sample;
      }
    },
    recommend: () => Math.max(250 * MI, h.percentile(0.9) * 1.15),
  };
}

export function krr(kind: "cpu" | "memory"): Recommender {
  const samples: Array<{ t: number; v: number }> = [];
  const history = (now: number) => samples.filter((s) => s.t > now - 14 * DAY).map((s) => s.v);
  return {
    name: "KRR simple",
    observe: (t, used) => {
      samples.push({ t, v: used });
    },
    recommend: (now) => {
      const xs = history(now).sort((a, b) => a - b);
      if (kind === "memory") return (xs.at(-1) ?? 0) * 1.15;
      return xs[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] ?? 0;
    },
  };
}
