import { schema } from "@genflow/db";
import { desc, eq, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { type UserEvent, type UserEventMessage, userChannel } from "./schemas";

export interface PublishUserEventInput {
  userId: string;
  type: string;
  data: Record<string, unknown>;
}

/** Namespace of the advisory locks that order each user's appends (the key is the user id's hash). */
const APPEND_LOCK_NAMESPACE = 0x75_65_76; // "uev"

/**
 * Appends an event to the user's log (the durable record a reconnect replays from), then fans it
 * out to live subscribers on every process.
 *
 * Appends for one user are serialised by a transaction-scoped advisory lock, so a user's events
 * commit in id order: once event N is visible, every earlier event of that user is visible too.
 * The published message carries the id of the user's previous event so subscribers can detect a
 * message they missed and fetch it from the log.
 *
 * Call it after the change the event reports has been committed, not inside an open transaction:
 * subscribers hear about the event as soon as this returns. Once the event is stored, a failure to
 * fan it out (pub/sub unreachable) is logged rather than thrown: subscribers read it from the log
 * (at the user's next message, which shows the gap, or at their next idle check).
 */
export async function publishUserEvent(
  deps: Pick<CoreDeps, "db" | "pubsub" | "log">,
  input: PublishUserEventInput,
): Promise<UserEvent> {
  const { event, prevId } = await deps.db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${APPEND_LOCK_NAMESPACE}::int4, hashtext(${input.userId}))`,
    );
    const [previous] = await tx
      .select({ id: schema.userEvents.id })
      .from(schema.userEvents)
      .where(eq(schema.userEvents.userId, input.userId))
      .orderBy(desc(schema.userEvents.id))
      .limit(1);
    const [row] = await tx
      .insert(schema.userEvents)
      .values({ userId: input.userId, type: input.type, data: input.data })
      .returning();
    if (!row) throw new Error("event insert returned no row");
    const appended: UserEvent = {
      id: row.id,
      type: row.type,
      data: row.data,
      createdAt: row.createdAt,
    };
    return { event: appended, prevId: previous?.id ?? null };
  });
  const message: Omit<UserEventMessage, "createdAt"> & { createdAt: string } = {
    ...event,
    createdAt: event.createdAt.toISOString(),
    prevId,
  };
  try {
    await deps.pubsub.publish(userChannel(input.userId), message);
  } catch (error) {
    deps.log.warn(
      { err: error, userId: input.userId, type: input.type },
      "could not fan out a stored user event; subscribers read it from the log",
    );
  }
  return event;
}
