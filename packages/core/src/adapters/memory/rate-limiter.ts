import { RateLimiterMemory } from "rate-limiter-flexible";

import type { RateLimiter, RateLimitPolicy, RateLimitResult } from "../../ports";
import { consumePoints, limiterFor, limiterOptions } from "../rate-limit-result";

/** rate-limiter-flexible's in-process engine, one limiter per named policy. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  constructor(policies: Record<string, RateLimitPolicy>) {
    for (const [name, policy] of Object.entries(policies)) {
      this.limiters.set(name, new RateLimiterMemory(limiterOptions(name, policy)));
    }
  }

  async consume(policy: string, key: string, cost = 1): Promise<RateLimitResult> {
    return await consumePoints(limiterFor(this.limiters, policy), key, cost);
  }

  async reset(policy: string, key: string): Promise<void> {
    await limiterFor(this.limiters, policy).delete(key);
  }
}
