import path from "node:path";

import { defineConfig, mergeConfig } from "vitest/config";
import type { ViteUserConfig } from "vitest/config";

/**
 * The shared test preset. Each package calls `genflowVitest({ ... })` from its own
 * vitest.config.ts; per-package options are merged over these defaults.
 */
export function genflowVitest(overrides: ViteUserConfig = {}): ViteUserConfig {
  // The root test script collects a JSON report per package to print one summary line.
  const reportDir = process.env.GENFLOW_TEST_REPORT_DIR;
  const reportName = path.relative(path.resolve(import.meta.dirname, "../.."), process.cwd()).replaceAll(path.sep, "-");
  return mergeConfig(
    defineConfig({
      test: {
        environment: "node",
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
        testTimeout: 30_000,
        hookTimeout: 60_000,
        // Real databases and servers: keep files in one worker pool, but isolated.
        pool: "forks",
        restoreMocks: true,
        unstubEnvs: true,
        reporters: reportDir
          ? ["default", ["json", { outputFile: path.join(reportDir, `${reportName || "root"}.json`) }]]
          : ["default"],
      },
    }),
    defineConfig(overrides),
  );
}
