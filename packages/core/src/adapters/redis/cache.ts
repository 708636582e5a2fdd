import type { Redis } from "ioredis";

import type { Cache } from "../../ports";
import { encodeJson } from "../json";
import type { RedisMonitor } from "./monitor";

export interface RedisCacheOptions {
  /** Prepended to every key, e.g. `genflow:` → `genflow:cache:<key>`. */
  keyPrefix: string;
  monitor: RedisMonitor;
}

/**
 * A cache shared by every process. Values are stored as JSON with a millisecond TTL. When Redis is
 * unreachable, reads are misses and writes are dropped: the cache never fails its caller.
 */
export class RedisCache implements Cache {
  constructor(
    private readonly client: Redis,
    private readonly options: RedisCacheOptions,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    let raw: string | null;
    try {
      raw = await this.client.get(this.key(key));
    } catch (error) {
      this.options.monitor.fallback("cache", error);
      return undefined;
    }
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined; // not written by this adapter: treat as a miss
    }
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    const json = encodeJson(value);
    try {
      if (json === undefined || ttlMs <= 0) {
        // A value with no JSON form, or one that is already expired, reads back as a miss.
        await this.client.del(this.key(key));
      } else {
        await this.client.set(this.key(key), json, "PX", Math.max(1, Math.ceil(ttlMs)));
      }
    } catch (error) {
      this.options.monitor.fallback("cache", error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.del(this.key(key));
    } catch (error) {
      this.options.monitor.fallback("cache", error);
    }
  }

  private key(key: string): string {
    return `${this.options.keyPrefix}cache:${key}`;
  }
}
