/**
 * YAML texts under the 1 MiB limit shaped to freeze or crash a parser: the worst cases of
 * issue 11, generated rather than stored. Used by the tests and by bench/yaml.ts.
 */

const lines = (n: number, line: (i: number) => string) =>
  `${Array.from({ length: n }, (_, i) => line(i)).join("\n")}\n`;

export const HOSTILE_YAML: Readonly<Record<string, () => string>> = {
  /** 80,000 keys of one mapping (~790 KB): the yaml package's duplicate check is quadratic. */
  "80k flat keys": () => lines(80_000, (i) => `k${i}: 1`),
  /** 50,000 keys whose values carry anchors (~890 KB). */
  "50k anchored keys": () => lines(50_000, (i) => `k${i}: &a${i} 1`),
  /** 20,000 anchors and 20,000 aliases: yaml resolves each alias by a scan of the anchors. */
  "20k aliases": () => lines(20_000, (i) => `a${i}: &a${i} 1`) + lines(20_000, (i) => `b${i}: *a${i}`),
  /** 1 MiB of `[[[[…]]]]`: the parser recurses once per level. */
  "1 MB of [[[[": () => "[".repeat(512 * 1024) + "]".repeat(512 * 1024),
  /** 1 MB of `{a: {a: …}}`. */
  "1 MB of {a: {a:": () => `${"{a: ".repeat(200_000)}1${"}".repeat(200_000)}`,
  /** 1,000 levels of block-indented maps (~1 MB of indentation). */
  "1000 indented maps": () => lines(1_000, (i) => `${" ".repeat(i)}k:`),
  /** 1 MB of `- - - - …`: block sequences nested on one line, 2 bytes a level. */
  "1 MB of - - - -": () => `${"- ".repeat(512 * 1024 - 2)}1\n`,
  /** The largest flat mapping under the node limit (24,000 keys, 48,000 nodes): loaded. */
  "24k flat keys (under the limit)": () => lines(24_000, (i) => `k${i}: 1`),
  /** One flow sequence of 200,000 tiny items (400 KB). */
  "200k-item flow sequence": () => `[${"1,".repeat(199_999)}1]\n`,
};

export type HostileCase = keyof typeof HOSTILE_YAML;
