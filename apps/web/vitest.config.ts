import { genflowVitest } from "@genflow/vitest-config";

// Unit tests only; the browser flows live in e2e/ and run with vitest.e2e.config.ts.
const preset = genflowVitest();

export default {
  ...preset,
  test: { ...preset.test, include: ["src/**/*.test.ts"] },
};
