#!/usr/bin/env node
// The published entry point: compiled code only, so `npx governor` starts fast and needs no loader.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "governor: dist/ is missing. Run `npm ci` (or `npm run build`) in the governor folder first.\n",
  );
  process.exit(1);
}
const { main } = await import(entry.href);
const { processIo } = await import(new URL("../dist/cli/io.js", import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), processIo);
