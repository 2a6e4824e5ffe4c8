import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests start real processes (Prometheus, git); keep them off the shared cores' backs.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
