import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import type { BetterAuthInstance } from "./better-auth";
import {
  bearerApiKey,
  credentialDigest,
  hasAuthorizationHeader,
  hashApiKey,
  principalCacheKey,
  readCookie,
  sessionTokenOf,
} from "./credentials";
import { type AuthPrincipal, type RequestHeaders, Role } from "./schemas";

/** How long a resolved credential is trusted without looking it up again. */
export const PRINCIPAL_CACHE_TTL_MS = 60_000;
/** `apikey.last_request` is written at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface CachedPrincipal {
  principal: AuthPrincipal;
  /** When the credential itself expires (ms since epoch); the cache entry never outlives it. */
  expiresAt: number | null;
  /**
   * For a session, the digest of the signed cookie that was checked: the entry is keyed by the
   * session's token alone (so revoking the session can drop it), and serves only that cookie.
   */
  credential?: string;
}

type AuthenticateDeps = Pick<CoreDeps, "db" | "cache" | "clock" | "log">;

/**
 * Resolves the caller from `Authorization: Bearer <api key>` or the session cookie. Positive
 * results are cached (keyed by a digest of the credential) so the hot path is one cache read;
 * sign-out and key revocation delete the entry, so they take effect at once.
 */
export function createAuthenticator(deps: AuthenticateDeps, auth: BetterAuthInstance) {
  const inflight = new Map<string, Promise<CachedPrincipal | null>>();
  let sessionCookieName: Promise<string> | undefined;

  const cookieName = () =>
    (sessionCookieName ??= auth.$context.then((ctx) => ctx.authCookies.sessionToken.name));

  async function cached(
    cacheKey: string,
    load: () => Promise<CachedPrincipal | null>,
    credential?: string,
  ): Promise<AuthPrincipal | null> {
    const now = deps.clock.now().getTime();
    const hit = await deps.cache.get<CachedPrincipal>(cacheKey);
    if (hit && (hit.expiresAt === null || hit.expiresAt > now) && hit.credential === credential) {
      return hit.principal;
    }

    // Concurrent requests with the same credential share one lookup.
    const flight = credential === undefined ? cacheKey : `${cacheKey}:${credential}`;
    let pending = inflight.get(flight);
    if (!pending) {
      pending = load().finally(() => inflight.delete(flight));
      inflight.set(flight, pending);
    }
    const loaded = await pending;
    if (!loaded) return null;
    const ttl = Math.min(PRINCIPAL_CACHE_TTL_MS, (loaded.expiresAt ?? Infinity) - now);
    if (ttl > 0) await deps.cache.set(cacheKey, loaded, ttl);
    return loaded.principal;
  }

  async function loadApiKey(hashedKey: string): Promise<CachedPrincipal | null> {
    const [row] = await deps.db
      .select({
        id: schema.apikey.id,
        enabled: schema.apikey.enabled,
        expiresAt: schema.apikey.expiresAt,
        lastRequest: schema.apikey.lastRequest,
        userId: schema.user.id,
        email: schema.user.email,
        name: schema.user.name,
        role: schema.user.role,
      })
      .from(schema.apikey)
      .innerJoin(schema.user, eq(schema.user.id, schema.apikey.referenceId))
      .where(eq(schema.apikey.key, hashedKey))
      .limit(1);
    if (!row || row.enabled === false) return null;
    const now = deps.clock.now();
    if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
    if (!row.lastRequest || now.getTime() - row.lastRequest.getTime() >= LAST_USED_RESOLUTION_MS) {
      await deps.db
        .update(schema.apikey)
        .set({ lastRequest: now })
        .where(eq(schema.apikey.id, row.id));
    }
    return {
      principal: {
        user: { id: row.userId, email: row.email, name: row.name, role: row.role },
        via: "apiKey",
        apiKeyId: row.id,
      },
      expiresAt: row.expiresAt?.getTime() ?? null,
    };
  }

  async function loadSession(name: string, value: string): Promise<CachedPrincipal | null> {
    const result = await auth.api.getSession({
      headers: new Headers({ cookie: `${name}=${value}` }),
      query: { disableCookieCache: true },
    });
    if (!result) return null;
    const role = Role.safeParse(result.user.role);
    if (!role.success) {
      deps.log.warn(
        { userId: result.user.id },
        "user has an unknown role; treating as unauthenticated",
      );
      return null;
    }
    return {
      principal: {
        user: {
          id: result.user.id,
          email: result.user.email,
          name: result.user.name,
          role: role.data,
        },
        via: "session",
        sessionId: result.session.id,
      },
      expiresAt: result.session.expiresAt.getTime(),
      credential: credentialDigest(value),
    };
  }

  async function authenticate(headers: RequestHeaders): Promise<AuthPrincipal | null> {
    if (hasAuthorizationHeader(headers)) {
      // An Authorization header decides on its own: a bad key never falls back to the cookie.
      const key = bearerApiKey(headers);
      if (!key) return null;
      const hashedKey = hashApiKey(key);
      return cached(principalCacheKey.apiKey(hashedKey), () => loadApiKey(hashedKey));
    }
    const name = await cookieName();
    const value = readCookie(headers, name);
    if (!value) return null;
    return cached(
      principalCacheKey.session(sessionTokenOf(value)),
      () => loadSession(name, value),
      credentialDigest(value),
    );
  }

  return {
    authenticate,
    /** The session cookie's value in these headers, for invalidating its cache entry. */
    sessionCookie: async (
      headers: RequestHeaders,
    ): Promise<{ name: string; value: string } | null> => {
      const name = await cookieName();
      const value = readCookie(headers, name);
      return value ? { name, value } : null;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
