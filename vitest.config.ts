import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the dashboard once when its sources are newer than web/dist (browser tests serve it).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two shared cores: integration files each start servers and receivers, so run a few at once.
    maxWorkers: 2,
    pool: "forks",
  },
});
