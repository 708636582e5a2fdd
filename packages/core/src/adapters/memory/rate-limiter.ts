import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

import type { RateLimiter, RateLimitPolicy, RateLimitResult } from "../../ports";

/** rate-limiter-flexible's in-process engine, one limiter per named policy. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  constructor(private readonly policies: Record<string, RateLimitPolicy>) {
    for (const [name, policy] of Object.entries(policies)) {
      this.limiters.set(
        name,
        new RateLimiterMemory({
          keyPrefix: name,
          points: policy.points,
          duration: policy.durationSec,
          blockDuration: policy.blockDurationSec ?? 0,
        }),
      );
    }
  }

  async consume(policy: string, key: string, cost = 1): Promise<RateLimitResult> {
    const limiter = this.limiterFor(policy);
    try {
      const res = await limiter.consume(key, cost);
      return { allowed: true, limit: limiter.points, remaining: res.remainingPoints, retryAfterMs: 0 };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        return {
          allowed: false,
          limit: limiter.points,
          remaining: 0,
          retryAfterMs: Math.max(1, error.msBeforeNext),
        };
      }
      throw error;
    }
  }

  async reset(policy: string, key: string): Promise<void> {
    await this.limiterFor(policy).delete(key);
  }

  private limiterFor(policy: string): RateLimiterMemory {
    const limiter = this.limiters.get(policy);
    if (!limiter) throw new Error(`Unknown rate-limit policy "${policy}"`);
    return limiter;
  }
}
