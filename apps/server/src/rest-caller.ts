import {
  assertTrustedOrigin,
  createContext,
  enforceRateLimit,
  type ApiServices,
  type Principal,
} from "@genflow/api";
import { addressLimitKey } from "@genflow/core/auth";
import { DomainError } from "@genflow/core/errors";
import type { Request, Response } from "express";

import { headersOf } from "./request-headers";
import { requestIdOf } from "./request-id";

/**
 * What REST routes share with the tRPC procedures: who the caller is, the cross-site check for
 * state-changing calls made with a session cookie, and the rate limits.
 */
export interface RestCaller {
  /** The caller by session or API key, or null. */
  principal(req: Request): Promise<Principal | null>;
  /**
   * The signed-in caller, or UNAUTHORIZED; with `changes`, a cookie caller must also call from a
   * trusted origin (the same check as tRPC mutations).
   */
  signedIn(req: Request, res: Response, options: { changes: boolean }): Promise<Principal>;
  /** Counts the request against `policy` for the caller (or the address); 429 past it. */
  limit(req: Request, res: Response, policy: string, principal: Principal | null): Promise<void>;
}

export function restCaller(services: ApiServices): RestCaller {
  const contextOf = (req: Request, res: Response) =>
    createContext(services, {
      requestId: requestIdOf(req),
      ip: req.ip ?? "unknown",
      headers: headersOf(req.headers),
      appendResponseHeader: (name, value) => res.appendHeader(name, value),
    });
  return {
    principal: (req) => services.authenticate(headersOf(req.headers)),
    async signedIn(req, res, { changes }) {
      const ctx = contextOf(req, res);
      const principal = await ctx.principal();
      if (!principal) throw new DomainError("UNAUTHORIZED", "Sign in or provide an API key");
      if (changes) await assertTrustedOrigin(ctx);
      return principal;
    },
    limit(req, res, policy, principal) {
      const key = principal ? `user:${principal.user.id}` : addressLimitKey(req.ip ?? "unknown");
      return enforceRateLimit(
        { services, appendResponseHeader: (name, value) => res.setHeader(name, value) },
        policy,
        key,
      );
    },
  };
}

/** Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 has it for GET/HEAD). */
export function etagMatches(req: Request, etag: string): boolean {
  const header = req.headers["if-none-match"];
  if (!header) return false;
  return header === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
