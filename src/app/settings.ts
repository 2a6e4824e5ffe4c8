import { readFileSync } from "node:fs";
import { z } from "zod";
import { err, ok, type Result } from "../core/result.js";
import { type PublicLinks, publicLinkEnv } from "../core/signals/links.js";
import { parseDuration } from "../core/units/duration.js";

/** GitHub caps a webhook payload at 25 MB: anything larger is not from GitHub. */
export const GITHUB_WEBHOOK_CAP = 25 * 1024 * 1024;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A Prometheus duration (`30s`, `1h30m`) within [min, max], as milliseconds. */
const duration = (fallback: string, min: number, max: number, range: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const d = parseDuration(text.trim());
      if (!d.ok || d.value < min || d.value > max) {
        ctx.addIssue({ code: "custom", message: `"${text}" is not a duration from ${range}` });
        return z.NEVER;
      }
      return d.value;
    });

/** A whole number within [min, max]; `Number("abc")` is NaN and must not become zero workers. */
const integer = (fallback: string, min: number, max: number) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `"${text}" is not a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/** Every variable the App reads, and its allowed range; PROMETHEUS_* are parsed by operatorEndpoints. */
const schema = z.object({
  APP_ID: z
    .string({ error: "is not set: the GitHub App's numeric id (the App's settings page)" })
    .regex(/^\s*[1-9]\d*\s*$/, "must be the GitHub App's numeric id (a whole number from 1)")
    .transform(Number),
  PRIVATE_KEY: optional,
  PRIVATE_KEY_PATH: optional,
  WEBHOOK_SECRET: z
    .string({
      error:
        "is not set: the App needs the webhook secret of its GitHub App settings (16 characters or more)",
    })
    .refine((s) => s.length >= 16 && s !== "development", {
      message:
        "must be the secret of the GitHub App's settings, 16 characters or more (Probot's fallback \"development\" is refused: anyone can sign with it)",
    }),
  GOVERNOR_CONCURRENCY: integer("4", 1, 64),
  GOVERNOR_TICK_INTERVAL: duration("1h", MINUTE, DAY, "1m to 1d"),
  GOVERNOR_WEBHOOK_MAX_BYTES: integer(String(GITHUB_WEBHOOK_CAP), 1024, GITHUB_WEBHOOK_CAP),
  GOVERNOR_WEBHOOK_BODY_TIMEOUT: duration("30s", 1000, 5 * MINUTE, "1s to 5m"),
  GOVERNOR_GITHUB_MAX_WAIT: duration("5m", 1000, 60 * MINUTE, "1s to 1h"),
  GOVERNOR_GITHUB_TIMEOUT: duration("30s", 1000, 5 * MINUTE, "1s to 5m"),
  PORT: integer("3000", 1, 65535),
  HOST: optional,
  WEBHOOK_PATH: optional.refine((p) => p === undefined || p.startsWith("/"), {
    message: "must be a path starting with /",
  }),
  GHE_HOST: optional.refine((h) => h === undefined || /^[A-Za-z0-9.-]+(:\d+)?$/.test(h), {
    message: "must be a host name (github.example.com), without scheme or path",
  }),
  GHE_PROTOCOL: z.enum(["https", "http"], { error: "must be https or http" }).default("https"),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal"], {
      error: "must be one of trace, debug, info, warn, error, fatal",
    })
    .default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).optional(),
  REDIS_URL: optional,
  // PROMETHEUS_PUBLIC_URL, GRAFANA_URL: where evidence links in PRs point (a reviewer's browser opens them).
  ...publicLinkEnv.shape,
});

export interface AppSettings {
  readonly appId: number;
  readonly privateKey: string;
  readonly secret: string;
  readonly concurrency: number;
  readonly tickIntervalMs: number;
  readonly webhookMaxBytes: number;
  readonly webhookBodyTimeoutMs: number;
  readonly githubMaxWaitMs: number;
  /** How long one GitHub request may take, body included. */
  readonly githubTimeoutMs: number;
  readonly port: number;
  readonly host: string | undefined;
  readonly webhookPath: string | undefined;
  readonly baseUrl: string | undefined;
  readonly logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  readonly logFormat: "json" | "pretty";
  readonly redisUrl: string | undefined;
  /** Browser-reachable bases for evidence links; without them a PR shows the query text. */
  readonly publicLinks: PublicLinks;
}

/** A PEM key as Probot takes it: literal `\n`s and a base64-encoded PEM are accepted too. */
function privateKeyFrom(env: z.infer<typeof schema>): Result<string, string> {
  let text: string;
  if (env.PRIVATE_KEY !== undefined) text = env.PRIVATE_KEY.replace(/\\n/g, "\n");
  else if (env.PRIVATE_KEY_PATH !== undefined) {
    try {
      text = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch (e) {
      const why = e instanceof Error && "code" in e ? String(e.code) : "unreadable";
      return err(
        `PRIVATE_KEY_PATH: cannot read "${env.PRIVATE_KEY_PATH}" (${why}): give the path of the App's .pem key`,
      );
    }
  } else
    return err("PRIVATE_KEY or PRIVATE_KEY_PATH is not set: the App needs its GitHub App private key (.pem)");
  if (!text.includes("-----BEGIN")) {
    const decoded = Buffer.from(text, "base64").toString("utf8");
    if (decoded.includes("-----BEGIN")) text = decoded;
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
    return err(
      `${env.PRIVATE_KEY !== undefined ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH"}: is not a PEM private key (-----BEGIN RSA PRIVATE KEY-----): use the .pem the GitHub App's settings generated`,
    );
  return ok(text);
}

/**
 * Every setting of the App from its environment, parsed once at start-up. An error names each
 * refused variable and its allowed range; nothing starts on a bad value (a silent default would
 * mean zero workers, a busy loop or a forgeable webhook secret).
 */
export function appSettings(env: Readonly<Record<string, string | undefined>>): Result<AppSettings, string> {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    return err(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  const e = parsed.data;
  const key = privateKeyFrom(e);
  if (!key.ok) return key;
  return ok({
    appId: e.APP_ID,
    privateKey: key.value,
    secret: e.WEBHOOK_SECRET,
    concurrency: e.GOVERNOR_CONCURRENCY,
    tickIntervalMs: e.GOVERNOR_TICK_INTERVAL,
    webhookMaxBytes: e.GOVERNOR_WEBHOOK_MAX_BYTES,
    webhookBodyTimeoutMs: e.GOVERNOR_WEBHOOK_BODY_TIMEOUT,
    githubMaxWaitMs: e.GOVERNOR_GITHUB_MAX_WAIT,
    githubTimeoutMs: e.GOVERNOR_GITHUB_TIMEOUT,
    port: e.PORT,
    host: e.HOST,
    webhookPath: e.WEBHOOK_PATH,
    baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : undefined,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty"),
    redisUrl: e.REDIS_URL,
    publicLinks: { prometheus: e.PROMETHEUS_PUBLIC_URL, grafana: e.GRAFANA_URL },
  });
}
