import type { Diagnostic } from "../diagnostics.js";
import { suggestion } from "../text/suggest.js";
import type { LoadedYaml } from "../yaml/load.js";
import { type PathSegment, positionOf } from "../yaml/locate.js";
import { type Policy, STRATEGY_VALUE_TYPES } from "./policy-schema.js";
import { formatPath } from "./zod-issues.js";

/** Every signal name a policy refers to, with where it is referred to. */
export function signalReferences(policy: Policy): Array<{ name: string; path: PathSegment[] }> {
  const refs: Array<{ name: string; path: PathSegment[] }> = [
    { name: policy.strategy.signal, path: ["strategy", "signal"] },
  ];
  if (policy.strategy.type === "slo-step")
    refs.push({ name: policy.strategy.saturation.signal, path: ["strategy", "saturation", "signal"] });
  if (policy.strategy.type === "percentile" && policy.strategy.oom !== undefined)
    refs.push({ name: policy.strategy.oom, path: ["strategy", "oom"] });
  refs.push({ name: policy.hypothesis.signal, path: ["hypothesis", "signal"] });
  policy.guardrails.forEach((g, i) => {
    if (g.signal !== undefined) refs.push({ name: g.signal, path: ["guardrails", i, "signal"] });
  });
  return refs;
}

/** Checks that need the whole policy: references between its parts, and what its strategy can tune. */
export function checkPolicy(policy: Policy, loaded: LoadedYaml): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PathSegment[], message: string) => {
    const p = positionOf(loaded, path);
    out.push({ file: loaded.path, line: p.line, col: p.col, message: `${formatPath(path)}: ${message}` });
  };
  const names = Object.keys(policy.signals);
  for (const ref of signalReferences(policy)) {
    if (!(ref.name in policy.signals))
      at(ref.path, `unknown signal "${ref.name}"${suggestion(ref.name, names)}`);
  }
  const types = STRATEGY_VALUE_TYPES[policy.strategy.type];
  if (!types.includes(policy.valueType)) {
    at(
      ["valueType"],
      `the ${policy.strategy.type} strategy cannot tune a ${policy.valueType} value (it tunes: ${types.join(", ")})`,
    );
  }
  if (
    policy.strategy.type === "percentile" &&
    policy.strategy.oom !== undefined &&
    policy.valueType !== "memory"
  ) {
    at(["strategy", "oom"], "an oom signal only makes sense for a memory policy (valueType: memory)");
  }
  const seen = new Set<string>();
  policy.guardrails.forEach((g, i) => {
    if (seen.has(g.name)) at(["guardrails", i, "name"], `duplicate guardrail name "${g.name}"`);
    seen.add(g.name);
  });
  return out;
}
