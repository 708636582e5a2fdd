import path from "node:path";

import { defineConfig, mergeConfig } from "vitest/config";

/**
 * The shared test preset. Each package calls `genflowVitest({ ... })` from its own
 * vitest.config.ts; per-package options are merged over these defaults.
 * Plain JavaScript so Vite can load it without a TypeScript loader.
 *
 * @param {import("vitest/config").ViteUserConfig} [overrides]
 * @returns {import("vitest/config").ViteUserConfig}
 */
export function genflowVitest(overrides = {}) {
  // The root test script collects a JSON report per package to print one summary line.
  const reportDir = process.env.GENFLOW_TEST_REPORT_DIR;
  const repoRoot = path.resolve(import.meta.dirname, "../..");
  const reportName = path.relative(repoRoot, process.cwd()).replaceAll(path.sep, "-") || "root";
  return mergeConfig(
    defineConfig({
      test: {
        environment: "node",
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
        testTimeout: 30_000,
        hookTimeout: 60_000,
        // Real databases and servers: test files run in separate processes.
        pool: "forks",
        restoreMocks: true,
        unstubEnvs: true,
        reporters: reportDir
          ? [
              "default",
              ["json", { outputFile: path.join(reportDir, `${reportName}-${process.pid}.json`) }],
            ]
          : ["default"],
      },
    }),
    defineConfig(overrides),
  );
}
