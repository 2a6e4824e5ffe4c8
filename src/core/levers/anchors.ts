import { type Document, type Node, visit } from "yaml";
import { formatFieldPath } from "./field-path.js";
import type { LeverLocation } from "./resolve.js";
import { walk } from "./yaml-walk.js";

/** The first node on the lever's path (the value or a mapping above it) whose anchor is used by an alias. */
export function sharedAnchor(
  doc: Document.Parsed,
  location: LeverLocation,
): { anchor: string; where: string } | undefined {
  for (let depth = location.path.length; depth >= 0; depth--) {
    const node = walk(doc.contents as Node, location.path.slice(0, depth), doc).node as
      | (Node & { anchor?: string })
      | undefined;
    if (node?.anchor !== undefined && anchorUsed(doc, node.anchor)) {
      return {
        anchor: node.anchor,
        where:
          depth === location.path.length
            ? "the value"
            : `its parent ${formatFieldPath(location.path.slice(0, depth)) || "document"}`,
      };
    }
  }
  return undefined;
}

function anchorUsed(doc: Document.Parsed, anchor: string): boolean {
  let used = false;
  visit(doc, {
    Alias(_, node) {
      if (node.source === anchor) {
        used = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return used;
}
