import type { SimulationResult } from "./run.js";

const W = 960;
const H = 420;
const PAD = { left: 60, right: 60, top: 40, bottom: 40 };
const COLORS: Record<string, string> = {
  propose: "#888",
  merge: "#2a7",
  revert: "#d33",
  fail: "#d33",
  pass: "#2a7",
  reject: "#a70",
  inconclusive: "#a70",
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** One SVG: the lever's value (left axis) and the plant's latency (right axis) over the run, events marked. */
export function renderChart(name: string, r: SimulationResult): string {
  const t0 = r.values[0]?.[0] ?? 0;
  const t1 = r.values.at(-1)?.[0] ?? t0 + 1;
  const x = (t: number) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.left - PAD.right);
  const scale = (series: ReadonlyArray<readonly [number, number]>) => {
    const max = Math.max(...series.map(([, v]) => v), 1e-9) * 1.1;
    return (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  };
  const yv = scale(r.values);
  const yl = scale(r.latency);
  const line = (series: ReadonlyArray<readonly [number, number]>, y: (v: number) => number) =>
    series.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const marks = r.timeline
    .filter((e) => e.event !== "propose")
    .map((e) => {
      const at = x(Date.parse(e.t)).toFixed(1);
      return `<line x1="${at}" x2="${at}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="${COLORS[e.event] ?? "#999"}" stroke-dasharray="3,3"><title>${esc(`${e.t} ${e.event}: ${e.detail}`)}</title></line>`;
    });
  const days = Math.round((t1 - t0) / 86_400_000);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${PAD.left}" y="24" font-size="15">${esc(name)}: lever value (blue) and p99 latency (orange) over ${days} days</text>
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>
${marks.join("\n")}
<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="${line(r.values, yv)}"/>
<polyline fill="none" stroke="#f0883e" stroke-width="1.5" points="${line(r.latency, yl)}"/>
<text x="${PAD.left}" y="${H - 12}">day 0</text><text x="${W - PAD.right - 40}" y="${H - 12}">day ${days}</text>
<text x="${W - PAD.right - 330}" y="${H - 12}" fill="#2a7">merge / pass</text><text x="${W - PAD.right - 230}" y="${H - 12}" fill="#d33">fail / revert</text><text x="${W - PAD.right - 140}" y="${H - 12}" fill="#a70">reject</text>
</svg>
`;
}
