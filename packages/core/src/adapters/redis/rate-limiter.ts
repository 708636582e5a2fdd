import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

import type { RateLimiter, RateLimitPolicy, RateLimitResult } from "../../ports";
import { consumePoints, limiterFor, limiterOptions } from "../rate-limit-result";
import type { RedisMonitor } from "./monitor";

export interface RedisRateLimiterOptions {
  /** Prepended to every key, e.g. `genflow:` → `genflow:rl:<policy>:<key>`. */
  keyPrefix: string;
  monitor: RedisMonitor;
}

type MemoryOptions = ConstructorParameters<typeof RateLimiterMemory>[0];

/** The in-process limiter rate-limiter-flexible switches to when a Redis call fails. */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    options: MemoryOptions,
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>) {
    this.onUse();
    return super.consume(...args);
  }
}

interface PolicyLimiters {
  redis: RateLimiterRedis;
  insurance: InsuranceLimiter;
}

/**
 * Limits shared by every process, one rate-limiter-flexible `RateLimiterRedis` per named policy.
 * While Redis is unreachable each policy keeps limiting in-process (its insurance limiter), so
 * limits still hold per process instead of being lifted.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, PolicyLimiters>();

  constructor(
    client: Redis,
    policies: Record<string, RateLimitPolicy>,
    options: RedisRateLimiterOptions,
  ) {
    for (const [name, policy] of Object.entries(policies)) {
      const settings = limiterOptions(`${options.keyPrefix}rl:${name}`, policy);
      const insurance = new InsuranceLimiter(settings, () =>
        options.monitor.fallback("rate-limiter"),
      );
      const redis = new RateLimiterRedis({
        ...settings,
        storeClient: client,
        // Go straight to the insurance limiter while the connection is not ready.
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      });
      this.limiters.set(name, { redis, insurance });
    }
  }

  async consume(policy: string, key: string, cost = 1): Promise<RateLimitResult> {
    return await consumePoints(limiterFor(this.limiters, policy).redis, key, cost);
  }

  async reset(policy: string, key: string): Promise<void> {
    const { redis, insurance } = limiterFor(this.limiters, policy);
    // Clear both, so a key counted in-process during an outage is forgotten too.
    await redis.delete(key);
    await insurance.delete(key);
  }
}
