import { isScalar } from "yaml";
import type { ResolvedLever } from "../config/check-levers.js";
import { locate, type ParsedFile } from "../levers/parsed-file.js";
import { type HpaScan, workloadHpa } from "./hpa.js";

/** How many pods a per-pod value applies to, and where that number comes from. */
export interface Replicas {
  readonly count: number;
  /** "spec.replicas", "HPA checkout minReplicas". */
  readonly source: string;
}

/** A lever that sets something every pod of a workload gets: a container request or limit. */
export const perPod = (lever: ResolvedLever): boolean =>
  /^resources\.(requests|limits)\./.test(lever.target.field ?? "") ||
  /(^|\.)resources\.(requests|limits)\./.test(lever.target.path ?? "");

/**
 * The pods a per-pod lever applies to: the HPA's minReplicas when an HPA scales the workload (at
 * least that many pods reserve it), else the manifest's spec.replicas; undefined when unknown
 * (Helm values, a DaemonSet, a Deployment without spec.replicas).
 */
export function replicasOf(
  lever: ResolvedLever,
  file: ParsedFile | undefined,
  hpas: readonly HpaScan[],
): Replicas | undefined {
  if (!perPod(lever) || lever.target.kind === undefined) return undefined;
  const hpa = workloadHpa(lever, hpas);
  if (hpa?.minReplicas !== undefined)
    return { count: hpa.minReplicas, source: `HPA ${hpa.name} minReplicas` };
  if (hpa || !file) return undefined; // scaled by an HPA without a minimum: its default (1) is no estimate
  const at = locate(file, lever.target);
  if (!at.ok) return undefined;
  const node = at.value.doc.getIn(["spec", "replicas"], true);
  const n = isScalar(node) ? node.value : undefined;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0
    ? { count: n, source: "spec.replicas" }
    : undefined;
}
