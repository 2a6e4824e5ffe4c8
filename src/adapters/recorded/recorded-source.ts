import { readFile } from "node:fs/promises";
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

export async function loadRecording(path: string): Promise<Result<Recording, string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return err(`${path}: cannot be read (make one with governor record --out ${path})`);
  }
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
