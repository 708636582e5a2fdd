export { MemoryCache } from "./cache";
export { MemoryPubSub } from "./pubsub";
export { MemoryRateLimiter } from "./rate-limiter";
