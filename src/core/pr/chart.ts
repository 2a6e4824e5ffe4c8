import type { Decision } from "../engine/decision.js";
import { magnitude } from "../values/arith.js";

/** The strategy's signal over the whole lookback, with the current and the proposed value as lines. */

const POINTS = 60;
const MI = 1024 * 1024;
const PALETTE = { signal: "#8b949e", current: "#1f6feb", proposed: "#2da44e" } as const;

/** Downsamples to at most POINTS buckets over the whole range (the max of each, so peaks stay). */
export function buckets(series: ReadonlyArray<readonly [number, number]>, n = POINTS): number[] {
  const first = series[0]?.[0] ?? 0;
  const last = series.at(-1)?.[0] ?? first;
  const width = Math.max(1, last - first) / n;
  const out: Array<number | undefined> = Array.from({ length: n }, () => undefined);
  for (const [t, v] of series) {
    const i = Math.min(n - 1, Math.floor((t - first) / width));
    out[i] = Math.max(out[i] ?? Number.NEGATIVE_INFINITY, v);
  }
  // A bucket without samples repeats its neighbour rather than dropping to zero.
  let prev = series[0]?.[1] ?? 0;
  return out.map((v) => {
    prev = v ?? prev;
    return prev;
  });
}

export function chartSection(d: Decision): string {
  const main =
    d.evidence.find((e) => e.signal === d.basis?.signal && e.series && e.series.length > 1) ??
    d.evidence.find((e) => e.series && e.series.length > 1);
  if (!main?.series) return "";
  const type = d.toValue?.type;
  const scale = type === "memory" ? MI : 1;
  const unit = type === "memory" ? "Mi" : type === "cpu" ? "cores" : "";
  const lines = d.basis?.sameUnit === true && main.signal === d.basis.signal && d.fromValue && d.toValue;
  const fmt = (v: number) => Number((v / scale).toPrecision(4));
  const points = buckets(main.series);
  const first = main.series[0]?.[0] ?? 0;
  const last = main.series.at(-1)?.[0] ?? first;
  const hours = Math.max(1, Math.round((last - first) / 3_600_000));
  const flat = (v: number) => `[${points.map(() => fmt(v)).join(", ")}]`;
  const palette = lines ? [PALETTE.signal, PALETTE.current, PALETTE.proposed] : [PALETTE.signal];
  const legend = lines
    ? `Grey: ${main.signal} (the highest value of each ${Math.max(1, Math.round((hours / POINTS) * 60))}-minute slot); blue: the current ${d.from}; green: the proposed ${d.to}.`
    : `${main.signal} (the highest value of each slot).`;
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette.join(", ")}"}}}}%%`,
    "xychart-beta",
    `  title "${main.signal} over the last ${hours}h"`,
    `  x-axis "hours" 0 --> ${hours}`,
    `  y-axis "${unit || main.signal}"`,
    `  line [${points.map(fmt).join(", ")}]`,
    ...(lines && d.fromValue && d.toValue
      ? [`  line ${flat(magnitude(d.fromValue))}`, `  line ${flat(magnitude(d.toValue))}`]
      : []),
    "```",
    "",
    legend,
  ].join("\n");
}
