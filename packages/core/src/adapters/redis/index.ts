export { RedisCache, type RedisCacheOptions } from "./cache";
export { RedisRateLimiter, type RedisRateLimiterOptions } from "./rate-limiter";
export { RedisPubSub, type RedisPubSubOptions } from "./pubsub";
export { RedisMonitor, type RedisComponent, type RedisMonitorOptions } from "./monitor";
export { createRedisClient, type RedisClientSettings } from "./client";
export {
  createRedisAdapters,
  DEFAULT_REDIS_KEY_PREFIX,
  type RedisAdapters,
  type RedisAdaptersOptions,
} from "./factory";
