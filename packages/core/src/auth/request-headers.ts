import { CLIENT_IP_HEADER } from "./better-auth";
import type { AuthRequest } from "./schemas";

/**
 * The headers handed to the auth library: only what it records (user agent, caller address) and,
 * when given, the session cookie. Nothing else from the client reaches it.
 */
export function libraryHeaders(
  request: AuthRequest,
  cookie?: { name: string; value: string },
): Headers {
  const headers = new Headers({ [CLIENT_IP_HEADER]: request.ip });
  const userAgent = request.headers.get("user-agent");
  if (userAgent) headers.set("user-agent", userAgent.slice(0, 512));
  if (cookie) headers.set("cookie", `${cookie.name}=${cookie.value}`);
  return headers;
}

/** The Set-Cookie values from a library response. */
export function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}
