import type { Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** An Io that keeps what a command prints. */
export function captureIo(): { out: { stdout: string; stderr: string }; io: Io } {
  const out = { stdout: "", stderr: "" };
  const io: Io = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
  };
  return { out, io };
}

/** Runs the CLI in-process, as the binary would, and collects what it printed. */
export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, io } = captureIo();
  const code = await main(argv, io);
  return { code, ...out };
}
