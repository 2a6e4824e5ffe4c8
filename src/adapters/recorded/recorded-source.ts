import { readFile, stat } from "node:fs/promises";
import { err, ok, type Result } from "../../core/result.js";
import { type Recording, rangeKey, recordingSchema } from "../../core/signals/recording.js";
import { missing, type RangeQuery, type SignalData, type SignalSource } from "../../core/signals/source.js";

/** A SignalSource that answers from a recording made by `governor record`: no Prometheus needed. */
export class RecordedSignalSource implements SignalSource {
  private readonly byRange = new Map<string, SignalData>();

  constructor(readonly recording: Recording) {
    for (const e of recording.entries) this.byRange.set(rangeKey(e), e.data);
  }

  async range(q: RangeQuery): Promise<SignalData> {
    return (
      this.byRange.get(rangeKey(q)) ??
      missing(
        "not-recorded",
        `the recording (made for ${this.recording.now}) does not hold this query over this range: record again with the same --now`,
      )
    );
  }

  async instant(query: string, time: number): Promise<SignalData> {
    return missing(
      "not-recorded",
      `the recording holds range queries only (asked: ${query} at ${new Date(time).toISOString()})`,
    );
  }
}

/**
 * The largest recording read: a week at 5m is ~2,000 samples (~50 KB) per series, so this holds
 * some 300 series; a larger file is refused before it is read rather than parsed for seconds.
 */
export const MAX_RECORDING_BYTES = 16 * 1024 * 1024;
/** A recording nests 6 levels deep; JSON.parse does not overflow on more, but it builds it all first. */
export const MAX_RECORDING_DEPTH = 32;

export async function loadRecording(path: string): Promise<Result<Recording, string>> {
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_RECORDING_BYTES)
      return err(
        `${path}: ${size} bytes; Governor reads recordings of at most ${MAX_RECORDING_BYTES} bytes (16 MiB): record fewer levers at once`,
      );
    text = await readFile(path, "utf8");
  } catch {
    return err(`${path}: cannot be read (make one with governor record --out ${path})`);
  }
  const deep = deeperThan(text, MAX_RECORDING_DEPTH);
  if (deep >= 0)
    return err(
      `${path}: nesting deeper than ${MAX_RECORDING_DEPTH} levels at offset ${deep}: not a Governor recording (make one with governor record)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`${path}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = recordingSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return err(
      `${path}: not a Governor recording (${first ? `${first.path.join(".") || "top level"}: ${first.message}` : "unknown shape"})`,
    );
  }
  return ok(parsed.data);
}

/** Offset of the bracket that nests deeper than `max`, or -1: one pass, strings skipped. */
function deeperThan(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
