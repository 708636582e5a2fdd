import { schema } from "@genflow/db";

import type { CoreDeps } from "../context";
import { type UserEvent, userChannel } from "./schemas";

export interface PublishUserEventInput {
  userId: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Appends an event to the user's log (the durable record a reconnect replays from), then fans it
 * out to live subscribers on every process.
 */
export async function publishUserEvent(
  deps: Pick<CoreDeps, "db" | "pubsub">,
  input: PublishUserEventInput,
): Promise<UserEvent> {
  const [row] = await deps.db
    .insert(schema.userEvents)
    .values({ userId: input.userId, type: input.type, data: input.data })
    .returning();
  if (!row) throw new Error("event insert returned no row");
  const event: UserEvent = { id: row.id, type: row.type, data: row.data, createdAt: row.createdAt };
  await deps.pubsub.publish(userChannel(input.userId), { ...event, createdAt: event.createdAt.toISOString() });
  return event;
}
