export { MemoryCache } from "./cache";
export { MemoryPubSub, type MemoryPubSubOptions } from "./pubsub";
export { MemoryRateLimiter } from "./rate-limiter";
export { createMemoryAdapters, type MemoryAdapters, type MemoryAdaptersOptions } from "./factory";
