import type { Logger, RateLimitPolicy } from "../../ports";
import { MemoryCache } from "./cache";
import { MemoryPubSub } from "./pubsub";
import { MemoryRateLimiter } from "./rate-limiter";

export interface MemoryAdaptersOptions {
  /** Named rate-limit policies, e.g. `{ api: { points: 600, durationSec: 60 } }`. */
  policies: Record<string, RateLimitPolicy>;
  /** Receives errors thrown by pub/sub listeners. */
  log?: Logger;
  /** Size bound of the cache; the oldest entries are evicted first. Default 10 000. */
  maxCacheEntries?: number;
}

export interface MemoryAdapters {
  cache: MemoryCache;
  rateLimiter: MemoryRateLimiter;
  pubsub: MemoryPubSub;
  close(): Promise<void>;
}

/** Cache, rate limiter and pub/sub for a single process with no external services. */
export function createMemoryAdapters(options: MemoryAdaptersOptions): MemoryAdapters {
  return {
    cache: new MemoryCache(options.maxCacheEntries),
    rateLimiter: new MemoryRateLimiter(options.policies),
    pubsub: new MemoryPubSub({ log: options.log }),
    close: () => Promise.resolve(),
  };
}
