import type { CoreDeps } from "../context";
import { type AuthConfig, buildBetterAuth } from "./better-auth";
import { createAuthenticator } from "./authenticate";

/**
 * Builds the authentication service once per process. It holds no connections of its own (it
 * uses the given database and cache), so there is nothing to close.
 *
 * ```ts
 * const auth = createAuth({ db, cache, clock, log }, { secret, baseURL, trustedOrigins });
 * const services = { …, auth, authenticate: auth.authenticate };
 * ```
 */
export function createAuth(
  deps: Pick<CoreDeps, "db" | "cache" | "clock" | "log">,
  config: AuthConfig,
) {
  const library = buildBetterAuth(deps.db, deps.log, config);
  const authenticator = createAuthenticator(deps, library);
  return {
    /** The underlying better-auth instance (its server-side `api`). */
    library,
    /** Resolves the caller from the session cookie or `Authorization: Bearer <api key>`. */
    authenticate: authenticator.authenticate,
    sessionCookie: authenticator.sessionCookie,
  };
}

export type Auth = ReturnType<typeof createAuth>;

/** What the auth use cases need: the core dependencies plus the auth service. */
export type AuthDeps = Pick<
  CoreDeps,
  "db" | "cache" | "pubsub" | "rateLimiter" | "clock" | "log"
> & {
  auth: Auth;
};
