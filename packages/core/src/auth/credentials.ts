import { createHash } from "node:crypto";

import { API_KEY_PREFIX } from "./better-auth";
import type { RequestHeaders } from "./schemas";

/** Longest credential we look at; anything longer is rejected before hashing. */
const MAX_CREDENTIAL_LENGTH = 512;

/**
 * The stored form of an API key: SHA-256, base64url without padding — the same digest the
 * api-key plugin writes to `apikey.key` when it creates a key.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/**
 * Cache keys for resolved credentials. They hold digests only, never a usable secret. A session's
 * is made from its token (the part of the signed cookie before the signature), which the session
 * row holds too, so revoking any session drops its entry; the entry also keeps a digest of the
 * whole signed cookie, which a hit must match (see `credentialDigest`).
 */
export const principalCacheKey = {
  apiKey: (hashedKey: string) => `auth:principal:apikey:${hashedKey}`,
  session: (token: string) => `auth:principal:session:${digest(token)}`,
};

/** A digest of a credential as presented, which a cached resolution is only reused for. */
export const credentialDigest = digest;

/** The session token in a session cookie's (URL-encoded, signed) value: `<token>.<signature>`. */
export function sessionTokenOf(cookieValue: string): string {
  let decoded = cookieValue;
  try {
    decoded = decodeURIComponent(cookieValue);
  } catch {
    // Not URL-encoded: taken as it is.
  }
  const dot = decoded.indexOf(".");
  return dot === -1 ? decoded : decoded.slice(0, dot);
}

/** The API key from `Authorization: Bearer <key>`, or null when the header is absent or malformed. */
export function bearerApiKey(headers: RequestHeaders): string | null {
  const header = headers.get("authorization");
  if (!header) return null;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (!token || token.length > MAX_CREDENTIAL_LENGTH || !token.startsWith(API_KEY_PREFIX))
    return null;
  return token;
}

/** Whether the request carries an `Authorization` header at all (then cookies are not consulted). */
export function hasAuthorizationHeader(headers: RequestHeaders): boolean {
  return headers.has("authorization");
}

/** The raw (still encoded) value of one cookie from the `Cookie` header. */
export function readCookie(headers: RequestHeaders, name: string): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    return raw && raw.length <= MAX_CREDENTIAL_LENGTH ? raw : null;
  }
  return null;
}
