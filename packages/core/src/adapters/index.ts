import type { Cache, HealthCheck, PubSub, RateLimiter } from "../ports";
import { createMemoryAdapters } from "./memory";
import { createRedisAdapters, type RedisAdaptersOptions } from "./redis";

export type { RedisComponent } from "./redis";

export interface AdaptersOptions extends Omit<RedisAdaptersOptions, "url"> {
  /** When set, cache, rate limits and pub/sub are shared through Redis; otherwise they are in-process. */
  redisUrl?: string;
}

export interface Adapters {
  backend: "redis" | "memory";
  cache: Cache;
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  /** Checks for the readiness probe (none for the in-process backend). */
  healthChecks: HealthCheck[];
  /** `false` while the Redis backend is unreachable and the adapters run on their fallbacks. */
  isUp(): boolean;
  close(): Promise<void>;
}

/** Picks the backend for cache, rate limits and pub/sub: Redis when a URL is configured, else memory. */
export async function createAdapters(options: AdaptersOptions): Promise<Adapters> {
  const { redisUrl, ...rest } = options;
  if (redisUrl) {
    const redis = await createRedisAdapters({ ...rest, url: redisUrl });
    return {
      backend: "redis",
      cache: redis.cache,
      rateLimiter: redis.rateLimiter,
      pubsub: redis.pubsub,
      healthChecks: [redis.health],
      isUp: () => redis.isUp(),
      close: () => redis.close(),
    };
  }
  const memory = createMemoryAdapters({ policies: options.policies, log: options.log });
  return {
    backend: "memory",
    cache: memory.cache,
    rateLimiter: memory.rateLimiter,
    pubsub: memory.pubsub,
    healthChecks: [],
    isUp: () => true,
    close: () => memory.close(),
  };
}
