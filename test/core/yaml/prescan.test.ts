import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isSeq, parseAllDocuments, Scalar, stringify } from "yaml";
import { parseLeverFile } from "../../../src/core/levers/parsed-file.js";
import { loadYaml } from "../../../src/core/yaml/load.js";
import { MAX_ALIASES, MAX_DEPTH, MAX_NODES, prescanYaml, yamlShape } from "../../../src/core/yaml/prescan.js";
import { REAL_WORLD } from "../levers/real-world-targets.js";

const root = new URL("../../..", import.meta.url).pathname;

/** The nesting the parser sees (a collection at the top is depth 1, as in checkStructure); undefined when not YAML. */
function trueDepth(text: string): number | undefined {
  let max = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) return undefined;
    const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 1 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop() as { node: unknown; depth: number };
      if (!isMap(node) && !isSeq(node)) continue;
      max = Math.max(max, depth);
      for (const item of node.items as unknown[]) {
        const value = isMap(node) ? (item as { value: unknown }).value : item;
        stack.push({ node: value, depth: depth + 1 });
      }
    }
  }
  return max;
}

/** Strings full of what a careless scan would take for structure. */
const tricky = fc
  .array(
    fc.constantFrom(
      "a",
      "b",
      " ",
      "[",
      "]",
      "{",
      "}",
      "#",
      ":",
      ": ",
      " #",
      "'",
      '"',
      "|",
      ">",
      "-",
      "- ",
      ",",
      "&",
      "*",
      "!",
      "%",
      "\n",
      "\\",
      "---",
      "\t",
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));
const key = fc.oneof(fc.constantFrom("a", "b", "cpu", "x y", "k: v", "#k", "[k]", "'q'"), tricky);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "medium", withCrossShrink: true },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  ),
})).node;
const style = fc.record({
  flow: fc.boolean(),
  string: fc.constantFrom(
    Scalar.PLAIN,
    Scalar.QUOTE_DOUBLE,
    Scalar.QUOTE_SINGLE,
    Scalar.BLOCK_LITERAL,
    Scalar.BLOCK_FOLDED,
  ),
  indentSeq: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  lineWidth: fc.constantFrom(0, 20, 80),
});

describe("the YAML pre-scan", () => {
  it("never counts deeper than the parser, and never less than half as deep (property)", () => {
    fc.assert(
      fc.property(tree, style, (data, s) => {
        const text = stringify(data, {
          collectionStyle: s.flow ? "flow" : "block",
          defaultStringType: s.string,
          defaultKeyType: Scalar.PLAIN,
          indentSeq: s.indentSeq,
          indent: s.indent,
          lineWidth: s.lineWidth,
        });
        const real = trueDepth(text);
        // yaml's stringify writes the odd invalid text (an empty flow collection as a key): only YAML counts.
        fc.pre(real !== undefined);
        if (real === undefined) return;
        const scanned = yamlShape(text).depth;
        expect(scanned).toBeLessThanOrEqual(real);
        expect(scanned).toBeGreaterThanOrEqual(Math.ceil(real / 2));
      }),
      { numRuns: 2000 },
    );
  });

  it("is not fooled by brackets, keys and dashes inside quotes, comments and block scalars", () => {
    const text = [
      "# [[[[[[[[ {{{{{{{{ - - - - a: b: c:",
      'a: "[[[[ {{{{ # not a comment \\" still quoted',
      '  [[[[ over two lines"',
      "b: 'it''s [[[[ {{{{'",
      "c: |",
      "  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "    - - - - - - - - - - - - - - - -",
      "",
      "  k: {{{{{{{{{{{{{{{{{{",
      "d: >-",
      "  {{ .Values.x }} [[[[",
      "e: plain # [[[[ comment",
      "f: plain#not-a-comment[[ still plain",
      "g: url://x:8080/[a]",
      "h: {a: '[[', b: \"{{\", c: [1, '#', 2]}",
    ].join("\n");
    expect(yamlShape(text)).toEqual({ depth: 3, nodes: expect.any(Number), aliases: 0 });
    expect(trueDepth(text)).toBe(3);
  });

  it("cannot be made to take structure for a block scalar's content, or to forget an open bracket", () => {
    const refused = (text: string) => prescanYaml(text)?.message.slice(0, 29);
    expect(refused(`? |\n  text\n: ${"[".repeat(70)}\n`)).toBe("nesting deeper than 64 levels");
    expect(refused(`a: |\n    text\n  k: ${"[".repeat(70)}\n`)).toBe("nesting deeper than 64 levels");
    expect(refused(`${"[".repeat(40)}\n---\n${"[".repeat(40)}\n`)).toBe("nesting deeper than 64 levels");
    // …while a byte-order mark, an indentation indicator and comments leave real content alone.
    expect(yamlShape(`\uFEFF# see: [[[[ {{{{\n- a: |2\n      - - - [[[[\n    {{{{\n  b: 1\n`).depth).toBe(2);
  });

  it("refuses each limit before parsing, at the node that crossed it", () => {
    expect(prescanYaml(`a: ${"[".repeat(MAX_DEPTH)}]`)).toEqual({
      offset: 3 + MAX_DEPTH - 1,
      message: `nesting deeper than ${MAX_DEPTH} levels: Governor refuses a file this deep; flatten this structure`,
    });
    expect(prescanYaml(`a: ${"[".repeat(MAX_DEPTH - 1)}${"]".repeat(MAX_DEPTH - 1)}`)).toBeUndefined();
    expect(prescanYaml(`[${"1,".repeat(MAX_NODES)}1]`)?.message).toMatch(/^more than 50000 keys/);
    const aliases = `a: &a 1\nb: [${"*a, ".repeat(MAX_ALIASES)}*a]\n`;
    expect(prescanYaml(aliases)?.message).toMatch(/^more than 200 aliases/);
  });
});

const realFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        return statSync(full).isDirectory() ? realFiles(full) : /\.ya?ml$/.test(name) ? [full] : [];
      })
    : [];

const present = existsSync(REAL_WORLD);
if (!present)
  console.warn(
    `NOTE: real-world fixtures not found at ${REAL_WORLD}; the real-world YAML limit test is skipped.`,
  );

describe.skipIf(!present)("every real-world YAML file", () => {
  const files = [
    ...realFiles(REAL_WORLD),
    ...realFiles(join(root, "examples")),
    ...realFiles(join(root, "policies")),
  ];

  it("is far below every limit and loads as before", () => {
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const shape = yamlShape(text);
      expect({ file, refused: prescanYaml(text) }).toEqual({ file, refused: undefined });
      expect(shape.depth, file).toBeLessThanOrEqual(MAX_DEPTH / 4);
      expect(shape.nodes, file).toBeLessThanOrEqual(MAX_NODES / 20);
      expect(shape.aliases, file).toBeLessThanOrEqual(MAX_ALIASES / 20);
      const docs = parseAllDocuments(text);
      const single = Array.isArray(docs) && docs.length === 1;
      if (single && docs[0]?.errors.length === 0)
        expect(loadYaml({ path: file, bytes: readFileSync(file) }).ok, file).toBe(true);
      expect(parseLeverFile(text, file).ok, file).toBe(true);
    }
  });
});
