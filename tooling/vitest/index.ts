import { defineConfig, mergeConfig } from "vitest/config";
import type { ViteUserConfig } from "vitest/config";

/**
 * The shared test preset. Each package calls `genflowVitest({ ... })` from its own
 * vitest.config.ts; per-package options are merged over these defaults.
 */
export function genflowVitest(overrides: ViteUserConfig = {}): ViteUserConfig {
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
      },
    }),
    defineConfig(overrides),
  );
}
