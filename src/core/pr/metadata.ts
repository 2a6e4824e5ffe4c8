import { z } from "zod";
import type { Result } from "../result.js";
import { type BlockProblem, parseSignedBlock, renderSignedBlock } from "./signed-block.js";

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
  /** The container's limit as written, when it moved with the request (`limit: ratio`). */
  limit: z.object({ from: z.string(), to: z.string() }).optional(),
  /** For a revert: the decision it reverts. */
  reverts: z.string().optional(),
});
export type PrMetadata = z.infer<typeof metadataSchema>;

/** The PR's block, tag `v1`. */
export function renderMetadata(meta: PrMetadata, key: string): string {
  return renderSignedBlock("v1", meta, key);
}

export type MetadataProblem = BlockProblem;

/** Reads the block back; `tampered` when its signature does not match (someone edited it). */
export function parseMetadata(
  body: string | null | undefined,
  key: string,
): Result<PrMetadata, MetadataProblem> {
  return parseSignedBlock("v1", metadataSchema, body, key);
}
