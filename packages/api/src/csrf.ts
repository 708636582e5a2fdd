import { DomainError } from "@genflow/core/errors";

import type { Context } from "./context";

const REFUSED =
  "Request refused: state-changing calls must come from a trusted origin (send an Origin header) or use an API key";

function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * Whether a browser's `Origin` is the server itself (`host`, as the browser addressed it) or one
 * of `trustedOrigins`.
 */
export function isTrustedOrigin(
  origin: string,
  host: string | null,
  trustedOrigins: readonly string[],
): boolean {
  const normalized = originOf(origin);
  if (!normalized) return false;
  if (host && new URL(normalized).host === host.toLowerCase()) return true;
  return trustedOrigins.some((trusted) => originOf(trusted) === normalized);
}

/**
 * Cross-site request forgery guard for state-changing calls (every mutation, including sign-in
 * and sign-up, which set cookies). Browsers attach cookies to cross-site requests but always say
 * where a request came from, so a call passes when its `Origin` is the server itself or one of
 * `config.trustedOrigins`, or when the browser marks it `Sec-Fetch-Site: same-origin`. Callers
 * authenticated with an API key are exempt: a browser never adds an `Authorization` header on
 * its own.
 */
export async function assertTrustedOrigin(ctx: Context): Promise<void> {
  const principal = await ctx.principal();
  if (principal?.via === "apiKey") return;
  const origin = ctx.headers.get("origin");
  if (origin && origin !== "null") {
    if (isTrustedOrigin(origin, ctx.headers.get("host"), ctx.services.config.trustedOrigins))
      return;
    throw new DomainError("FORBIDDEN", REFUSED, { details: { reason: "untrusted_origin" } });
  }
  if (ctx.headers.get("sec-fetch-site") === "same-origin") return;
  throw new DomainError("FORBIDDEN", REFUSED, { details: { reason: "missing_origin" } });
}
