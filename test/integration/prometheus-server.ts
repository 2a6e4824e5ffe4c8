import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"]) {
    const full = join(dir, name);
    if (dir && existsSync(full)) return full;
  }
  return undefined;
}

/**
 * Whether the real-Prometheus tests can run. In CI a missing binary is a failure (.ci/run
 * installs the Debian package); on a developer's machine the tests are skipped with a note.
 */
export function prometheusAvailable(): boolean {
  const ok = findBinary("prometheus") !== undefined && findBinary("promtool") !== undefined;
  if (!ok && process.env.CI)
    throw new Error(
      "CI: the prometheus and promtool binaries are missing; .ci/run installs the Debian package 'prometheus'",
    );
  if (!ok)
    console.warn(
      "NOTE: prometheus/promtool not found; the real-Prometheus integration tests are skipped (apt-get install prometheus)",
    );
  return ok;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface RunningPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on 127.0.0.1 over a TSDB made by `promtool tsdb create-blocks-from
 * openmetrics` from `openMetrics`; stopped and deleted by `stop()`.
 */
export async function startPrometheus(
  openMetrics: string,
  options: { maxSamples?: number; scrape?: string } = {},
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "governor-prom-"));
  const tsdb = join(dir, "tsdb");
  // With `scrape` (host:port), Prometheus scrapes that target every second instead of holding blocks.
  const scrape = options.scrape
    ? `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: demo\n    static_configs: [{targets: ["${options.scrape}"]}]\n`
    : "global:\n  scrape_interval: 1h\nscrape_configs: []\n";
  writeFileSync(join(dir, "prometheus.yml"), scrape);
  if (openMetrics !== "") {
    writeFileSync(join(dir, "data.om"), openMetrics);
    await run(
      findBinary("promtool") as string,
      ["tsdb", "create-blocks-from", "openmetrics", join(dir, "data.om"), tsdb],
      { timeout: 60_000 },
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    findBinary("prometheus") as string,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=100y",
      `--query.max-samples=${options.maxSamples ?? 50_000_000}`,
      "--log.level=error",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr.slice(-500)}`);
    }
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`prometheus did not become ready within 30 s: ${stderr.slice(-500)}`);
}
