import type { Diagnostic } from "../diagnostics.js";
import type { TargetField } from "../levers/errors.js";
import { suggestion } from "../text/suggest.js";
import {
  compareValues,
  type EditableType,
  fieldValueType,
  type LeverValue,
  parseValue,
} from "../values/value.js";
import type { LoadedYaml } from "../yaml/load.js";
import { type PathSegment, type Position, positionOf, positionOfKey } from "../yaml/locate.js";
import { type Policy, type Strategy, strategySchema } from "./policy-schema.js";
import type { Lever, LeverTarget, RepoGuardrail } from "./repo-schema.js";
import { checkTargetPath } from "./target-path.js";
import { formatPath } from "./zod-issues.js";

export interface LeverTargetRef {
  readonly leverId: string;
  /** Normalised path relative to the repository root. */
  readonly file: string;
  /** Where the lever names the file, for problems found later by the file-system adapter. */
  readonly source: {
    readonly file: string;
    readonly line: number;
    readonly col: number;
    readonly field: string;
  };
  /** The lever's target, to be resolved in the file once it is read (`checkTargetsResolve`). */
  readonly target: LeverTarget;
  /** The type the lever's policy tunes, when the lever passed every other check. */
  readonly valueType?: EditableType;
  /** Where each key of the target is written in the config, for a problem with that key. */
  readonly at: Readonly<Partial<Record<TargetField | "target", TargetPosition>>>;
  /**
   * What the request/limit pairing checks need, for a lever that passed every other check: its
   * policy, limit mode and lower bound, and where each is written (`checkTargetsFit`).
   */
  readonly pairing?: {
    readonly policy: string;
    readonly limit: "keep" | "ratio";
    readonly min: LeverValue;
    readonly minText: string;
    readonly at: { readonly policy: TargetPosition; readonly min: TargetPosition };
  };
}

export interface TargetPosition {
  readonly line: number;
  readonly col: number;
  /** `levers[2].target.container`. */
  readonly field: string;
}

export interface ResolvedLever extends Lever {
  readonly policyDef: Policy;
  /** The policy's strategy with the lever's `params` applied. */
  readonly strategy: Strategy;
  readonly min: LeverValue;
  readonly max: LeverValue;
  readonly stepValue?: LeverValue;
}

/** A lever that passed the schema, with its index in the config's `levers` list. */
export interface IndexedLever {
  readonly lever: Lever;
  readonly index: number;
}

/**
 * Checks each lever against its policy; returns the levers that passed, resolved, and the
 * problems. Runs on every lever that passed the schema, even when others did not, so that one
 * run reports every problem.
 */
