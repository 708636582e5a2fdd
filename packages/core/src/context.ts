import type { Database } from "@genflow/db";

import type { Cache, Clock, Logger, PubSub, RateLimiter } from "./ports";

/**
 * Everything a use case may touch. Built once by a composition root (apps/server, apps/worker,
 * or a test) and passed down; nothing in core creates clients of its own.
 */
export interface CoreDeps {
  db: Database;
  cache: Cache;
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  log: Logger;
  clock: Clock;
}
