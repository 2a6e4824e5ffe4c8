import { type Document, parseAllDocuments } from "yaml";
import type { Lever } from "../config/repo-schema.js";
import { MAX_ALIAS_COUNT } from "../yaml/load.js";
import { prescanYaml } from "../yaml/prescan.js";
import { checkStructure } from "../yaml/structure.js";

/** What an HPA scales and on which resources' utilisation. */
export interface HpaInfo {
  readonly file: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly targetKind: string;
  readonly targetName: string;
  /** Resources (cpu, memory) whose utilisation it targets. */
  readonly resources: readonly string[];
  /** spec.minReplicas when written (the fewest pods a request lever applies to). */
  readonly minReplicas?: number | undefined;
}

/**
 * A file beside a lever that names an HPA but could not be read: an HPA in it cannot be ruled out,
 * so a request lever next to it is not called free of one.
 */
export interface UnreadableHpaFile {
  readonly file: string;
  readonly unreadable: string;
}

export type HpaScan = HpaInfo | UnreadableHpaFile;

const isUnreadable = (h: HpaScan): h is UnreadableHpaFile => "unreadable" in h;

/**
 * HPAs of a file (autoscaling/v2 Resource metrics). Any file beside a lever is read here, so it
 * gets the same bounds as a lever file before the parser sees it; a file that names an HPA but is
 * over those bounds, or not valid YAML where it does, is reported as unreadable rather than as
 * holding none.
 */
export function extractHpas(file: string, text: string): HpaScan[] {
  const names = /kind:\s*["']?HorizontalPodAutoscaler/.test(text);
  const refused = prescanYaml(text);
  if (refused) return names ? [{ file, unreadable: refused.message }] : [];
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const out: HpaScan[] = [];
  for (const doc of docs as Document.Parsed[]) {
    if (doc.errors.length > 0) {
      const source = doc.range ? text.slice(doc.range[0], doc.range[2]) : "";
      if (/kind:\s*["']?HorizontalPodAutoscaler/.test(source))
        out.push({ file, unreadable: `not valid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? ""}` });
      continue;
    }
    if (doc.get("kind") !== "HorizontalPodAutoscaler") continue;
    const structure = checkStructure(doc.contents, () => 0);
    if (structure.length > 0) {
      out.push({ file, unreadable: structure[0]?.message ?? "refused" });
      continue;
    }
    const data = toData(doc) as
      | {
          metadata?: { name?: unknown; namespace?: unknown };
          spec?: {
            scaleTargetRef?: { kind?: unknown; name?: unknown };
            metrics?: unknown;
            targetCPUUtilizationPercentage?: unknown;
            minReplicas?: unknown;
          };
        }
      | null
      | undefined;
    if (data === undefined) {
      out.push({ file, unreadable: "its aliases expand too much" });
      continue;
    }
    const ref = data?.spec?.scaleTargetRef;
    if (
      typeof ref?.kind !== "string" ||
      typeof ref.name !== "string" ||
      typeof data?.metadata?.name !== "string"
    )
      continue;
    const resources = new Set<string>();
    if (Array.isArray(data.spec?.metrics)) {
      for (const m of data.spec.metrics as Array<{
        type?: unknown;
        resource?: { name?: unknown; target?: { type?: unknown } };
      }>) {
        if (
          m.type === "Resource" &&
          typeof m.resource?.name === "string" &&
          m.resource.target?.type === "Utilization"
        )
          resources.add(m.resource.name);
      }
    }
    if (data.spec?.targetCPUUtilizationPercentage !== undefined) resources.add("cpu"); // autoscaling/v1
    out.push({
      file,
      name: data.metadata.name,
      namespace: typeof data.metadata.namespace === "string" ? data.metadata.namespace : undefined,
      targetKind: ref.kind,
      targetName: ref.name,
      resources: [...resources],
      ...(Number.isSafeInteger(data.spec?.minReplicas)
        ? { minReplicas: data.spec?.minReplicas as number }
        : {}),
    });
  }
  return out;
}

/** The document's data, or undefined when its aliases expand too much. */
function toData(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return undefined;
  }
}

const requestOf = (lever: Lever) =>
  lever.target.kind === undefined
    ? undefined
    : /^resources\.requests\.(cpu|memory)$/.exec(lever.target.field ?? "")?.[1];

const folderOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/")));

/** A file beside a request lever that may hold an HPA Governor could not read. */
export function unreadableHpaFile(lever: Lever, hpas: readonly HpaScan[]): UnreadableHpaFile | undefined {
  if (requestOf(lever) === undefined) return undefined;
  return hpas.find(
    (h): h is UnreadableHpaFile => isUnreadable(h) && folderOf(h.file) === folderOf(lever.target.file),
  );
}

/** The HPA that scales this lever's workload, on whatever metric. */
export function workloadHpa(lever: Lever, hpas: readonly HpaScan[]): HpaInfo | undefined {
  return hpas.find(
    (h): h is HpaInfo =>
      !isUnreadable(h) &&
      h.targetKind === lever.target.kind &&
      h.targetName === lever.target.name &&
      (lever.target.namespace === undefined ||
        h.namespace === undefined ||
        h.namespace === lever.target.namespace),
  );
}

/** The HPA that scales this lever's workload on the utilisation of the very resource the lever requests. */
export function conflictingHpa(lever: Lever, hpas: readonly HpaScan[]): HpaInfo | undefined {
  const resource = requestOf(lever);
  if (resource === undefined) return undefined;
  return hpas.find(
    (h): h is HpaInfo =>
      !isUnreadable(h) &&
      h.targetKind === lever.target.kind &&
      h.targetName === lever.target.name &&
      (lever.target.namespace === undefined ||
        h.namespace === undefined ||
        h.namespace === lever.target.namespace) &&
      h.resources.includes(resource),
  );
}
