import { type Document, isMap, isScalar, isSeq, type Node } from "yaml";
import type { LeverTarget } from "../config/repo-schema.js";
import { err, ok, type Result } from "../result.js";
import { didYouMean } from "../text/suggest.js";
import { keyHint, nearestPath, nearResource } from "./alternatives.js";
import { type LeverError, leverError } from "./errors.js";
import { type FieldSegment, formatFieldPath, parseFieldPath } from "./field-path.js";
import { keysOf, walk } from "./yaml-walk.js";

/** Where a lever's value lives: a document of the file and a path of keys and indexes in it. */
export interface LeverLocation {
  readonly docIndex: number;
  readonly path: readonly FieldSegment[];
  /** "Deployment checkout, container server, field resources.requests.cpu" — for messages. */
  readonly description: string;
  /** Index in `path` from which missing keys may be created (well-known fields only). */
  readonly creatableFrom?: number;
  /** Index in `path` where the lever's own field (or path) starts: what "did you mean" compares. */
  readonly fieldFrom?: number;
  /** Fields Governor could add here, also offered as "did you mean". */
  readonly knownFields?: readonly string[];
}

const POD_SPEC: Record<string, readonly string[]> = {
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  Pod: ["spec"],
};

/** Fields Governor may add when they are missing: the "no resources block yet" case. */
const CREATABLE_CONTAINER_FIELD = /^resources\.(requests|limits)\.(cpu|memory|ephemeral-storage)$/;
const CREATABLE_SPEC_FIELD = /^(replicas|minReplicas)$/;
const KNOWN_CONTAINER_FIELDS = ["requests", "limits"].flatMap((k) =>
  ["cpu", "memory"].map((r) => `resources.${k}.${r}`),
);
const KNOWN_SPEC_FIELDS = ["replicas", "minReplicas", "maxReplicas"];

type Docs = readonly Document.Parsed[];

export function resolveTarget(
  docs: Docs,
  target: LeverTarget,
  file: string,
): Result<LeverLocation, LeverError> {
  if (target.path !== undefined) return resolvePath(docs, target.path, target.document, file);
  if (target.kind === undefined || target.name === undefined || target.field === undefined) {
    return err(
      leverError("invalid-target", `${file}: a target needs kind, name and field (or path)`, "kind"),
    );
  }
  return resolveKubernetes(
    docs,
    { ...target, kind: target.kind, name: target.name, field: target.field },
    file,
  );
}

function resolvePath(
  docs: Docs,
  path: string,
  document: number | undefined,
  file: string,
): Result<LeverLocation, LeverError> {
  const segments = parseFieldPath(path);
  if (!segments.ok)
    return err(leverError("invalid-target", `${file}: target.path ${segments.error}`, "path"));
  const nonEmpty = docs.map((d, i) => [d, i] as const).filter(([d]) => d.contents !== null);
  if (document === undefined && nonEmpty.length > 1) {
    return err(
      leverError(
        "ambiguous",
        `${file} holds ${nonEmpty.length} YAML documents: set target.document (0-based) to say which one holds ${path}`,
        "path",
      ),
    );
  }
  const docIndex = document ?? nonEmpty[0]?.[1] ?? 0;
  if (docIndex >= docs.length) {
    return err(
      leverError(
        "not-found",
        `${file} has ${docs.length} document${docs.length === 1 ? "" : "s"}; target.document ${docIndex} does not exist`,
        "document",
      ),
    );
  }
  const where = document === undefined ? "" : ` (document ${docIndex})`;
  return ok({ docIndex, path: segments.value, description: `path ${path}${where}`, fieldFrom: 0 });
}

interface KubernetesTarget {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly container?: string | undefined;
  readonly field: string;
}

function scalarAt(doc: Document.Parsed, path: readonly string[]): string | undefined {
  const v = doc.getIn(path);
  return typeof v === "string" ? v : undefined;
}

