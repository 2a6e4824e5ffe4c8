import { err, ok, type Result } from "../result.js";

const SIMPLE: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/**
 * The value of a PromQL string literal: "…" or '…' with Go's escapes, or `…` raw — the rules of
 * Prometheus' own lexer, so that a value means here what it means to Prometheus.
 */
export function unquotePromqlString(literal: string): Result<string> {
  const q = literal[0];
  if (literal.length < 2 || (q !== '"' && q !== "'" && q !== "`") || literal[literal.length - 1] !== q) {
    return err(`${literal} is not a quoted string`);
  }
  const body = literal.slice(1, -1);
  if (q === "`") return ok(body);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return err(`${literal} ends with a lone backslash`);
    if (e in SIMPLE) {
      out += SIMPLE[e];
      i++;
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return err(`${literal} has a bad \\${e} escape`);
      out +=
        e === "x"
          ? String.fromCharCode(Number.parseInt(hex, 16))
          : String.fromCodePoint(Number.parseInt(hex, 16));
      i += 1 + n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) return err(`${literal} has a bad octal escape`);
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 3;
    } else return err(`${literal} has an unknown escape \\${e}`);
  }
  return ok(out);
}

/** A double-quoted PromQL string literal holding exactly `value`: nothing in it can end the string. */
export function quotePromqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
