import { existsSync } from "node:fs";
import { Probot, Server } from "probot";
import { governorApp } from "./app.js";
import { endpointChooser, operatorEndpoints } from "./endpoints.js";
import { guardRequestBodies } from "./http.js";
import { governorOctokit } from "./octokit-limits.js";
import { appSettings } from "./settings.js";

function refuse(message: string): never {
  process.stderr.write(
    `governor: ${message.split("\n").join("\ngovernor: ")}\nSee the README: Install and run.\n`,
  );
  process.exit(1);
}

/**
 * `npm start`: the App with Probot's conventions, every setting parsed before anything starts.
 * Probot's `run` is not used: its server reads a webhook body in full before checking its
 * signature, and the body guard must sit in front of it.
 */
async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env"); // as Probot's run does; set variables win
  const env = process.env;
  const settings = appSettings(env);
  if (!settings.ok) refuse(settings.error);
  const endpoints = operatorEndpoints(env);
  if (!endpoints.ok) refuse(endpoints.error);
  const s = settings.value;
  // A Probot of its own only to build Probot's logger (level, format, Sentry) from the settings.
  const logger = new Probot({
    appId: s.appId,
    privateKey: s.privateKey,
    logLevel: s.logLevel,
    logFormat: s.logFormat,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  await logger.ready();
  const log = logger.log;
  const server = new Server({
    ...(s.host ? { host: s.host } : {}),
    port: s.port,
    ...(s.webhookPath ? { webhookPath: s.webhookPath } : {}),
    log,
    Probot: Probot.defaults({
      appId: s.appId,
      privateKey: s.privateKey,
      secret: s.secret,
      log,
      Octokit: governorOctokit({ maxWaitMs: s.githubMaxWaitMs, requestTimeoutMs: s.githubTimeoutMs }),
      ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}),
      ...(s.redisUrl ? { redisConfig: s.redisUrl } : {}),
    }),
  });
  await server.load(
    governorApp({
      endpoint: endpointChooser(endpoints.value, s.publicLinks),
      key: s.secret,
      clock: Date.now,
      schedule: { intervalMs: s.tickIntervalMs, concurrency: s.concurrency },
    }),
  );
  // Nothing runs between `listening` and this line (no I/O turn), so no request escapes the guard.
  guardRequestBodies(
    await server.start(),
    { maxBytes: s.webhookMaxBytes, timeoutMs: s.webhookBodyTimeoutMs },
    log.child({ name: "http" }),
  );
  process.on("SIGINT", () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((e: unknown) => refuse(`the App did not start: ${e instanceof Error ? e.message : String(e)}`));
