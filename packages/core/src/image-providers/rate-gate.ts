import type { RateLimiter, RateLimitPolicy } from "../ports/rate-limit";
import { sleep } from "./http";
import type { ImageProviderId, RateGate } from "./ports";

/**
 * Ways to hold requests to `IMAGE_PROVIDER_QPS`:
 * - `intervalGate(qps)`: in this process only, spacing request starts 1/qps seconds apart.
 * - `limiterGate(limiter, provider)`: shared by every process through the `RateLimiter` port
 *   (Redis when configured); register `imageProviderRatePolicy(qps)` under
 *   `IMAGE_PROVIDER_RATE_POLICY` when building the limiter.
 */

export const IMAGE_PROVIDER_RATE_POLICY = "image-provider";

/** The limiter policy for a rate of `qps` requests per second (fractions round down safely). */
export function imageProviderRatePolicy(qps: number): RateLimitPolicy {
  return qps >= 1
    ? { points: Math.floor(qps), durationSec: 1 }
    : { points: 1, durationSec: Math.ceil(1 / qps) };
}

export function intervalGate(qps: number): RateGate {
  const intervalMs = 1000 / qps;
  let nextFree = 0;
  return async (signal) => {
    signal.throwIfAborted();
    const now = performance.now();
    const at = Math.max(now, nextFree);
    nextFree = at + intervalMs;
    if (at > now) await sleep(at - now, signal);
  };
}

export function limiterGate(
  limiter: RateLimiter,
  provider: ImageProviderId,
  policy = IMAGE_PROVIDER_RATE_POLICY,
): RateGate {
  return async (signal) => {
    for (;;) {
      signal.throwIfAborted();
      const result = await limiter.consume(policy, provider);
      if (result.allowed) return;
      await sleep(Math.max(result.retryAfterMs, 10), signal);
    }
  };
}
