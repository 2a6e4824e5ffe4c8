/**
 * A failure a user can act on. Made once at the adapter that met it, handled once at the entry
 * point, which prints `message` (never a stack trace) and exits with `exitCode`.
 */
export class GovernorError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GovernorError";
  }
}
