import type { RateLimitPolicy } from "../ports";

/**
 * Rate-limit policies for the authentication endpoints. Register them with the limiter next to
 * the general API policy: `new MemoryRateLimiter({ api: …, ...authRateLimitPolicies })`.
 *
 * - `auth.signIn.ip`: attempts per client address (guards against spraying many accounts).
 * - `auth.signIn.email`: attempts per account (guards against guessing one password); reset on success.
 * - `auth.signUp.ip`: new accounts per client address.
 */
export const authRateLimitPolicies = {
  "auth.signIn.ip": { points: 20, durationSec: 60, blockDurationSec: 60 },
  "auth.signIn.email": { points: 5, durationSec: 60, blockDurationSec: 60 },
  "auth.signUp.ip": { points: 10, durationSec: 600, blockDurationSec: 600 },
} as const satisfies Record<string, RateLimitPolicy>;

export type AuthRateLimitPolicy = keyof typeof authRateLimitPolicies;

/** The limiter key for sign-in attempts against one account. */
export const signInEmailLimitKey = (email: string) => `email:${email}`;
