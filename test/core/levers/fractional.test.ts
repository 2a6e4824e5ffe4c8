import { describe, expect, it } from "vitest";
import { readLever, restoreIn, writeLever } from "../../../src/core/levers/edit.js";
import { parseLeverFile } from "../../../src/core/levers/parsed-file.js";
import { read, value, write } from "./helpers.js";

/** Fractional quantities are valid Kubernetes (0.1Gi is 107374182.4 bytes, rounded up by the API). */
const manifest = (memory: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              memory: ${memory}   # the author's spelling
`;
const target = { kind: "Deployment", name: "d", container: "c", field: "resources.requests.memory" };
const line = (text: string) => text.split("\n").find((l) => l.includes("memory:"));

describe("fractional quantities", () => {
  it("reads 0.1Gi as written", () => {
    expect(read(manifest("0.1Gi"), target, "memory")).toBe("0.1Gi");
  });

  it.each([
    ["0.1Gi", "0.25Gi", "0.25Gi"], // the author's fraction of the same unit
    ["0.1Gi", "512Mi", "0.5Gi"],
    ["0.1Gi", "1Gi", "1Gi"],
    ["128Mi", "0.1Gi", "102.4Mi"], // not whole bytes: exact in the author's unit, never rounded
    ["1.5G", "2500M", "2.5G"],
  ])("on %s, writes %s as %s, exactly", (current, requested, written) => {
    const after = write(manifest(current), target, "memory", requested);
    expect(line(after)).toBe(`              memory: ${written}   # the author's spelling`);
    expect(read(after, target, "memory")).toBe(written);
  });
});

describe("messages", () => {
  it("never ask a user to report a file: an edit that cannot be checked says what to do instead", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const root = new URL("../../../src/", import.meta.url);
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(50);
    const asking = files.filter((f) => /report this file/i.test(readFileSync(new URL(f, root), "utf8")));
    expect(asking).toEqual([]);
  });
});

describe("an env var's value", () => {
  const env = (value: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cassandra}
spec:
  template:
    spec:
      containers:
        - name: cassandra
          env:
            - name: MAX_HEAP_SIZE
              value: ${value}
`;
  const heap = { kind: "StatefulSet", name: "cassandra", container: "cassandra", field: "env.MAX_HEAP_SIZE" };

  it("stays a string: a plain value that would read as a number is quoted (the API refuses an integer there)", () => {
    // 10^9 bytes is no whole number of KiB: written in bytes, which the JVM takes too.
    const after = write(env("512M"), heap, "memory", "1000000000");
    expect(after).toContain('              value: "1000000000"\n');
    expect(read(after, heap, "memory")).toBe("1000000000");
  });

  it("an integer already written there (the API refuses it) becomes a string on the next write", () => {
    expect(write(env("1073741824"), heap, "memory", "2Gi")).toContain('              value: "2147483648"\n');
  });

  it.each([
    ["512M", "1Gi", "1G"], // JVM-style M/G are binary: 1 GiB in the author's family, the largest exact unit
    ["512M", "1536Mi", "1536M"],
    ["512M", "640Ki", "640K"],
    ["2g", "4Gi", "4g"], // the author's letter case
    ["512m", "768Mi", "768m"], // -Xmx512m: mebibytes, not milli-bytes
    ["4G", "1Ti", "1T"],
    ["512Mi", "1Gi", "1Gi"], // Kubernetes-style stays Kubernetes-style
    ['"512M"', "1Gi", '"1G"'], // quoting as written
  ])("keeps its unit family: %s, set to %s, is written %s", (current, requested, written) => {
    const after = write(env(current), heap, "memory", requested);
    expect(after).toContain(`              value: ${written}\n`);
    expect(read(after, heap, "memory")).toBe(written.replace(/"/g, ""));
  });

  it("reads a JVM-style size as binary: 512M is 512Mi, so writing 512Mi changes nothing", () => {
    expect(
      writeLever(env("512M"), { file: "f.yaml", ...heap }, "f.yaml", value("memory", "512Mi")),
    ).toMatchObject({
      ok: true,
      value: { changed: false, to: "512M" },
    });
    expect(readLever(env("2g"), { file: "f.yaml", ...heap }, "f.yaml", "memory")).toMatchObject({
      ok: true,
      value: { value: { quantity: { nanos: 2n * 1024n ** 3n * 10n ** 9n } } },
    });
  });

  it("a revert gives back the JVM-style text exactly", () => {
    const original = env("512M");
    const changed = write(original, heap, "memory", "1Gi");
    const parsed = parseLeverFile(changed, "f.yaml");
    if (!parsed.ok) throw new Error(parsed.error.message);
    const back = restoreIn(parsed.value, { file: "f.yaml", ...heap }, "512M", "memory");
    expect(back).toMatchObject({ ok: true, value: { text: original, from: "1G" } });
  });
});
