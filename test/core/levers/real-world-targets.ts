import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, Scalar } from "yaml";
import type { LeverTarget } from "../../../src/core/config/repo-schema.js";
import type { EditableType } from "../../../src/core/values/value.js";

/** The shared real-world fixtures, beside the repository (absent in a user's fresh clone). */
export const REAL_WORLD = join(
  new URL("../../../..", import.meta.url).pathname,
  "shared",
  "fixtures",
  "real-world",
);

export interface RealTarget {
  readonly file: string;
  readonly text: string;
  readonly target: LeverTarget;
  readonly type: EditableType;
  /** 1-based line of the value. */
  readonly line: number;
}

export function realWorldFiles(): string[] {
  const walkDir = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walkDir(full) : /\.ya?ml$/.test(name) ? [full] : [];
    });
  return ["k8s", "helm", "kustomize"].flatMap((d) => walkDir(join(REAL_WORLD, d))).sort();
}

const POD_SPEC: Record<string, string[]> = {
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

const lineOf = (text: string, node: Node) => text.slice(0, node.range?.[0] ?? 0).split("\n").length;

/**
 * Every scalar of a document a lever could target by path: in Helm values every number, and
 * everywhere quantities under cpu/memory keys (Helm values, HelmRelease values, patches).
 */
function pathTargets(
  file: string,
  text: string,
  doc: Document.Parsed,
  docIndex: number,
  multi: boolean,
): RealTarget[] {
  const numbers = file.startsWith("helm/");
  const out: RealTarget[] = [];
  const visitNode = (node: unknown, path: Array<string | number>) => {
    if (isAlias(node)) return;
    if (isMap(node)) {
      for (const p of node.items)
        if (isScalar(p.key) && typeof p.key.value === "string" && !p.key.value.includes('"'))
          visitNode(p.value, [...path, p.key.value]);
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) visitNode(item, [...path, i]);
    } else if (
      (isScalar(node) && node.type === Scalar.PLAIN) ||
      (isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE))
    ) {
      const key = path[path.length - 1];
      const v = (node as Scalar).value;
      let type: EditableType | undefined;
      if (
        (key === "cpu" || key === "memory") &&
        (typeof v === "string" || typeof v === "number") &&
        /^\d/.test(String(v))
      )
        type = key;
      else if (numbers && typeof v === "number" && Number.isFinite(v))
        type =
          Number.isInteger(v) &&
          !/[.eE]/.test(text.slice((node as Node).range?.[0], (node as Node).range?.[1]))
            ? "integer"
            : "number";
      if (type && path.length > 0) {
        const p = path
          .map((s, i) =>
            typeof s === "number"
              ? `[${s}]`
              : /^[A-Za-z_$][\w$-]*$/.test(s)
                ? i === 0
                  ? s
                  : `.${s}`
                : `[${JSON.stringify(s)}]`,
          )
          .join("");
        out.push({
          file,
          text,
          target: { file, path: p, ...(multi ? { document: docIndex } : {}) },
          type,
          line: lineOf(text, node as Node),
        });
      }
    }
  };
  visitNode(doc.contents, []);
  return out;
}

/** Container resources, replicas and HPA fields in the Kubernetes form. */
function kubernetesTargets(
  file: string,
  text: string,
  doc: Document.Parsed,
  all: Document.Parsed[],
): RealTarget[] {
  const kind = doc.get("kind");
  const name = doc.getIn(["metadata", "name"]);
  const namespace = doc.getIn(["metadata", "namespace"]);
  if (typeof kind !== "string" || typeof name !== "string") return [];
  const same = all.filter(
    (d) =>
      d.get("kind") === kind &&
      d.getIn(["metadata", "name"]) === name &&
      d.getIn(["metadata", "namespace"]) === namespace,
  );
  if (same.length > 1) return [];
  const base = { file, kind, name, ...(typeof namespace === "string" ? { namespace } : {}) };
  const out: RealTarget[] = [];
  const add = (target: LeverTarget, type: EditableType, node: unknown) => {
    if (isScalar(node) && node.value !== null)
      out.push({ file, text, target, type, line: lineOf(text, node) });
  };
  const podSpec = POD_SPEC[kind];
  if (podSpec) {
    add({ ...base, field: "replicas" }, "integer", doc.getIn(["spec", "replicas"], true));
    for (const list of ["containers", "initContainers"]) {
      const seq = doc.getIn([...podSpec, list], true);
      if (!isSeq(seq)) continue;
      for (const c of seq.items) {
        const cname = isMap(c) ? c.get("name") : undefined;
        if (typeof cname !== "string") continue;
        for (const section of ["requests", "limits"]) {
          for (const res of ["cpu", "memory"] as const) {
            add(
              { ...base, container: cname, field: `resources.${section}.${res}` },
              res,
              (c as { getIn: (p: string[], k: boolean) => unknown }).getIn(["resources", section, res], true),
            );
          }
        }
      }
    }
  }
  if (kind === "HorizontalPodAutoscaler") {
    add({ ...base, field: "minReplicas" }, "integer", doc.getIn(["spec", "minReplicas"], true));
    add({ ...base, field: "maxReplicas" }, "integer", doc.getIn(["spec", "maxReplicas"], true));
    const metrics = doc.getIn(["spec", "metrics"], true);
    if (isSeq(metrics)) {
      for (const m of metrics.items) {
        if (!isMap(m) || m.get("type") !== "Resource") continue;
        const res = m.getIn(["resource", "name"]);
        add(
          { ...base, field: `metrics.${String(res)}.averageUtilization` },
          "integer",
          m.getIn(["resource", "target", "averageUtilization"], true),
        );
      }
    }
  }
  return out;
}

export function realWorldTargets(): RealTarget[] {
  return realWorldFiles().flatMap((full) => {
    const text = readFileSync(full, "utf8");
    const file = relative(REAL_WORLD, full);
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return [];
    const nonEmpty = docs.filter((d) => d.contents !== null).length;
    return docs.flatMap((doc, i) => [
      ...kubernetesTargets(file, text, doc, docs),
      ...pathTargets(file, text, doc, i, nonEmpty > 1),
    ]);
  });
}
