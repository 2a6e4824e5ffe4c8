// The end-to-end test's service: reads its knob (workers) from a YAML file on every request and
// exposes Prometheus metrics. Latency falls with more workers; in BAD mode, 6 workers or more
// make it much worse (a change that truly hurts). Usage: node knob-service.mjs <applied.yaml> <BAD|GOOD>
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [file, mode] = process.argv.slice(2);
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, Number.POSITIVE_INFINITY];
const counts = BUCKETS.map(() => 0);
let sum = 0;
let total = 0;
const workers = () => {
  try {
    return Number(/workers:\s*(\d+)/.exec(readFileSync(file, "utf8"))?.[1] ?? 1);
  } catch {
    return 1;
  }
};
const latency = (w) => (mode === "BAD" && w >= 6 ? 0.3 : 0.12 * (5 / Math.max(1, w)));
createServer((req, res) => {
  if (req.url === "/metrics") {
    const w = workers();
    const lines = ["# TYPE demo_request_duration_seconds histogram"];
    for (const [i, b] of BUCKETS.entries()) {
      lines.push(
        `demo_request_duration_seconds_bucket{le="${b === Number.POSITIVE_INFINITY ? "+Inf" : b}"} ${counts[i]}`,
      );
    }
    lines.push(`demo_request_duration_seconds_sum ${sum}`, `demo_request_duration_seconds_count ${total}`);
    lines.push(
      "# TYPE demo_workers gauge",
      `demo_workers ${w}`,
      "# TYPE demo_pool_utilization gauge",
      `demo_pool_utilization ${Math.min(1, 4 / w)}`,
    );
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(`${lines.join("\n")}\n`);
    return;
  }
  const l = latency(workers());
  setTimeout(() => {
    total++;
    sum += l;
    BUCKETS.forEach((b, i) => {
      if (l <= b) counts[i]++;
    });
    res.end("ok");
  }, l * 1000);
}).listen(0, "127.0.0.1", function () {
  process.stdout.write(`LISTENING ${this.address().port}\n`);
});
