import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  jsonSchemas,
  README_END,
  README_START,
  ROOT,
  readmeWithReference,
} from "../scripts/config-reference.js";

const read = (path: string) => readFileSync(new URL(path, ROOT), "utf8");

describe("generated documentation is current (run `npm run docs` when this fails)", () => {
  it.each(Object.entries(jsonSchemas()))("%s matches the zod schemas", (path, text) => {
    expect(read(path)).toBe(text);
  });

  it("the README's configuration reference matches the zod schemas", () => {
    const readme = read("README.md");
    expect(readme).toContain(README_START);
    expect(readme).toBe(readmeWithReference(readme));
  });

  it("the reference documents every field of the contract", () => {
    const reference = read("README.md").split(README_START)[1]?.split(README_END)[0] ?? "";
    for (const field of [
      "`mode`",
      "`watch.appliedWhen.commitStatus.context`",
      "`levers[].target.field`",
      "`levers[].bounds.min`",
      "`strategy.headroom`",
      "`hypothesis.expect`",
      "`guardrails[].maxIncrease`",
    ]) {
      expect(reference).toContain(field);
    }
  });
});
