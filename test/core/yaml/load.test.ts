import { describe, expect, it } from "vitest";
import { loadYaml, MAX_FILE_BYTES } from "../../../src/core/yaml/load.js";

const file = (text: string | Uint8Array, path = "f.yaml") => ({
  path,
  bytes: typeof text === "string" ? new TextEncoder().encode(text) : text,
});
const problems = (text: string | Uint8Array) => {
  const r = loadYaml(file(text));
  return r.ok ? [] : r.error.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
};

describe("loadYaml", () => {
  it("loads plain YAML", () => {
    const r = loadYaml(file("a: 1\nb: [x, y]\n"));
    expect(r.ok && r.value.data).toEqual({ a: 1, b: ["x", "y"] });
  });

  it("refuses a file that is not YAML, at the line of the problem", () => {
    expect(problems("a: 1\nb: [1, 2\nc: 3\n")[0]).toMatch(/^f\.yaml:\d+:\d+: not valid YAML: /);
    expect(problems("a: 1\n  b: 2\n")[0]).toBe(
      "f.yaml:1:4: not valid YAML: Nested mappings are not allowed in compact mappings (and 1 more error after it)",
    );
  });

  it("refuses duplicate keys", () => {
    expect(problems("a: 1\na: 2\n")[0]).toMatch(/^f\.yaml:2:1: not valid YAML: .*unique/i);
  });

  it("refuses bytes that are not UTF-8, naming the line and offset", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("a: 1\nb: caf"), 0xe9, 0x0a]);
    expect(problems(bytes)).toEqual([
      "f.yaml:2:7: file is not valid UTF-8 (byte 0xe9 at offset 11): save it as UTF-8",
    ]);
  });

  it("refuses overlong and surrogate UTF-8 encodings", () => {
    expect(problems(new Uint8Array([0x61, 0xc0, 0xaf]))[0]).toMatch(/not valid UTF-8/);
    expect(problems(new Uint8Array([0x61, 0xed, 0xa0, 0x80]))[0]).toMatch(/not valid UTF-8/);
  });

  it("accepts multi-byte UTF-8", () => {
    expect(loadYaml(file("name: café — 東京 🚀\n")).ok).toBe(true);
  });

  it("refuses a file over 1 MiB without parsing it", () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x20);
    expect(problems(big)).toEqual([
      expect.stringMatching(/^f\.yaml:1:1: file is 1048577 bytes; .* at most 1 MiB/),
    ]);
  });

  it("refuses an alias bomb", () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    ].join("\n");
    expect(problems(bomb)).toEqual([expect.stringMatching(/^f\.yaml:1:1: YAML aliases expand too much/)]);
  });

  it("allows a few ordinary aliases", () => {
    const r = loadYaml(file("base: &b {cpu: 100m}\nother: *b\n"));
    expect(r.ok && r.value.data).toEqual({ base: { cpu: "100m" }, other: { cpu: "100m" } });
  });

  it("refuses deep nesting quickly, in flow and block style", () => {
    const flow = `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(problems(flow)[0]).toMatch(/nesting deeper than 64 levels/);
    const block = Array.from({ length: 80 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n");
    expect(problems(`${block} 1\n`)).toEqual([
      expect.stringMatching(/^f\.yaml:65:\d+: nesting deeper than 64 levels: Governor refuses/),
    ]);
  });

  it.each(["__proto__", "constructor", "prototype"])("refuses the key %s", (key) => {
    expect(problems(`levers:\n  - params:\n      ${key}: {polluted: true}\n`)).toEqual([
      `f.yaml:3:7: the key "${key}" is not allowed: rename or remove it`,
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses more than one document in a config file", () => {
    expect(problems("a: 1\n---\nb: 2\n")[0]).toMatch(/not valid YAML/);
  });
});
