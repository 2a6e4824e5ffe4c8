/**
 * A single O(n) pass over YAML text, before any parser sees it: the `yaml` package composes and
 * converts nodes recursively (deep input overflows the stack) and some of its checks are quadratic
 * in the number of keys or aliases. This scan bounds nesting, nodes and aliases first, so every
 * later step works on an input of bounded shape. It never builds anything: it only counts.
 *
 * It is deliberately approximate where that is safe: block nesting is counted by indentation
 * columns, which can count a sequence written at its parent key's column as the same level (so
 * the count is at most the real depth, and at least half of it), and nodes are counted by where
 * scalars, collections and entries start. It must never count a quoted string, a comment or a
 * block scalar's (`|`, `>`) content as structure: those are what real files are full of.
 */

/** The largest file Governor reads (bytes; a text of more characters than this is larger still). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Nesting deeper than this is refused (no configuration or manifest needs more than a few dozen). */
export const MAX_DEPTH = 64;
/** Scalars, collections and entries: the largest real files Governor reads have under 2,000, and a parse of 50,000 takes ~0.3 s. */
export const MAX_NODES = 50_000;
/** Aliases (`*name`); the `yaml` package resolves each one by a scan of the document's anchors. */
export const MAX_ALIASES = 200;

export interface PrescanRefusal {
  /** Offset in the text of the node that crossed the limit. */
  readonly offset: number;
  readonly message: string;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r";
const isBreakOrEnd = (c: string | undefined) => c === undefined || c === "\n";
const isBlank = (c: string | undefined) => isSpace(c) || isBreakOrEnd(c);
const FLOW_INDICATORS = new Set([",", "[", "]", "{", "}"]);

/** What the scan counted: the deepest nesting, the nodes and the aliases. */
export interface YamlShape {
  readonly depth: number;
  readonly nodes: number;
  readonly aliases: number;
}

interface Limits {
  readonly depth: number;
  readonly nodes: number;
  readonly aliases: number;
}

const LIMITS: Limits = { depth: MAX_DEPTH, nodes: MAX_NODES, aliases: MAX_ALIASES };

/** The shape of a text as the scan counts it, with no limit (for tests and benchmarks of real files). */
export function yamlShape(text: string): YamlShape {
  const scanner = new Scanner(text, { depth: Infinity, nodes: Infinity, aliases: Infinity });
  scanner.run();
  return scanner.shape();
}

/** The reason this text may not be parsed, or undefined when it is within every limit. */
export function prescanYaml(text: string): PrescanRefusal | undefined {
  if (text.length > MAX_FILE_BYTES)
    return {
      offset: 0,
      message: `file is over ${MAX_FILE_BYTES} bytes; Governor reads YAML files of at most 1 MiB: split it or point the lever at a smaller file`,
    };
  return new Scanner(text, LIMITS).run();
}

class Scanner {
  private i = 0;
  private lineStart = 0;
  /** Columns of the block collections enclosing the current line, strictly increasing. */
  private levels: number[] = [];
  private flowDepth = 0;
  private nodes = 0;
  private aliases = 0;
  /** Where a node may start: after indentation, `- `, `? `, `: `, `[`, `{`, `,` and properties. */
  private atNodeStart = true;
  /** Column and line start of the scalar being read, for a key found after it on its line. */
  private scalarCol = -1;
  private scalarLine = -1;
  /** A block scalar's parent column while its content lines are skipped; undefined otherwise. */
  private blockScalarParent: number | undefined;
  /** A block scalar's content indentation, set by its first non-blank line as the parser does. */
  private blockScalarIndent: number | undefined;
  private maxDepth = 0;

  constructor(
    private readonly text: string,
    private readonly limits: Limits,
  ) {}

  shape(): YamlShape {
    return { depth: this.maxDepth, nodes: this.nodes, aliases: this.aliases };
  }

  run(): PrescanRefusal | undefined {
    const { text } = this;
    if (text.startsWith("\uFEFF")) {
      // A byte-order mark is not content: columns count from after it.
      this.i = 1;
      this.lineStart = 1;
    }
    while (this.i < text.length) {
      const refused = this.i === this.lineStart ? this.startLine() : this.step();
      if (refused) return refused;
    }
    return undefined;
  }