function resolveKubernetes(docs: Docs, t: KubernetesTarget, file: string): Result<LeverLocation, LeverError> {
  const resources = docs.map((doc, docIndex) => ({
    doc,
    docIndex,
    kind: scalarAt(doc, ["kind"]),
    name: scalarAt(doc, ["metadata", "name"]),
    namespace: scalarAt(doc, ["metadata", "namespace"]),
  }));
  const matches = resources.filter(
    (r) =>
      r.kind === t.kind && r.name === t.name && (t.namespace === undefined || r.namespace === t.namespace),
  );
  const wanted = `${t.kind} "${t.name}"${t.namespace !== undefined ? ` in namespace ${t.namespace}` : ""}`;
  if (matches.length === 0) {
    const present = resources
      .filter((r) => r.kind !== undefined)
      .map((r) => `${r.kind}/${r.name ?? "?"}${r.namespace ? ` (${r.namespace})` : ""}`);
    const near = nearResource(resources, t);
    return err(
      leverError(
        "not-found",
        `${file}: no ${wanted}; the file has ${present.length > 0 ? present.join(", ") : "no Kubernetes resources"}${near.hint}`,
        near.field,
      ),
    );
  }
  if (matches.length > 1) {
    const namespaces = matches.map((m) => m.namespace ?? "(none)").join(", ");
    return err(
      leverError(
        "ambiguous",
        `${file}: ${matches.length} resources match ${wanted} (namespaces: ${namespaces}); set target.namespace`,
        t.namespace === undefined ? "name" : "namespace",
      ),
    );
  }
  const match = matches[0] as (typeof matches)[number];
  const fieldSegments = parseFieldPath(t.field);
  if (!fieldSegments.ok)
    return err(leverError("invalid-target", `${file}: target.field ${fieldSegments.error}`, "field"));
  const resource = `${t.kind} ${t.name}`;

  if (t.container !== undefined) {
    const podSpec = POD_SPEC[t.kind];
    if (!podSpec)
      return err(
        leverError(
          "unsupported",
          `${file}: a ${t.kind} has no containers; drop target.container and give a field relative to its spec`,
          "container",
        ),
      );
    const containers = findContainer(match.doc.contents as Node, podSpec, t.container);
    if (!containers.ok)
      return err(
        leverError(
          "not-found",
          `${file}: ${resource} has no container "${t.container}"; it has ${containers.error}`,
          "container",
        ),
      );
    const base = [...podSpec, containers.value.list, containers.value.index];
    const description = `${resource}, container ${t.container}, field ${t.field}`;
    if (t.field.startsWith("env.")) return resolveEnv(match, base, t.field.slice(4), description, file);
    return ok({
      docIndex: match.docIndex,
      path: [...base, ...fieldSegments.value],
      description,
      ...(CREATABLE_CONTAINER_FIELD.test(t.field) ? { creatableFrom: base.length } : {}),
      fieldFrom: base.length,
      knownFields: KNOWN_CONTAINER_FIELDS,
    });
  }
  const description = `${resource}, field ${t.field}`;
  const metric = /^metrics\.([a-z0-9-]+)\.(averageUtilization|averageValue)$/.exec(t.field);
  if (t.kind === "HorizontalPodAutoscaler" && metric)
    return resolveHpaMetric(match, metric[1] ?? "", metric[2] ?? "", description, file);
  return ok({
    docIndex: match.docIndex,
    path: ["spec", ...fieldSegments.value],
    description,
    ...(CREATABLE_SPEC_FIELD.test(t.field) ? { creatableFrom: 1 } : {}),
    fieldFrom: 1,
    knownFields: KNOWN_SPEC_FIELDS,
  });
}

function findContainer(
  root: Node,
  podSpec: readonly string[],
  name: string,
): Result<{ list: string; index: number }, string> {
  const names: string[] = [];
  for (const list of ["containers", "initContainers"]) {
    const seq = walk(root, [...podSpec, list]).node;
    if (!isSeq(seq)) continue;
    for (let i = 0; i < seq.items.length; i++) {
      const item = seq.items[i];
      const n = isMap(item) ? item.get("name") : undefined;
      if (n === name) return ok({ list, index: i });
      if (typeof n === "string") names.push(list === "containers" ? n : `${n} (init)`);
    }
  }
  return err(
    names.length > 0 ? `containers: ${names.join(", ")}${didYouMean(name, names)}` : "no containers",
  );
}

