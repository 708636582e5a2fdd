import type { HealthCheck, Logger, RateLimitPolicy } from "../../ports";
import { RedisCache } from "./cache";
import { closeRedisClient, createRedisClient, waitUntilReady } from "./client";
import { RedisMonitor, type RedisComponent } from "./monitor";
import { RedisPubSub } from "./pubsub";
import { RedisRateLimiter } from "./rate-limiter";

export const DEFAULT_REDIS_KEY_PREFIX = "genflow:";

export interface RedisAdaptersOptions {
  /** `redis://` or `rediss://` URL, including any password and database number. */
  url: string;
  /** Prepended to every key and channel so deployments sharing a server never collide. Default `genflow:`. */
  keyPrefix?: string;
  /** Named rate-limit policies, e.g. `{ api: { points: 600, durationSec: 60 } }`. */
  policies: Record<string, RateLimitPolicy>;
  log: Logger;
  /** Called on every transition: `false` when Redis becomes unreachable, `true` when it is (back) up. */
  onStateChange?: (up: boolean) => void;
  /** Called each time an operation is answered by its fallback instead of Redis. */
  onFallback?: (component: RedisComponent) => void;
  /** A command without a reply after this long fails over to the fallback. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** How long one connection attempt may take. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Upper bound of the pause between reconnection attempts. Default 2000 ms. */
  maxReconnectDelayMs?: number;
  /**
   * How long `createRedisAdapters` waits for the first connection. When Redis is not up by then,
   * the adapters are returned anyway, in degraded mode, and connect as soon as Redis appears.
   * Default 3000 ms.
   */
  startupWaitMs?: number;
}

export interface RedisAdapters {
  cache: RedisCache;
  rateLimiter: RedisRateLimiter;
  pubsub: RedisPubSub;
  /** For the readiness probe: `redis`, not required (the service runs degraded without it). */
  health: HealthCheck;
  /** Whether the command connection is currently usable. */
  isUp(): boolean;
  /** Closes both connections. Call once on shutdown, after the last request. */
  close(): Promise<void>;
}

/**
 * Builds the Redis-backed cache, rate limiter and pub/sub over two connections per process: one
 * for commands and publishing, one dedicated to subscriptions. Never throws because Redis is
 * down; while it is, every adapter answers from its in-process fallback.
 */
export async function createRedisAdapters(options: RedisAdaptersOptions): Promise<RedisAdapters> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  const log = options.log.child({ component: "redis" });
  const settings = {
    url: options.url,
    commandTimeoutMs: options.commandTimeoutMs ?? 1000,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 2000,
  };
  // CLIENT SETNAME refuses spaces; the name only helps operators read `CLIENT LIST`.
  const clientName = keyPrefix.replace(/\s+/g, "-");
  const commands = createRedisClient({ ...settings, connectionName: `${clientName}commands` });
  const subscriber = createRedisClient({ ...settings, connectionName: `${clientName}subscriber` });
  const monitor = new RedisMonitor(commands, {
    log,
    onStateChange: options.onStateChange,
    onFallback: options.onFallback,
  });

  const cache = new RedisCache(commands, { keyPrefix, monitor });
  const rateLimiter = new RedisRateLimiter(commands, options.policies, { keyPrefix, monitor });
  const pubsub = new RedisPubSub(commands, subscriber, { keyPrefix, monitor, log });

  const startupWaitMs = options.startupWaitMs ?? 3000;
  await Promise.all([
    waitUntilReady(commands, startupWaitMs),
    waitUntilReady(subscriber, startupWaitMs),
  ]);

  const health: HealthCheck = {
    name: "redis",
    required: false,
    async check() {
      if (!monitor.isUp()) return { ok: false, detail: "unreachable" };
      const started = performance.now();
      try {
        await commands.ping();
        return { ok: true, latencyMs: Math.round(performance.now() - started) };
      } catch {
        return { ok: false, detail: "ping failed" };
      }
    },
  };

  let closing: Promise<void> | undefined;
  return {
    cache,
    rateLimiter,
    pubsub,
    health,
    isUp: () => monitor.isUp(),
    close() {
      closing ??= (async () => {
        monitor.stop();
        pubsub.close();
        await Promise.all([closeRedisClient(subscriber), closeRedisClient(commands)]);
      })();
      return closing;
    },
  };
}