  private column(): number {
    return this.i - this.lineStart;
  }

  private newLine(): void {
    this.i++;
    this.lineStart = this.i;
  }

  /** Indentation, document markers and block scalar content, once per line. */
  private startLine(): PrescanRefusal | undefined {
    const { text } = this;
    let j = this.i;
    while (text[j] === " ") j++;
    const indent = j - this.i;
    const first = text[j];
    if (this.blockScalarParent !== undefined) {
      const blankLine = first === undefined || first === "\n" || (first === "\r" && text[j + 1] === "\n");
      if (blankLine) {
        this.skipToLineEnd();
        return undefined;
      }
      this.blockScalarIndent ??= indent;
      if (indent > this.blockScalarParent && indent >= this.blockScalarIndent && !this.isDocumentMarker(j)) {
        this.skipToLineEnd();
        return undefined;
      }
      this.blockScalarParent = undefined;
      this.blockScalarIndent = undefined;
    }
    if (this.isDocumentMarker(j)) {
      // Block levels end with the document; an unclosed flow collection is not forgiven (the
      // parser refuses it anyway), so that `---` cannot split one deep nesting into shallow parts.
      this.levels = [];
      this.atNodeStart = true;
      this.i = j + 3;
      if (text[j] === ".") this.skipToLineEnd();
      return undefined;
    }
    if (indent === 0 && first === "%" && this.flowDepth === 0) {
      this.skipToLineEnd(); // a directive
      return undefined;
    }
    this.i = j;
    if (this.flowDepth === 0) this.atNodeStart = true;
    if (this.i === this.lineStart && this.i < text.length) return this.step();
    return undefined;
  }

  private isDocumentMarker(j: number): boolean {
    if (j !== this.lineStart) return false;
    const three = this.text.slice(j, j + 3);
    return (three === "---" || three === "...") && isBlank(this.text[j + 3]);
  }

  private skipToLineEnd(): void {
    const end = this.text.indexOf("\n", this.i);
    if (end < 0) this.i = this.text.length;
    else {
      this.i = end;
      this.newLine();
    }
  }

  private step(): PrescanRefusal | undefined {
    const { text } = this;
    const c = text[this.i];
    if (c === "\n") {
      this.newLine();
      return undefined;
    }
    if (isSpace(c)) {
      this.i++;
      return undefined;
    }
    if (c === "#" && (this.i === this.lineStart || isSpace(text[this.i - 1]))) {
      this.skipToLineEnd();
      return undefined;
    }
    return this.atNodeStart ? this.nodeStart(c as string) : this.inNode(c as string);
  }

  /** A character where a node may begin. */
  private nodeStart(c: string): PrescanRefusal | undefined {
    const { text } = this;
    const next = text[this.i + 1];
    const start = this.i;
    if (c === "-" && this.flowDepth === 0 && isBlank(next)) {
      this.i++;
      return this.blockLevel(start) ?? this.count(start);
    }
    if ((c === "?" || c === ":") && isBlank(next)) {
      // An explicit key or value is an entry of a block mapping at its column, as `- ` is of a sequence.
      if (this.flowDepth === 0) return this.blockLevel(start);
      this.i++;
      return undefined;
    }
    if (c === "[" || c === "{") return this.openFlow(start);
    if (this.flowDepth > 0 && (c === "]" || c === "}" || c === ",")) return this.inNode(c);
    if ((c === "|" || c === ">") && this.flowDepth === 0) {
      // The parent of a block scalar is the innermost block collection on this line.
      this.blockScalarParent = this.levels[this.levels.length - 1] ?? -1;
      // An indentation indicator (`|2`, `>-4`) fixes the content's indentation; else its first line does.
      const digit = /^[+-]?([1-9])/.exec(text.slice(this.i + 1, this.i + 3))?.[1];
      this.blockScalarIndent =
        digit === undefined ? undefined : Math.max(this.blockScalarParent, 0) + Number(digit);
      this.skipToLineEnd();
      return this.count(start);
    }
    if (c === "&" || c === "!") {
      this.skipName();
      return undefined; // a property: the node itself follows
    }
    if (c === "*") {
      this.skipName();
      this.atNodeStart = false;
      if (++this.aliases > this.limits.aliases)
        return {
          offset: start,
          message: `more than ${MAX_ALIASES} aliases: Governor refuses a file this shaped; write the values out instead of referring to anchors`,
        };
      return this.count(start);
    }
    this.scalarCol = this.column();
    this.scalarLine = this.lineStart;
    this.atNodeStart = false;
    if (c === '"' || c === "'") this.skipQuoted(c);
    else this.i++;
    return this.count(start);
  }

