/** The first bytes of a body, read as a stream so that memory never exceeds `max` plus one chunk. */
export type BodyRead =
  | { readonly type: "complete"; readonly text: string }
  /** More than `max` bytes, the rest never read; `prefix` decodes the first `max` on demand. */
  | { readonly type: "over"; readonly prefix: () => string }
  | { readonly type: "error"; readonly reason: string };

/**
 * Reads at most `max` bytes of `response`'s body, then cancels it; `abort` (the request's own
 * controller) closes the connection, so a server streaming without end is stopped at once
 * instead of filling buffers.
 */
export async function readBody(response: Response, max: number, abort: () => void): Promise<BodyRead> {
  const reader = response.body?.getReader();
  if (!reader) return { type: "complete", text: "" };
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = max - total;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        abort();
        await reader.cancel().catch(() => {});
        return { type: "over", prefix: () => decode(chunks) };
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    return { type: "error", reason: timedOut ? "timeout" : e instanceof Error ? e.message : String(e) };
  }
  return { type: "complete", text: decode(chunks) };
}

function decode(chunks: readonly Uint8Array[]): string {
  return new TextDecoder().decode(Buffer.concat(chunks));
}
