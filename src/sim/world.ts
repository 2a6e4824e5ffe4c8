import type { ResolvedLever } from "../core/config/check-levers.js";
import { parseSelector, scopeQuery } from "../core/promql/scope.js";
import type { RangeQuery, SignalData, SignalSource } from "../core/signals/source.js";
import { parseDuration } from "../core/units/duration.js";
import { loadAt } from "./load.js";
import { noiseFn } from "./noise.js";
import { plantSeries } from "./plants.js";
import type { Scenario } from "./scenario.js";

export const ms = (d: string): number => {
  const r = parseDuration(d);
  return r.ok ? r.value : 0;
};

/** The series a guardrail of a scenario reads: `sim_<series>`, scoped like any other query. */
export const guardrailQuery = (series: string) => `max(sim_${series})`;

/** Series that are counts of events, not measurements: no measurement noise on them. */
const EXACT = new Set(["oom", "incident"]);

export interface Truth extends Record<string, number> {
  readonly latency: number;
}

/**
 * The modelled system: the lever's value in effect over time (as the deployer applied it), the
 * plant's true series, and a simulated Prometheus that answers the scoped queries of the real
 * engine with those series plus noise and the scenario's gaps.
 */
export class World {
  private readonly history: Array<{ at: number; value: number; bad: boolean }>;
  private readonly seriesOf = new Map<string, string>();
  private readonly noise: (series: string, t: number) => number;
  readonly source: SignalSource;

  constructor(
    private readonly s: Scenario,
    private readonly seed: number,
    private readonly start: number,
    initial: number,
    lever: ResolvedLever,
    selector: string,
  ) {
    // The watch reads the series at watch.interval: its lag-1 correlation is the one declared.
    this.noise = noiseFn(s.noise, seed, start, ms(s.watch.interval));
    this.history = [{ at: Number.NEGATIVE_INFINITY, value: initial, bad: false }];
    const matchers = parseSelector(selector);
    const register = (query: string, series: string) => {
      const scoped = matchers.ok ? scopeQuery(query, matchers.value) : undefined;
      if (scoped?.ok) this.seriesOf.set(scoped.value, series);
    };
    for (const [name, q] of Object.entries(lever.policyDef.signals)) register(q, name);
    for (const g of s.guardrails) register(guardrailQuery(g.series), g.series);
    this.source = { range: async (q) => this.answer(q), instant: async () => this.answer(undefined) };
  }

  /** The deployer applies a value at `at`; `bad` when it truly makes things worse (injected). */
  apply(at: number, value: number, bad: boolean): void {
    this.history.push({ at, value, bad });
    this.history.sort((a, b) => a.at - b.at);
  }

  private inEffect(t: number) {
    let current = this.history[0] as { value: number; bad: boolean };
    for (const h of this.history) if (h.at <= t) current = h;
    return current;
  }

  valueAt(t: number): number {
    return this.inEffect(t).value;
  }

  /**
   * The plant's noise-free series at `t`: with the value in effect, or with `value` (what the
   * plant would do with it, without the injected harm of a bad change — to judge harm).
   */
  truth(t: number, value?: number): Truth {
    const elapsed = t - this.start;
    const inEffect = this.inEffect(t);
    let burst = 1;
    for (const i of this.s.inject)
      if (i.type === "burst" && elapsed >= ms(i.from) && elapsed < ms(i.to)) burst *= 1 + i.effect;
    const series = plantSeries(
      this.s.plant,
      loadAt(this.s.load, this.seed, elapsed) * burst,
      value ?? inEffect.value,
    );
    let factor = 1;
    for (const i of this.s.inject) {
      if (i.type === "regression" && elapsed >= ms(i.from) && elapsed < ms(i.to)) factor *= 1 + i.effect;
      if (i.type === "bad-change" && value === undefined && inEffect.bad) factor *= 1 + i.effect;
    }
    return { ...series, latency: (series.latency ?? 0) * factor };
  }

  private inGap(t: number): boolean {
    const elapsed = t - this.start;
    return this.s.inject.some((i) => i.type === "gap" && elapsed >= ms(i.from) && elapsed < ms(i.to));
  }

  /** What the simulated Prometheus reports for a series at `t`: the truth plus noise; undefined in a gap. */
  measured(name: string, t: number): number | undefined {
    if (this.inGap(t)) return undefined;
    const v = this.truth(t)[name];
    if (v === undefined) return undefined;
    return EXACT.has(name) ? v : Math.max(0, v * (1 + this.noise(name, t)));
  }

  private answer(q: RangeQuery | undefined): SignalData {
    const name = q && this.seriesOf.get(q.query);
    if (!q || !name)
      return {
        status: "missing",
        kind: "empty",
        reason: "no data: the query matched no series",
        warnings: [],
      };
    const samples = [];
    for (let t = q.start; t <= q.end; t += q.step) {
      const v = this.measured(name, t);
      if (v !== undefined) samples.push({ t, v });
    }
    return samples.length > 0
      ? { status: "ok", samples, warnings: [], dropped: 0 }
      : { status: "missing", kind: "empty", reason: "no data: the query matched no series", warnings: [] };
  }
}
