/** Everything the browser tests read from the environment, in one place. */
export const e2eEnv = {
  /** The system Chromium; browsers are never downloaded. */
  chromiumPath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  /** Run against Postgres (a fresh database per test file) instead of in-memory PGlite. */
  databaseUrl: process.env.DATABASE_URL,
  /** Share cache, limits and events through Redis. */
  redisUrl: process.env.REDIS_URL,
  /** Where screenshots go (default: test-output/screenshots/ in this app). */
  screenshotDir: process.env.E2E_SCREENSHOT_DIR,
};

/** The environment for `vite build`: a production build even though tests run with NODE_ENV=test. */
export function buildEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_ENV: "production" };
}
