import type { ApiServices } from "@genflow/api";
import { systemClock } from "@genflow/core/ports";
import { MemoryCache, MemoryPubSub, MemoryRateLimiter } from "@genflow/core/adapters/memory";
import { createDb, type DbHandle } from "@genflow/db";
import path from "node:path";

import type { Env } from "./env";
import type { Logger } from "@genflow/core/ports";

export interface ServerDeps {
  services: ApiServices;
  db: DbHandle;
  close(): Promise<void>;
}

/** The composition root: every adapter is built here, once, and closed on shutdown. */
export async function buildDeps(env: Env, log: Logger): Promise<ServerDeps> {
  const db = await createDb({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: path.join(env.DATA_DIR, "pglite"),
  });
  await db.migrate();
  const services: ApiServices = {
    db: db.db,
    cache: new MemoryCache(),
    rateLimiter: new MemoryRateLimiter({ api: { points: 600, durationSec: 60 } }),
    pubsub: new MemoryPubSub(),
    log,
    clock: systemClock,
    config: { debug: env.DEBUG, trustedOrigins: [], production: env.NODE_ENV === "production" },
    metrics: {
      procedureDone: () => undefined,
      rateLimited: () => undefined,
      subscriptionOpened: () => undefined,
      subscriptionClosed: () => undefined,
    },
    authenticate: () => Promise.resolve(null),
  };
  return {
    services,
    db,
    async close() {
      await db.close();
    },
  };
}
