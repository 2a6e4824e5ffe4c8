import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { err, ok, type Result } from "../result.js";

/**
 * The hidden block at the end of every Governor PR body: what Governor needs to read its own PRs
 * back as the ledger. Signed with an HMAC keyed by the App's secret, so an edited block is
 * detected and the PR is left to people.
 */
export const metadataSchema = z.object({
  v: z.literal(1),
  kind: z.enum(["change", "revert"]),
  lever: z.string(),
  policy: z.string(),
  decision: z.string(),
  /** Values verbatim as written in the file. */
  from: z.string(),
  to: z.string(),
  direction: z.enum(["up", "down"]),
  file: z.string(),
  proposedAt: z.number(),
  /** For a revert: the decision it reverts. */
  reverts: z.string().optional(),
});
export type PrMetadata = z.infer<typeof metadataSchema>;

const BLOCK = /<!-- governor:v1:([A-Za-z0-9_-]+):([0-9a-f]{64}) -->/;

const sign = (payload: string, key: string) => createHmac("sha256", key).update(payload).digest("hex");

export function renderMetadata(meta: PrMetadata, key: string): string {
  const payload = Buffer.from(JSON.stringify(meta)).toString("base64url");
  return `<!-- governor:v1:${payload}:${sign(payload, key)} -->`;
}

export type MetadataProblem = "missing" | "tampered" | "invalid";

/** Reads the block back; `tampered` when its signature does not match (someone edited it). */
export function parseMetadata(
  body: string | null | undefined,
  key: string,
): Result<PrMetadata, MetadataProblem> {
  const m = BLOCK.exec(body ?? "");
  if (!m?.[1] || !m[2]) return err("missing");
  const expected = Buffer.from(sign(m[1], key), "hex");
  const given = Buffer.from(m[2], "hex");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return err("tampered");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8"));
  } catch {
    return err("invalid");
  }
  const parsed = metadataSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err("invalid");
}