function resolveEnv(
  match: { doc: Document.Parsed; docIndex: number },
  base: readonly FieldSegment[],
  envName: string,
  description: string,
  file: string,
): Result<LeverLocation, LeverError> {
  const env = walk(match.doc.contents as Node, [...base, "env"]).node;
  const names: string[] = [];
  if (isSeq(env)) {
    for (let i = 0; i < env.items.length; i++) {
      const item = env.items[i];
      if (!isMap(item)) continue;
      const n = item.get("name");
      if (n === envName) {
        if (item.has("valueFrom")) {
          return err(
            leverError(
              "unsupported",
              `${file}: ${description}: the variable takes its value from valueFrom (a ConfigMap or Secret); point the lever at that instead`,
              "field",
            ),
          );
        }
        return ok({ docIndex: match.docIndex, path: [...base, "env", i, "value"], description });
      }
      if (typeof n === "string") names.push(n);
    }
  }
  return err(
    leverError(
      "not-found",
      `${file}: ${description}: no env variable ${envName}; the container has ${names.length > 0 ? names.join(", ") : "no env variables"}${didYouMean(envName, names)}`,
      "field",
    ),
  );
}

function resolveHpaMetric(
  match: { doc: Document.Parsed; docIndex: number },
  resource: string,
  field: string,
  description: string,
  file: string,
): Result<LeverLocation, LeverError> {
  const metrics = walk(match.doc.contents as Node, ["spec", "metrics"]).node;
  const found: string[] = [];
  if (isSeq(metrics)) {
    for (let i = 0; i < metrics.items.length; i++) {
      const m = metrics.items[i];
      if (!isMap(m)) continue;
      const type = m.get("type");
      const name = (m.getIn(["resource", "name"]) as unknown) ?? undefined;
      if (type === "Resource" && name === resource) {
        return ok({
          docIndex: match.docIndex,
          path: ["spec", "metrics", i, "resource", "target", field],
          description,
        });
      }
      found.push(type === "Resource" ? `Resource ${String(name)}` : String(type));
    }
  }
  return err(
    leverError(
      "not-found",
      `${file}: ${description}: no Resource metric for ${resource}; the HPA's metrics are ${found.length > 0 ? found.join(", ") : "not set"}`,
      "field",
    ),
  );
}

/** "Deployment checkout, field spec.replicas has no key "x"; it has: a, b" */
export function describeMissing(root: Node, location: LeverLocation, depth: number, file: string): string {
  const reached = walk(root, location.path.slice(0, depth)).node;
  const missing = location.path[depth];
  const keys = keysOf(reached);
  const at = depth === 0 ? "the document" : formatFieldPath(location.path.slice(0, depth));
  const what = typeof missing === "number" ? `no item [${missing}]` : `no key "${String(missing)}"`;
  const has =
    keys.length > 0
      ? `; it has: ${keys.join(", ")}${typeof missing === "string" ? keyHint(missing, keys) || pathHint(root, location) : ""}`
      : isSeq(reached)
        ? `; the list has ${reached.items.length} items`
        : isScalar(reached)
          ? ` (it holds a value, not a mapping)${pathHint(root, location)}`
          : pathHint(root, location);
  return `${file}: ${location.description}: ${at} has ${what}${has}`;
}

/** " (did you mean resources.requests.cpu?)" for the lever's whole field, when one is near. */
function pathHint(root: Node, location: LeverLocation): string {
  const from = location.fieldFrom;
  if (from === undefined) return "";
  return nearestPath(
    root,
    location.path.slice(0, from),
    location.path.slice(from),
    location.knownFields ?? [],
  );
}