  /** A character inside a plain scalar, or after a node. */
  private inNode(c: string): PrescanRefusal | undefined {
    const { text } = this;
    const next = text[this.i + 1];
    if (c === ":") {
      const after = text[this.i - 1];
      const indicator =
        isBlank(next) ||
        (this.flowDepth > 0 && (FLOW_INDICATORS.has(next as string) || after === '"' || after === "'"));
      if (indicator) {
        this.i++;
        this.atNodeStart = true;
        // An implicit key sits on one line: its mapping's column is where the key began.
        if (this.flowDepth === 0 && this.scalarLine === this.lineStart)
          return this.blockLevel(this.lineStart + this.scalarCol, false);
        return undefined;
      }
    }
    if (this.flowDepth > 0) {
      if (c === ",") {
        this.i++;
        this.atNodeStart = true;
        return undefined;
      }
      if (c === "]" || c === "}") {
        this.i++;
        this.flowDepth--;
        this.atNodeStart = false;
        return undefined;
      }
      if (c === "[" || c === "{") return this.openFlow(this.i);
    }
    this.i++;
    return undefined;
  }

  /** A block collection at the column of `offset`: enclosing levels stay, deeper ones end. */
  private blockLevel(offset: number, advance = true): PrescanRefusal | undefined {
    const col = offset - this.lineStart;
    if (advance) this.i = offset + 1;
    this.atNodeStart = true;
    while (this.levels.length > 0 && (this.levels[this.levels.length - 1] as number) > col) this.levels.pop();
    if (this.levels[this.levels.length - 1] !== col) {
      this.levels.push(col);
      return this.depthCheck(offset);
    }
    return undefined;
  }

  private openFlow(offset: number): PrescanRefusal | undefined {
    this.i = offset + 1;
    this.flowDepth++;
    this.atNodeStart = true;
    return this.depthCheck(offset) ?? this.count(offset);
  }

  private depthCheck(offset: number): PrescanRefusal | undefined {
    const depth = this.levels.length + this.flowDepth;
    if (depth > this.maxDepth) this.maxDepth = depth;
    if (depth <= this.limits.depth) return undefined;
    return {
      offset,
      message: `nesting deeper than ${MAX_DEPTH} levels: Governor refuses a file this deep; flatten this structure`,
    };
  }

  private count(offset: number): PrescanRefusal | undefined {
    if (++this.nodes <= this.limits.nodes) return undefined;
    return {
      offset,
      message: `more than ${MAX_NODES} keys, values and items: Governor refuses a file this large; split it`,
    };
  }

  /** An anchor, tag or alias name: up to a space, or a flow indicator inside a flow collection. */
  private skipName(): void {
    const { text } = this;
    this.i++;
    while (this.i < text.length) {
      const c = text[this.i];
      if (isBlank(c) || (this.flowDepth > 0 && FLOW_INDICATORS.has(c as string))) break;
      this.i++;
    }
  }

  /** A quoted scalar, which may span lines; an unterminated one runs to the end (the parser says why). */
  private skipQuoted(quote: string): void {
    const { text } = this;
    this.i++;
    while (this.i < text.length) {
      const c = text[this.i];
      if (c === "\n") {
        this.newLine();
        continue;
      }
      if (quote === '"' && c === "\\") {
        if (text[this.i + 1] === "\n") {
          this.i++;
          this.newLine();
        } else this.i += 2;
        continue;
      }
      if (c === quote) {
        if (quote === "'" && text[this.i + 1] === "'") {
          this.i += 2;
          continue;
        }
        this.i++;
        return;
      }
      this.i++;
    }
  }
}
