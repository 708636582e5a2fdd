/** A named limit: `points` per `durationSec`, optionally blocking for `blockDurationSec` once spent. */
export interface RateLimitPolicy {
  points: number;
  durationSec: number;
  blockDurationSec?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** 0 when allowed; otherwise how long until the next point is available. */
  retryAfterMs: number;
}

/**
 * Counts consumption per (policy, key). Policies are registered when the limiter is built;
 * `key` identifies the caller (`user:<id>`, `ip:<addr>`, `key:<id>`).
 */
export interface RateLimiter {
  consume(policy: string, key: string, cost?: number): Promise<RateLimitResult>;
  /** Forget a key's consumption (e.g. after a successful sign-in). */
  reset(policy: string, key: string): Promise<void>;
}
