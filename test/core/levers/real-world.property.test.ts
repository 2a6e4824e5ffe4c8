import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readLever, writeLever } from "../../../src/core/levers/edit.js";
import {
  compareValues,
  type EditableType,
  type LeverValue,
  parseValue,
} from "../../../src/core/values/value.js";
import { changedLines } from "./helpers.js";
import { REAL_WORLD, type RealTarget, realWorldTargets } from "./real-world-targets.js";

const present = existsSync(REAL_WORLD);
if (!present)
  console.warn(
    `NOTE: real-world fixtures not found at ${REAL_WORLD}; the real-world lever property tests are skipped.`,
  );

const leverValue = (type: EditableType, raw: string | number): LeverValue => {
  const v = parseValue(type, raw);
  if (!v.ok) throw new Error(v.error);
  return v.value;
};

const arbitrary = (type: EditableType): fc.Arbitrary<LeverValue> => {
  switch (type) {
    case "cpu":
      return fc.integer({ min: 1, max: 64_000 }).map((m) => leverValue("cpu", `${m}m`));
    case "memory":
      return fc.oneof(
        fc.integer({ min: 1, max: 65_536 }).map((mi) => leverValue("memory", `${mi}Mi`)),
        fc.integer({ min: 1, max: 1e9 }).map((b) => leverValue("memory", b)),
      );
    case "number":
      return fc.integer({ min: 0, max: 100_000 }).map((n) => leverValue("number", n / 100));
    default:
      return fc.integer({ min: 0, max: 100_000 }).map((n) => leverValue("integer", n));
  }
};

const setIn = (data: unknown, path: ReadonlyArray<string | number>, v: unknown): unknown => {
  if (path.length === 0) return v;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(data) ? [...data] : { ...(data as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = setIn(copy[head], rest, v);
  return copy;
};

const parsedBefore = new Map<string, unknown[]>();
const dataBefore = (t: RealTarget): unknown[] => {
  let data = parsedBefore.get(t.file);
  if (!data) {
    data = (parseAllDocuments(t.text) as unknown as Array<{ toJS(): unknown }>).map((d) => d.toJS());
    parsedBefore.set(t.file, data);
  }
  return data;
};

function check(t: RealTarget, v: LeverValue): void {
  const written = writeLever(t.text, t.target, t.file, v);
  if (!written.ok) {
    // Only a refusal that protects other places (aliases, anchors) is acceptable here.
    expect(written.error.kind, written.error.message).toBe("alias");
    return;
  }
  const after = written.value.text;
  // read returns the new value
  const back = readLever(after, t.target, t.file, t.type);
  expect(back.ok && back.value.present && back.value.value && compareValues(back.value.value, v)).toBe(0);
  // the text diff touches only the value's line
  const changed = changedLines(t.text, after);
  expect(changed.length).toBeLessThanOrEqual(1);
  if (changed.length === 1) expect(changed[0]?.[0]).toBe(t.line);
  // the re-parsed documents equal the originals with only that value changed
  if (!back.ok || !back.value.present) return;
  const location = back.value.location;
  const before = dataBefore(t);
  const now = parseAllDocuments(after) as unknown as Array<{ toJS(): unknown; getIn(p: unknown[]): unknown }>;
  expect(now.length).toBe(before.length);
  before.forEach((data, i) => {
    const expected =
      i === location.docIndex ? setIn(data, location.path, now[i]?.getIn([...location.path])) : data;
    expect(now[i]?.toJS()).toEqual(expected);
  });
}

describe.skipIf(!present)("lever editing on real public files (property)", () => {
  const targets = present ? realWorldTargets() : [];
  const byFile = new Map<string, RealTarget[]>();
  for (const t of targets) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);

  it("finds targets in every kind of file", () => {
    expect(targets.length).toBeGreaterThan(300);
    expect(targets.some((t) => t.target.kind === "HorizontalPodAutoscaler")).toBe(true);
    expect(targets.some((t) => t.target.container !== undefined && t.type === "memory")).toBe(true);
    expect(targets.some((t) => t.file.startsWith("helm/") && t.target.path !== undefined)).toBe(true);
    expect(targets.some((t) => t.file.startsWith("kustomize/"))).toBe(true);
  });

  it.each([...byFile.keys()])(
    "%s: any new value of the same type changes exactly that value",
    (file) => {
      for (const t of byFile.get(file) ?? []) {
        fc.assert(
          fc.property(arbitrary(t.type), (v) => check(t, v)),
          { numRuns: 2 },
        );
      }
    },
    120_000,
  );
});
