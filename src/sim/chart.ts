import { describeMagnitude } from "../core/engine/strategies.js";
import { maxOf } from "../core/stats/describe.js";
import type { SimEventKind, SimulationResult } from "./run.js";

/**
 * The picture of a run, for a person: on top the lever's value against what it must cover (in the
 * lever's unit), below the plant's true p99 latency with incidents shaded, and every event of
 * Governor's marked across both — so a revert can be seen next to the regression that caused it.
 */
const W = 1000;
const LEFT = 90;
const RIGHT = 30;
const TOP = { y: 84, h: 200 };
const BOTTOM = { y: 332, h: 150 };
const H = 544;
/** Event labels stack in up to this many rows above the top panel, so close events stay readable. */
const ROWS = 4;
const DAY = 86_400_000;

const MARK: Partial<Record<SimEventKind, { color: string; label: string }>> = {
  propose: { color: "#8b949e", label: "P" },
  merge: { color: "#1f6feb", label: "M" },
  pass: { color: "#2da44e", label: "✓" },
  fail: { color: "#cf222e", label: "✗" },
  revert: { color: "#cf222e", label: "↺" },
  reject: { color: "#bf8700", label: "R" },
  inconclusive: { color: "#bf8700", label: "?" },
  extended: { color: "#bf8700", label: "+" },
  hold: { color: "#6e40c9", label: "H" },
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
const fmt = (x: number) => Number(x.toPrecision(3)).toString();
type Series = ReadonlyArray<readonly [number, number]>;

export function renderChart(name: string, r: SimulationResult): string {
  const t0 = r.values[0]?.[0] ?? 0;
  const t1 = (r.values.at(-1)?.[0] ?? t0) + (r.values.length > 1 ? (r.values[1]?.[0] ?? t0) - t0 : DAY);
  const x = (t: number) => LEFT + ((t - t0) / Math.max(1, t1 - t0)) * (W - LEFT - RIGHT);
  const yScale = (panel: { y: number; h: number }, max: number) => (v: number) =>
    panel.y + panel.h - (v / max) * panel.h;
  const top = Math.max(maxOf(r.values.map(([, v]) => v)), maxOf(r.demand.map(([, v]) => v)), 1e-9) * 1.1;
  const bottom = Math.max(maxOf(r.latency.map(([, v]) => v)), 1e-9) * 1.1;
  const yTop = yScale(TOP, top);
  const yBottom = yScale(BOTTOM, bottom);
  const step = (s: Series, y: (v: number) => number) =>
    s
      .map(
        ([t, v], i) =>
          `${i === 0 ? "" : `${x(t).toFixed(1)},${y(s[i - 1]?.[1] ?? v).toFixed(1)} `}${x(t).toFixed(1)},${y(v).toFixed(1)}`,
      )
      .join(" ");
  const line = (s: Series, y: (v: number) => number) =>
    s.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const unit = (v: number) => describeMagnitude(r.valueType, v);
  const axis = (panel: { y: number; h: number }, max: number, label: (v: number) => string) =>
    [0, 0.5, 1]
      .map((f) => {
        const y = panel.y + panel.h - f * panel.h;
        return `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#eaeef2"/><text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" fill="#57606a">${esc(label(f * max))}</text>`;
      })
      .join("\n");
  const days = Math.round((t1 - t0) / DAY);
  const every = Math.max(1, Math.ceil(days / 15));
  const ticks = Array.from({ length: Math.floor(days / every) + 1 }, (_, i) => i * every)
    .map(
      (d) =>
        `<line x1="${x(t0 + d * DAY)}" x2="${x(t0 + d * DAY)}" y1="${BOTTOM.y + BOTTOM.h}" y2="${BOTTOM.y + BOTTOM.h + 4}" stroke="#57606a"/><text x="${x(t0 + d * DAY)}" y="${BOTTOM.y + BOTTOM.h + 18}" text-anchor="middle" fill="#57606a">day ${d}</text>`,
    )
    .join("\n");
  const slot = (r.values[1]?.[0] ?? t0 + DAY) - t0;
  const incidents = r.incidents
    .map((v, i) => (v > 0 ? r.latency[i]?.[0] : undefined))
    .filter((t): t is number => t !== undefined)
    .map(
      (t) =>
        `<rect x="${x(t).toFixed(1)}" y="${BOTTOM.y}" width="${Math.max(1, x(t + slot) - x(t)).toFixed(1)}" height="${BOTTOM.h}" fill="#ffebe9"/>`,
    );
  const gaps = r.gaps.map(
    ([from, to]) =>
      `<rect x="${x(from).toFixed(1)}" y="${BOTTOM.y}" width="${Math.max(1, x(to) - x(from)).toFixed(1)}" height="${BOTTOM.h}" fill="#eaeef2"><title>no data from the plant's metrics</title></rect>`,
  );
  // Close events take a new row rather than overprint one: the chart grows to fit them all.
  const rowEnds: number[] = [];
  const placed = r.timeline.flatMap((e) => {
    const m = MARK[e.event];
    if (!m) return [];
    const px = x(Date.parse(e.t));
    const free = rowEnds.findIndex((end) => px - end >= 12);
    const slot = free === -1 ? rowEnds.length : free;
    rowEnds[slot] = px;
    return [{ e, m, px, slot }];
  });
  const shift = Math.max(0, rowEnds.length - ROWS) * 13;
  const marks = placed.map(({ e, m, px, slot }) => {
    const at = px.toFixed(1);
    const row = TOP.y - 8 - slot * 13;
    return `<g><title>${esc(`${e.t.slice(0, 16).replace("T", " ")} ${e.event}: ${e.detail}`)}</title><line x1="${at}" x2="${at}" y1="${row + 2}" y2="${BOTTOM.y + BOTTOM.h}" stroke="${m.color}" stroke-dasharray="2,3" opacity="0.7"/><text x="${at}" y="${row}" text-anchor="middle" fill="${m.color}" font-weight="bold">${m.label}</text></g>`;
  });
  // A hold explains the quiet days after it: shaded until a resume, or the end.
  const holds = r.timeline
    .filter((e) => e.event === "hold")
    .map((e) => {
      const from = x(Date.parse(e.t));
      return `<rect x="${from.toFixed(1)}" y="${TOP.y}" width="${Math.max(1, x(t1) - from).toFixed(1)}" height="${TOP.h}" fill="#6e40c9" opacity="0.06"><title>${esc(`on hold: ${e.detail}`)}</title></rect><text x="${Math.min(from + 6, W - RIGHT - 200).toFixed(1)}" y="${TOP.y + TOP.h - 8}" fill="#6e40c9">on hold from here: no new proposals</text>`;
    });
  const legend = Object.entries(MARK)
    .map(
      ([event, m], i) =>
        `<text x="${LEFT + i * 100}" y="${H - 12}" fill="${m?.color}">${m?.label} ${event}</text>`,
    )
    .join("");
  const series = [
    ["#1f6feb", "— lever value"],
    ["#bf8700", "- - what it must cover (true demand)"],
    ["#bc4c00", "— true p99 latency (lower panel)"],
    ["#cf222e", "red band: incident (throttled, OOM-killed, queue overflowing)"],
    ...(gaps.length > 0 ? [["#57606a", "grey band: no metrics (gap)"]] : []),
  ];
  // Laid out by an estimate of each text's width (7 px a character), wrapping before the edge.
  let cx = LEFT;
  let line_ = 0;
  const seriesLegend = series
    .map(([color, text]) => {
      const width = (text ?? "").length * 7 + 24;
      if (cx + width > W - RIGHT && cx > LEFT) {
        cx = LEFT;
        line_ += 1;
      }
      const out = `<text x="${cx}" y="${H + 8 + line_ * 16}" fill="${color}">${esc(text ?? "")}</text>`;
      cx += width;
      return out;
    })
    .join("");
  const height = H + 24 + line_ * 16 + shift;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${height}" fill="white"/>
<text x="${LEFT}" y="16" font-size="15" font-weight="bold">${esc(name)}: ${days} simulated days</text>
<g transform="translate(0 ${shift})">
${holds.join("\n")}
${axis(TOP, top, unit)}
${axis(BOTTOM, bottom, (v) => `${fmt(v)} s`)}
${incidents.join("\n")}
${gaps.join("\n")}
<polyline fill="none" stroke="#bf8700" stroke-width="1.5" stroke-dasharray="6,3" points="${line(r.demand, yTop)}"/>
<polyline fill="none" stroke="#1f6feb" stroke-width="2.5" points="${step(r.values, yTop)}"/>
<polyline fill="none" stroke="#bc4c00" stroke-width="1.5" points="${line(r.latency, yBottom)}"/>
<line x1="${LEFT}" x2="${W - RIGHT}" y1="${BOTTOM.y + BOTTOM.h}" y2="${BOTTOM.y + BOTTOM.h}" stroke="#57606a"/>
${ticks}
${marks.join("\n")}
${legend}
${seriesLegend}
</g>
</svg>
`;
}
