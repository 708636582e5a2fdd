import type { AuthDeps } from "./create-auth";
import { principalCacheKey, sessionTokenOf } from "./credentials";
import { libraryHeaders, setCookies } from "./request-headers";
import type { AuthRequest } from "./schemas";

/**
 * Ends the session named by the request's cookie. The cached resolution is dropped first, so the
 * cookie stops working at once on every process that shares the cache. Returns the Set-Cookie
 * values that clear the cookies (also when there was no session).
 */
export async function signOut(
  deps: AuthDeps,
  request: AuthRequest,
): Promise<{ cookies: string[] }> {
  const cookie = await deps.auth.sessionCookie(request.headers);
  if (cookie) await deps.cache.delete(principalCacheKey.session(sessionTokenOf(cookie.value)));
  const result = await deps.auth.library.api.signOut({
    headers: libraryHeaders(request, cookie ?? undefined),
    returnHeaders: true,
  });
  // A lookup racing with the sign-out may have re-cached the session just before it was deleted.
  if (cookie) await deps.cache.delete(principalCacheKey.session(sessionTokenOf(cookie.value)));
  return { cookies: setCookies(result.headers) };
}
