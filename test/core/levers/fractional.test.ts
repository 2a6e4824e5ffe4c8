import { describe, expect, it } from "vitest";
import { read, write } from "./helpers.js";

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
    const after = write(env("512M"), heap, "memory", "1Gi");
    expect(after).toContain('              value: "1073741824"\n');
    expect(read(after, heap, "memory")).toBe("1073741824");
  });

  it("an integer already written there (the API refuses it) becomes a string on the next write", () => {
    expect(write(env("1073741824"), heap, "memory", "2Gi")).toContain('              value: "2147483648"\n');
  });

  it("keeps its unit and plain style when the new value has one", () => {
    expect(write(env("512M"), heap, "memory", "1G")).toContain("              value: 1G\n");
  });
});
