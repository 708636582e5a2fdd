import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

import { buildEnvironment, e2eEnv } from "./env";

const webRoot = path.resolve(import.meta.dirname, "..");

/** What a build depends on: when any of these is newer than dist/index.html, rebuild. */
const INPUTS = ["src", "public", "index.html", "vite.config.ts", "package.json"];

function newestChange(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return target.endsWith(".test.ts") ? 0 : stats.mtimeMs;
  return readdirSync(target).reduce(
    (newest, entry) => Math.max(newest, newestChange(path.join(target, entry))),
    stats.mtimeMs,
  );
}

/** Builds the SPA when needed and checks Chromium is installed, once before all browser tests. */
export default function setup() {
  if (!existsSync(e2eEnv.chromiumPath)) {
    throw new Error(
      `Chromium not found at ${e2eEnv.chromiumPath}. Install it (e.g. apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  const builtAt = newestChange(path.join(webRoot, "dist", "index.html"));
  const sourcesAt = Math.max(...INPUTS.map((input) => newestChange(path.join(webRoot, input))));
  if (builtAt > sourcesAt) return;
  console.info("[e2e] building the SPA (sources changed since the last build)");
  const vite = path.join(webRoot, "node_modules", ".bin", "vite");
  // The test runner sets NODE_ENV=test, which would give a development React build.
  const result = spawnSync(vite, ["build", "--logLevel", "warn"], {
    cwd: webRoot,
    stdio: "inherit",
    env: buildEnvironment(),
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${String(result.status)})`);
}
