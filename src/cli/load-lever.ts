import { join } from "node:path";
import { readRepoConfigInput } from "../adapters/fs/read-repo-config.js";
import { decodeText, readRepoFile } from "../adapters/fs/repo-files.js";
import type { ResolvedLever } from "../core/config/check-levers.js";
import { CONFIG_PATH, loadRepoConfig } from "../core/config/load-repo-config.js";
import { formatDiagnostic } from "../core/diagnostics.js";
import { err, ok, type Result } from "../core/result.js";
import { suggestion } from "../core/text/suggest.js";

export interface LeverFile {
  readonly lever: ResolvedLever;
  /** The lever's file, relative to the repository. */
  readonly file: string;
  /** The file as the user should see it in messages (with the --repo folder). */
  readonly shown: string;
  readonly text: string;
}

/** The lever `id` of the repository's valid config, and its file's text; or what to fix first. */
export async function loadLever(repo: string, id: string): Promise<Result<LeverFile, string>> {
  const input = await readRepoConfigInput(repo);
  if (!input.ok) return input;
  const result = loadRepoConfig(input.value);
  if (!result.loaded) {
    const lines = result.diagnostics.map((d) => formatDiagnostic({ ...d, file: join(repo, d.file) }));
    return err(
      `${lines.join("\n")}\nthe configuration has problems: fix them first (governor validate --repo ${repo})`,
    );
  }
  const lever = result.loaded.levers.find((l) => l.id === id);
  if (!lever) {
    const ids = result.loaded.levers.map((l) => l.id);
    return err(`${join(repo, CONFIG_PATH)}: no lever "${id}"${suggestion(id, ids)}`);
  }
  const file = lever.target.file;
  const shown = join(repo, file);
  const bytes = await readRepoFile(repo, file);
  if (!bytes.ok) return err(`${shown}: ${bytes.error.message}`);
  const text = decodeText(bytes.value);
  if (!text.ok) return err(`${shown}: ${text.error.message}`);
  return ok({ lever, file, shown, text: text.value });
}