export function checkLevers(
  entries: readonly IndexedLever[],
  guardrails: readonly RepoGuardrail[],
  policies: ReadonlyMap<string, Policy>,
  loaded: LoadedYaml,
) {
  const diagnostics: Diagnostic[] = [];
  const levers: ResolvedLever[] = [];
  const targets: LeverTargetRef[] = [];
  const duplicates = duplicateIds(entries.map((e) => e.lever));
  const at = (path: PathSegment[], message: string, where = positionOf(loaded, path)): Diagnostic => {
    const d = {
      file: loaded.path,
      line: where.line,
      col: where.col,
      message: `${formatPath(path)}: ${message}`,
    };
    diagnostics.push(d);
    return d;
  };
  for (const { lever, index: i } of entries) {
    const base: PathSegment[] = ["levers", i];
    const before = diagnostics.length;

    const file = checkTargetPath(lever.target.file);
    if (!file.ok) at([...base, "target", "file"], file.error);
    const targetRef = (valueType?: EditableType, pairing?: LeverTargetRef["pairing"]) => {
      if (!file.ok) return;
      const positions = targetPositions(loaded, base, lever.target);
      const { file: source } = positions;
      targets.push({
        leverId: lever.id,
        file: file.value,
        source: {
          file: loaded.path,
          line: source?.line ?? 1,
          col: source?.col ?? 1,
          field: source?.field ?? "",
        },
        target: lever.target,
        ...(valueType !== undefined ? { valueType } : {}),
        at: positions,
        ...(pairing ? { pairing } : {}),
      });
    };

    const policy = policies.get(lever.policy);
    if (!policy) {
      targetRef(); // the policy is reported by checkLeverReferences; the target is still checked
      continue;
    }

    const type = policy.valueType;
    const fieldPath: PathSegment[] = [...base, "target", lever.target.field !== undefined ? "field" : "path"];
    const fieldType = fieldValueType(lever.target.field ?? lever.target.path ?? "");
    if (fieldType !== undefined && fieldType !== type) {
      at(
        fieldPath,
        `this field holds a ${fieldType} value, but policy "${policy.id}" tunes ${type} values: pick a policy for ${fieldType}`,
      );
    }
    const parseAt = (key: "min" | "max", raw: string | number) => {
      const v = parseValue(type, raw);
      if (!v.ok) at([...base, "bounds", key], `${v.error} — policy "${policy.id}" tunes ${type} values`);
      return v.ok ? v.value : undefined;
    };
    const min = parseAt("min", lever.bounds.min);
    const max = parseAt("max", lever.bounds.max);
    if (min && max && compareValues(min, max) > 0) {
      at(
        [...base, "bounds", "min"],
        `bounds.min (${lever.bounds.min}) is greater than bounds.max (${lever.bounds.max})`,
      );
    }

    const strategy = resolveStrategy(policy, lever, base, at, loaded);
    let stepValue: LeverValue | undefined;
    const rawStep = lever.step ?? (strategy?.type === "slo-step" ? strategy.step : undefined);
    if (rawStep !== undefined) {
      const s = parseValue(type, rawStep);
      if (!s.ok) at([...base, lever.step !== undefined ? "step" : "policy"], `step: ${s.error}`);
      else if (isZeroOrLess(s.value)) at([...base, "step"], "step must be greater than zero");
      else stepValue = s.value;
    } else if (strategy?.type === "slo-step") {
      at(
        base,
        `policy "${policy.id}" moves the value in steps: set \`step\` on this lever (e.g. step: 5)`,
        positionOf(loaded, [...base, "id"]),
      );
    }
    const passed = diagnostics.length === before && !duplicates.has(lever.id) && min && max && strategy;
    if (passed)
      levers.push({ ...lever, policyDef: policy, strategy, min, max, ...(stepValue ? { stepValue } : {}) });
    // The value's type is checked in the file only for a lever whose type is settled.
    // As every diagnostic of a key: at its value.
    const key = (path: PathSegment[]): TargetPosition => {
      const p = positionOf(loaded, path);
      return { line: p.line, col: p.col, field: formatPath(path) };
    };
    targetRef(
      passed ? policy.valueType : undefined,
      passed
        ? {
            policy: policy.id,
            limit: lever.limit,
            min,
            minText: String(lever.bounds.min),
            at: { policy: key([...base, "policy"]), min: key([...base, "bounds", "min"]) },
          }
        : undefined,
    );
  }

  const names = new Set<string>();
  guardrails.forEach((g, i) => {
    if (names.has(g.name)) at(["guardrails", i, "name"], `duplicate guardrail name "${g.name}"`);
    names.add(g.name);
  });
  return { levers, targets, diagnostics };
}

function isZeroOrLess(v: LeverValue): boolean {
  switch (v.type) {
    case "cpu":
    case "memory":
      return v.quantity.nanos <= 0n;
    case "integer":
      return v.integer <= 0n;
    case "number":
      return v.number <= 0;
    case "duration":
      return v.ms <= 0;
    case "boolean":
      return true;
  }
}

