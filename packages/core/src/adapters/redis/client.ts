import { Redis } from "ioredis";

export interface RedisClientSettings {
  url: string;
  /** Shown by `CLIENT LIST`, so operators can tell the connections apart. */
  connectionName: string;
  /** A command that gets no reply within this time fails (and the caller falls back). */
  commandTimeoutMs: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs: number;
  /** Upper bound of the growing pause between reconnection attempts. */
  maxReconnectDelayMs: number;
}

/**
 * A connection tuned to fail fast: while Redis is unreachable, commands are rejected at once
 * (no offline queue), commands in flight when the link drops are rejected instead of being
 * replayed later, and a command on a stalled link times out. ioredis keeps reconnecting on its own.
 * Subscriptions are restored by `RedisPubSub`, not by ioredis, so they follow its bookkeeping.
 */
export function createRedisClient(settings: RedisClientSettings): Redis {
  return new Redis(settings.url, {
    connectionName: settings.connectionName,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, settings.maxReconnectDelayMs),
  });
}

/** Resolves `true` once the client is ready, or `false` after `timeoutMs` (it keeps trying). */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    client.once("ready", onReady);
  });
}

/** Closes a client politely when it is connected, and stops any reconnection loop either way. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => undefined);
  }
  client.disconnect();
}
