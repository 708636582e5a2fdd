import { schema } from "@genflow/db";
import { and, desc, eq, gt, ne } from "drizzle-orm";
import { z } from "zod";

import { DomainError, notFound } from "../errors";
import { publishUserEvent } from "../events";
import type { AuthDeps } from "./create-auth";
import { sessionAddress } from "./client-address";
import { principalCacheKey } from "./credentials";
import type { AuthPrincipal } from "./schemas";

/** One place the account is signed in: a browser session. */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  /** When the session was last renewed (at most a day stale: sessions renew once a day in use). */
  lastActiveAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  /** The session this request came with. */
  current: boolean;
}

export const RevokeSessionInput = z.object({ id: z.string().min(1).max(200) });
export type RevokeSessionInput = z.infer<typeof RevokeSessionInput>;

/** The caller's sessions that have not expired, most recently active first. */
export async function listSessions(
  deps: Pick<AuthDeps, "db" | "clock">,
  principal: AuthPrincipal,
): Promise<SessionSummary[]> {
  const s = schema.session;
  const rows = await deps.db
    .select({
      id: s.id,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      expiresAt: s.expiresAt,
      ipAddress: s.ipAddress,
      userAgent: s.userAgent,
    })
    .from(s)
    .where(and(eq(s.userId, principal.user.id), gt(s.expiresAt, deps.clock.now())))
    .orderBy(desc(s.updatedAt), desc(s.id))
    .limit(200);
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt,
    lastActiveAt: row.updatedAt,
    expiresAt: row.expiresAt,
    ipAddress: sessionAddress(row.ipAddress),
    userAgent: row.userAgent,
    current: principal.via === "session" && row.id === principal.sessionId,
  }));
}

/** Deletes session rows and their cached resolutions, so they stop working on every process at once. */
async function endSessions(
  deps: AuthDeps,
  userId: string,
  where: ReturnType<typeof and>,
): Promise<number> {
  const s = schema.session;
  const ended = await deps.db
    .delete(s)
    .where(and(eq(s.userId, userId), where))
    .returning({ token: s.token });
  await Promise.all(ended.map(({ token }) => deps.cache.delete(principalCacheKey.session(token))));
  if (ended.length > 0) {
    await publishUserEvent(deps, {
      userId,
      type: "session.revoked",
      data: { count: ended.length },
    });
  }
  return ended.length;
}

/**
 * Signs one of the caller's other sessions out (a lost laptop, a shared computer); its next
 * request is unauthenticated. The session in use is signed out with `auth.signOut` instead.
 */
export async function revokeSession(
  deps: AuthDeps,
  principal: AuthPrincipal,
  input: RevokeSessionInput,
): Promise<{ id: string }> {
  if (principal.via === "session" && input.id === principal.sessionId) {
    throw new DomainError("CONFLICT", "This is the session you are using: sign out instead", {
      details: { id: input.id },
    });
  }
  const ended = await endSessions(deps, principal.user.id, eq(schema.session.id, input.id));
  if (ended === 0) throw notFound("Session", { id: input.id });
  return { id: input.id };
}

/** Signs out every session of the caller's but the one in use (all of them, with an API key). */
export async function revokeOtherSessions(
  deps: AuthDeps,
  principal: AuthPrincipal,
): Promise<{ count: number }> {
  const current = principal.via === "session" ? principal.sessionId : undefined;
  const count = await endSessions(
    deps,
    principal.user.id,
    current === undefined ? undefined : ne(schema.session.id, current),
  );
  return { count };
}