/** The policy's strategy with the lever's `params` overriding its parameters, validated again. */
function resolveStrategy(
  policy: Policy,
  lever: Lever,
  base: PathSegment[],
  at: (path: PathSegment[], message: string, where?: Position) => Diagnostic,
  loaded: LoadedYaml,
): Strategy | undefined {
  const allowed = Object.keys(policy.strategy).filter((k) => k !== "type");
  const paramsAllowed = [...new Set([...allowed, ...optionalParams(policy.strategy.type)])];
  let bad = false;
  for (const key of Object.keys(lever.params)) {
    if (key === "type" || !paramsAllowed.includes(key)) {
      const where = positionOfKey(loaded, [...base, "params"], key);
      at(
        [...base, "params", key],
        `unknown parameter "${key}" for the ${policy.strategy.type} strategy${suggestion(key, paramsAllowed)}`,
        where,
      );
      bad = true;
    }
  }
  if (bad) return undefined;
  const merged = strategySchema.safeParse({ ...policy.strategy, ...lever.params });
  if (merged.success) return merged.data;
  for (const issue of merged.error.issues) {
    const key = issue.path[0];
    const path: PathSegment[] =
      typeof key === "string" && key in lever.params ? [...base, "params", key] : [...base, "policy"];
    at(path, `${issue.path.join(".")}: ${issue.message}`);
  }
  return undefined;
}

function optionalParams(type: Strategy["type"]): string[] {
  if (type === "percentile") return ["oom"];
  if (type === "slo-step") return ["band", "step"];
  return [];
}

function duplicateIds(levers: ReadonlyArray<{ id?: unknown }>): Set<unknown> {
  const seen = new Set<unknown>();
  const dups = new Set<unknown>();
  for (const l of levers) (seen.has(l.id) ? dups : seen).add(l.id);
  return dups;
}

/**
 * Checks that hold on the raw data, so they are reported even for levers that failed the
 * schema: unique ids, and policies that exist.
 */
export function checkLeverReferences(
  data: unknown,
  policies: ReadonlyMap<string, Policy>,
  loaded: LoadedYaml,
): Diagnostic[] {
  const raw = (data as { levers?: unknown } | null)?.levers;
  if (!Array.isArray(raw)) return [];
  const out: Diagnostic[] = [];
  const at = (path: PathSegment[], message: string) => {
    const p = positionOf(loaded, path);
    out.push({ file: loaded.path, line: p.line, col: p.col, message: `${formatPath(path)}: ${message}` });
  };
  const firstIndex = new Map<string, number>();
  raw.forEach((item: unknown, i) => {
    const { id, policy } = (item ?? {}) as { id?: unknown; policy?: unknown };
    if (typeof id === "string") {
      const first = firstIndex.get(id);
      if (first !== undefined)
        at(
          ["levers", i, "id"],
          `duplicate lever id "${id}" (also levers[${first}]): lever ids must be unique in the repository`,
        );
      else firstIndex.set(id, i);
    }
    if (typeof policy === "string" && !policies.has(policy)) {
      at(
        ["levers", i, "policy"],
        `unknown policy "${policy}"${suggestion(policy, [...policies.keys()].sort())}`,
      );
    }
  });
  return out;
}

const TARGET_FIELDS: readonly TargetField[] = [
  "file",
  "kind",
  "name",
  "namespace",
  "container",
  "field",
  "path",
  "document",
];

/** Where `target:` and each of its keys are written, for problems the file shows later. */
function targetPositions(
  loaded: LoadedYaml,
  base: PathSegment[],
  target: LeverTarget,
): Partial<Record<TargetField | "target", TargetPosition>> {
  const out: Partial<Record<TargetField | "target", TargetPosition>> = {};
  const place = (path: PathSegment[]): TargetPosition => {
    const p = positionOf(loaded, path, "key");
    return { line: p.line, col: p.col, field: formatPath(path) };
  };
  out.target = place([...base, "target"]);
  for (const key of TARGET_FIELDS) {
    if (target[key] === undefined) continue;
    const p = positionOf(loaded, [...base, "target", key]);
    out[key] = { line: p.line, col: p.col, field: formatPath([...base, "target", key]) };
  }
  return out;
}
