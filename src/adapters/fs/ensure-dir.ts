import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p`, one level at a time. Node's `mkdir(…, { recursive: true })` never returns for some
 * paths (a folder under /proc spins at full CPU on Node 20), and a bad --out must be an error,
 * not a hang. Throws the first error with its code (ENOENT, EACCES, ENOTDIR…).
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if ((await stat(d)).isDirectory()) break;
      throw Object.assign(new Error(`${d} is not a folder`), { code: "ENOTDIR" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      missing.push(d);
      if (dirname(d) === d) break;
    }
  }
  for (const d of missing.reverse()) await mkdir(d);
}
