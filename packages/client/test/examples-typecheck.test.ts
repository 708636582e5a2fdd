import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

/**
 * The examples are what another service would write against the SDK, so they must compile
 * against the current API. (apps/server's end-to-end test also runs one against a live server.)
 */
describe("SDK examples", () => {
  it("type-check against the current AppRouter", () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const project = fileURLToPath(new URL("../tsconfig.json", import.meta.url));
    const result = spawnSync(
      process.execPath,
      [tsc, "--noEmit", "--pretty", "false", "-p", project],
      {
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 150_000);
});
