import { createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { err, ok, type Result } from "../result.js";

/**
 * A hidden, signed JSON block in a PR or issue body: `<!-- governor:<tag>:<payload>:<hmac> -->`.
 * The HMAC is keyed by the App's secret, so an edited block is detected, never trusted.
 */
const sign = (payload: string, key: string) => createHmac("sha256", key).update(payload).digest("hex");

export function renderSignedBlock(tag: string, value: unknown, key: string): string {
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `<!-- governor:${tag}:${payload}:${sign(`${tag}:${payload}`, key)} -->`;
}

export type BlockProblem = "missing" | "tampered" | "invalid";

export function parseSignedBlock<T>(
  tag: string,
  schema: z.ZodType<T>,
  body: string | null | undefined,
  key: string,
): Result<T, BlockProblem> {
  const m = new RegExp(`<!-- governor:${tag}:([A-Za-z0-9_-]+):([0-9a-f]{64}) -->`).exec(body ?? "");
  if (!m?.[1] || !m[2]) return err("missing");
  const expected = Buffer.from(sign(`${tag}:${m[1]}`, key), "hex");
  const given = Buffer.from(m[2], "hex");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return err("tampered");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8"));
  } catch {
    return err("invalid");
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err("invalid");
}
