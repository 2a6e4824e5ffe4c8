import type { Result } from "../core/result.js";
import { err } from "../core/result.js";
import { type LocalContext, prepareLocal } from "../reconcile/local.js";
import type { Io } from "./io.js";
import { parseNow } from "./options.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The options plan, apply and verify share. */
export interface LocalCommandOptions {
  readonly repo: string;
  readonly prometheus?: string | undefined;
  readonly signals?: string | undefined;
  readonly now?: string | undefined;
  readonly json?: boolean | undefined;
}

/** Parses --now and prepares local mode; on failure prints why and gives the exit code. */
export async function openLocal(
  options: LocalCommandOptions,
  io: Io,
  env: Env,
  clock: () => number,
): Promise<Result<LocalContext, number>> {
  const now = options.now === undefined ? undefined : parseNow(options.now);
  if (now && !now.ok) {
    io.stderr(`${now.error}\n`);
    return err(1);
  }
  const ctx = await prepareLocal(
    { repo: options.repo, prometheus: options.prometheus, signals: options.signals, now: now?.value },
    env,
    clock,
  );
  if (!ctx.ok) {
    io.stderr(`${ctx.error.message}\n`);
    return err(ctx.error.code);
  }
  if (ctx.value.notice) io.stderr(`${ctx.value.notice}\n`);
  return ctx;
}
