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
}

/**
 * HPAs of a file (autoscaling/v2 Resource metrics); files that are not YAML have none, and neither
 * do files over Governor's limits of shape: any file beside a lever is read here, so it gets the
 * same bounds as a lever file before the parser sees it.
 */
export function extractHpas(file: string, text: string): HpaInfo[] {
  if (prescanYaml(text)) return [];
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const out: HpaInfo[] = [];
  for (const doc of docs as Document.Parsed[]) {
    if (doc.errors.length > 0 || doc.get("kind") !== "HorizontalPodAutoscaler") continue;
    if (checkStructure(doc.contents, () => 0).length > 0) continue;
    const data = toData(doc) as
      | {
          metadata?: { name?: unknown; namespace?: unknown };
          spec?: {
            scaleTargetRef?: { kind?: unknown; name?: unknown };
            metrics?: unknown;
            targetCPUUtilizationPercentage?: unknown;
          };
        }
      | null
      | undefined;
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

/** The HPA that scales this lever's workload on the utilisation of the very resource the lever requests. */
export function conflictingHpa(lever: Lever, hpas: readonly HpaInfo[]): HpaInfo | undefined {
  const field = lever.target.field ?? "";
  const m = /^resources\.requests\.(cpu|memory)$/.exec(field);
  if (!m || lever.target.kind === undefined) return undefined;
  return hpas.find(
    (h) =>
      h.targetKind === lever.target.kind &&
      h.targetName === lever.target.name &&
      (lever.target.namespace === undefined ||
        h.namespace === undefined ||
        h.namespace === lever.target.namespace) &&
      h.resources.includes(m[1] as string),
  );
}
