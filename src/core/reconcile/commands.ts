/** A `/governor …` comment, parsed. Only the first line that starts with /governor counts. */
export type ParsedCommand =
  | { readonly verb: "hold"; readonly reason: string }
  | { readonly verb: "resume" }
  | { readonly verb: "reject"; readonly reason: string }
  | { readonly verb: "explain" }
  | { readonly verb: "unknown"; readonly text: string };

export function parseCommand(body: string): ParsedCommand | undefined {
  const line = body.split(/\r?\n/).find((l) => /^\s*\/governor\b/.test(l));
  if (!line) return undefined;
  const m = /^\s*\/governor\s+(\S+)\s*(.*)$/.exec(line);
  const verb = m?.[1]?.toLowerCase();
  const rest = (m?.[2] ?? "").trim();
  if (verb === "hold") return { verb, reason: rest };
  if (verb === "resume") return { verb };
  if (verb === "reject") return { verb, reason: rest };
  if (verb === "explain") return { verb };
  return { verb: "unknown", text: line.trim() };
}

export const COMMAND_HELP =
  "Commands: `/governor hold [reason]`, `/governor resume`, `/governor reject <reason>` (on a tuning PR), `/governor explain`.";
