import { addressLimitKey } from "@genflow/core/auth";
import { DomainError } from "@genflow/core/errors";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";

import type { Context, Principal } from "./context";
import { assertTrustedOrigin } from "./csrf";
import {
  domainCodeOf,
  type ErrorEnvelope,
  INTERNAL_MESSAGE,
  requestIdOfError,
  tagCallError,
  toTRPCError,
} from "./errors";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const code = domainCodeOf(error);
    const zodError = error.cause instanceof z.ZodError ? error.cause : undefined;
    const domain = error.cause instanceof DomainError ? error.cause : undefined;
    let message = error.message;
    let details: Record<string, unknown> | null = domain?.details ?? null;
    if (zodError) {
      message = "Invalid input";
      details = { ...z.flattenError(zodError) };
    } else if (error.code === "PARSE_ERROR" || error.cause instanceof SyntaxError) {
      message = "The request body is not valid JSON";
      details = null;
    } else if (error.code === "PAYLOAD_TOO_LARGE") {
      message = "The request body is larger than this server accepts";
      details = null;
    } else if (code === "INTERNAL") {
      message = INTERNAL_MESSAGE;
      details = null;
    }
    if (domain?.retryAfterMs !== undefined) {
      details = { ...details, retryAfterMs: domain.retryAfterMs };
    }
    const envelope: ErrorEnvelope = {
      code,
      message,
      details,
      requestId: requestIdOfError(error, ctx?.requestId ?? "unknown"),
    };
    return {
      code: shape.code,
      message,
      data: {
        ...envelope,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        ...(ctx?.services.config.debug && error.stack ? { stack: error.stack } : {}),
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;
export const mergeRouters = t.mergeRouters;

/**
 * What every call goes through, in one middleware (each tRPC middleware adds a promise hop to
 * every call): mutations must pass the cross-site request check (see csrf.ts); every call counts
 * against the caller's `api` rate limit; DomainErrors thrown anywhere below become TRPCErrors
 * with their mapped code; every call is reported to the metrics port; a call of a request that
 * names its calls (a WebSocket connection) gets its own `requestId`, in its context and its error.
 */
const guarded = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const callId = ctx.nameCall?.();
  const report = (error: TRPCError | undefined) => {
    if (error && callId !== undefined) tagCallError(error, callId);
    if (type === "subscription") return;
    ctx.services.metrics.procedureDone({
      path,
      type,
      code: error ? domainCodeOf(error) : "OK",
      durationMs: performance.now() - started,
    });
  };

  try {
    if (type === "mutation") await assertTrustedOrigin(ctx);
    await enforceRateLimit(ctx, "api", await callerKey(ctx));
  } catch (cause) {
    const error =
      cause instanceof DomainError
        ? toTRPCError(cause)
        : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause });
    report(error);
    throw error;
  }

  const result = callId === undefined ? await next() : await next({ ctx: { requestId: callId } });
  if (!result.ok && result.error.cause instanceof DomainError) {
    // A DomainError thrown from a resolver or a later middleware: re-wrap with its mapped code.
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      (result as { error: TRPCError }).error = toTRPCError(result.error.cause);
    }
  }
  report(result.ok ? undefined : result.error);
  return result;
});

/**
 * Rate limits count per user (session or API key owner), or per address for anonymous calls (per
 * IPv6 network: see `addressLimitKey`).
 */
async function callerKey(ctx: Context): Promise<string> {
  const principal = await ctx.principal();
  return principal ? `user:${principal.user.id}` : addressLimitKey(ctx.ip);
}

/**
 * Counts one request against a named policy under `key`; over the limit, sets `Retry-After` and
 * throws LIMIT_EXCEEDED. For limits keyed on something other than the caller (e.g. an email).
 */
export async function enforceRateLimit(
  ctx: Pick<Context, "services" | "appendResponseHeader">,
  policy: string,
  key: string,
  cost = 1,
): Promise<void> {
  const outcome = await ctx.services.rateLimiter.consume(policy, key, cost);
  if (!outcome.allowed) {
    ctx.services.metrics.rateLimited(policy);
    const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    ctx.appendResponseHeader("Retry-After", String(seconds));
    throw new DomainError("LIMIT_EXCEEDED", `Too many requests; try again in ${seconds}s`, {
      retryAfterMs: outcome.retryAfterMs,
      details: { policy, limit: outcome.limit },
    });
  }
}

/** Counts one request against a named policy for the caller (user, API key owner or IP). */
export function rateLimit(policy: string, cost = 1) {
  return t.middleware(async ({ ctx, next }) => {
    await enforceRateLimit(ctx, policy, await callerKey(ctx), cost);
    return next();
  });
}

export const publicProcedure = t.procedure.use(guarded);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const principal = await ctx.principal();
  if (!principal) throw new DomainError("UNAUTHORIZED", "Sign in or provide an API key");
  return next({ ctx: { principal: principal satisfies Principal, user: principal.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new DomainError("FORBIDDEN", "Administrators only");
  return next();
});
