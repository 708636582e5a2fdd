import { genflowVitest } from "@genflow/vitest-config";

// Browser flows: a real host on port 0 serving the built SPA, driven through Chromium.
const preset = genflowVitest({
  test: {
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});

export default {
  ...preset,
  test: { ...preset.test, include: ["e2e/**/*.test.ts"] },
};
