import { schema } from "@genflow/db";
import { and, asc, desc, eq, gt } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { ListUserEventsInput, type UserEvent } from "./schemas";

/** A page of the user's event log in stream order: events after `afterId`, oldest first. */
export async function listUserEvents(
  deps: Pick<CoreDeps, "db">,
  input: ListUserEventsInput,
): Promise<UserEvent[]> {
  const { userId, afterId, limit } = ListUserEventsInput.parse(input);
  const t = schema.userEvents;
  return deps.db
    .select({ id: t.id, type: t.type, data: t.data, createdAt: t.createdAt })
    .from(t)
    .where(and(eq(t.userId, userId), gt(t.id, afterId)))
    .orderBy(asc(t.id))
    .limit(limit);
}

/** The id of the user's newest event, or 0 when the log is empty. */
export async function latestUserEventId(
  deps: Pick<CoreDeps, "db">,
  userId: string,
): Promise<number> {
  const t = schema.userEvents;
  const [row] = await deps.db
    .select({ id: t.id })
    .from(t)
    .where(eq(t.userId, userId))
    .orderBy(desc(t.id))
    .limit(1);
  return row?.id ?? 0;
}
