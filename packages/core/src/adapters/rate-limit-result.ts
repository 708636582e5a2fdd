import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

import type { RateLimitPolicy, RateLimitResult } from "../ports";

/** Checks a `consume` cost: a whole number of points, at least one. */
export function assertCost(cost: number): void {
  if (!Number.isInteger(cost) || cost < 1) {
    throw new RangeError(`Rate-limit cost must be a positive integer, got ${String(cost)}`);
  }
}

/** rate-limiter-flexible options for one named policy. */
export function limiterOptions(keyPrefix: string, policy: RateLimitPolicy) {
  return {
    keyPrefix,
    points: policy.points,
    duration: policy.durationSec,
    blockDuration: policy.blockDurationSec ?? 0,
  };
}

/**
 * Consumes `cost` points and translates rate-limiter-flexible's resolve/reject protocol into a
 * `RateLimitResult`. Rejections that are not a `RateLimiterRes` are real failures and are rethrown.
 */
export async function consumePoints(
  limiter: RateLimiterAbstract,
  key: string,
  cost: number,
): Promise<RateLimitResult> {
  assertCost(cost);
  try {
    const res = await limiter.consume(key, cost);
    return {
      allowed: true,
      limit: limiter.points,
      remaining: res.remainingPoints,
      retryAfterMs: 0,
    };
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

/** Looks up a registered policy's limiter, failing loudly on a name that was never registered. */
export function limiterFor<L>(limiters: ReadonlyMap<string, L>, policy: string): L {
  const limiter = limiters.get(policy);
  if (!limiter) throw new Error(`Unknown rate-limit policy "${policy}"`);
  return limiter;
}
