import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { deleteKeys } from "@genflow/core/testing";
import { createTestDatabase } from "@genflow/db/testing";
import { loadEnv } from "@genflow/server/env";
import { createServer } from "@genflow/server/server";

import { e2eEnv } from "../env";

export const webDist = path.resolve(import.meta.dirname, "..", "..", "dist");
/** The background-removal models, assembled once for every run rather than per data directory. */
const cutoutModelDir = path.join(tmpdir(), "genflow-web-e2e-cutout-models");

export interface Host {
  url: string;
  stop(): Promise<void>;
}

/**
 * The real host in this process on a free port, serving the built SPA from dist/, over a
 * throwaway database: in-memory PGlite, or a fresh Postgres database when DATABASE_URL is set
 * (dropped afterwards). Redis backs cache, limits and events when REDIS_URL is set.
 */
export async function startHost(overrides: Record<string, string | undefined> = {}): Promise<Host> {
  const db = await createTestDatabase(e2eEnv.databaseUrl);
  const dataDir = await mkdtemp(path.join(tmpdir(), "genflow-web-e2e-"));
  try {
    const env = loadEnv({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "error",
      DATA_DIR: dataDir,
      SERVE_WEB: "true",
      WEB_DIST_DIR: webDist,
      REDIS_URL: e2eEnv.redisUrl,
      REDIS_KEY_PREFIX: `genflow-web-e2e-${process.pid}-${Date.now()}:`,
      CUTOUT_MODEL_DIR: cutoutModelDir,
      ...overrides,
    });
    const server = await createServer(env, { db });
    const listening = await server.listen(0, "127.0.0.1");
    return {
      url: listening.url,
      async stop() {
        await server.close();
        await db.destroy().catch(() => undefined);
        await rm(dataDir, { recursive: true, force: true });
        // The run's own key prefix goes with it (BullMQ keeps some keys without an expiry).
        if (env.REDIS_URL) {
          await deleteKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX).catch(() => undefined);
        }
      },
    };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
