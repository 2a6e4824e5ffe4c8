import { run } from "probot";
import { parseDuration } from "../core/units/duration.js";
import { governorApp } from "./app.js";
import { endpointChooser, operatorEndpoints } from "./endpoints.js";

/** `npm start`: the App, with Probot's conventions, refusing to run without a webhook secret. */
function main(): void {
  const env = process.env;
  const missing = [
    env.WEBHOOK_SECRET ? "" : "WEBHOOK_SECRET",
    env.APP_ID ? "" : "APP_ID",
    env.PRIVATE_KEY || env.PRIVATE_KEY_PATH ? "" : "PRIVATE_KEY or PRIVATE_KEY_PATH",
  ].filter(Boolean);
  if (missing.length > 0) {
    process.stderr.write(
      `governor: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set. The App needs the GitHub App's id, private key and webhook secret ` +
        "(Probot's development fallback secret is not acceptable in production). See the README: Install and run.\n",
    );
    process.exit(1);
  }
  const endpoints = operatorEndpoints(env);
  if (!endpoints.ok) {
    process.stderr.write(`governor: ${endpoints.error}\n`);
    process.exit(1);
  }
  const secret = env.WEBHOOK_SECRET as string;
  const interval = parseDuration(env.GOVERNOR_TICK_INTERVAL ?? "1h");
  if (!interval.ok) {
    process.stderr.write(`governor: GOVERNOR_TICK_INTERVAL: ${interval.error}\n`);
    process.exit(1);
  }
  void run(
    governorApp({
      endpoint: endpointChooser(endpoints.value),
      key: secret,
      clock: Date.now,
      schedule: { intervalMs: interval.value, concurrency: Number(env.GOVERNOR_CONCURRENCY ?? 4) },
    }),
  );
}

main();
