import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tmpRepo } from "../helpers/tmp-repo.js";

/** An env var's size keeps the author's unit family, through the built binary. */

const root = new URL("../..", import.meta.url).pathname;
const governor = (...args: string[]) =>
  spawnSync(process.execPath, [`${root}bin/governor.js`, ...args], {
    encoding: "utf8",
    timeout: 15_000,
    env: {},
  });

const CONFIG = `version: 1
levers:
  - id: cassandra-heap
    policy: k8s-memory-request
    target: {file: db.yaml, kind: StatefulSet, name: cassandra, container: cassandra, field: env.MAX_HEAP_SIZE}
    selector: '{pod=~"cassandra-.*"}'
    bounds: {min: 256Mi, max: 8Gi}
`;
const statefulSet = (heap: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cassandra}
spec:
  template:
    spec:
      containers:
        - name: cassandra
          env:
            - name: MAX_HEAP_SIZE
              value: ${heap}   # -Xmx, binary for the JVM
`;

describe("governor set on a JVM-style env var", () => {
  it("writes 1Gi as 1G after 512M, reads it back, and takes 1G as 1 GiB", () => {
    const dir = tmpRepo({ ".github/governor.yml": CONFIG, "db.yaml": statefulSet("512M") });
    const set = governor("set", "cassandra-heap", "1Gi", "--repo", dir);
    expect(set.stderr).toBe("");
    expect(set.stdout).toBe(`${join(dir, "db.yaml")}: cassandra-heap 512M -> 1G\n`);
    expect(readFileSync(join(dir, "db.yaml"), "utf8")).toBe(statefulSet("1G"));
    expect(governor("get", "cassandra-heap", "--repo", dir).stdout).toBe("1G\n");
    // In an env var, 1G is the JVM's 1 GiB: the value it already has.
    expect(governor("set", "cassandra-heap", "1G", "--repo", dir).stdout).toBe(
      `${join(dir, "db.yaml")}: cassandra-heap is already 1G; nothing to change\n`,
    );
    expect(governor("set", "cassandra-heap", "1536Mi", "--repo", dir).status).toBe(0);
    expect(readFileSync(join(dir, "db.yaml"), "utf8")).toBe(statefulSet("1536M"));
  });

  it("reads a fractional size as binary and writes it as a whole number of a smaller unit", () => {
    const dir = tmpRepo({ ".github/governor.yml": CONFIG, "db.yaml": statefulSet("512M") });
    const set = governor("set", "cassandra-heap", "1.5G", "--repo", dir);
    expect(set.stderr).toBe("");
    expect(set.stdout).toBe(`${join(dir, "db.yaml")}: cassandra-heap 512M -> 1536M\n`);
    // The style survives the write: the next one is still JVM-style.
    expect(governor("set", "cassandra-heap", "2G", "--repo", dir).stdout).toBe(
      `${join(dir, "db.yaml")}: cassandra-heap 1536M -> 2G\n`,
    );
    const lower = tmpRepo({ ".github/governor.yml": CONFIG, "db.yaml": statefulSet("256m") });
    expect(governor("set", "cassandra-heap", "0.5g", "--repo", lower).stdout).toBe(
      `${join(lower, "db.yaml")}: cassandra-heap 256m -> 512m\n`,
    );
    expect(readFileSync(join(lower, "db.yaml"), "utf8")).toBe(statefulSet("512m"));
  });

  it("refuses a fractional size that is not whole bytes, and leaves the file alone", () => {
    const dir = tmpRepo({ ".github/governor.yml": CONFIG, "db.yaml": statefulSet("512M") });
    const set = governor("set", "cassandra-heap", "1.3K", "--repo", dir);
    expect(set.status).toBe(1);
    expect(set.stderr).toContain('"1.3K" is not a whole number of bytes');
    expect(readFileSync(join(dir, "db.yaml"), "utf8")).toBe(statefulSet("512M"));
  });
});
