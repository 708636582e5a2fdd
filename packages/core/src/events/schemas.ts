import { z } from "zod";

/** One entry in a user's event stream. `id` is the stream position used for resuming. */
export const UserEvent = z.object({
  id: z.number().int().positive(),
  type: z.string().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
});
export type UserEvent = z.infer<typeof UserEvent>;

/**
 * A position in a user's event stream: the id of the last event the caller has seen, or 0 for
 * "from the start". Accepts numeric strings too, because SSE reconnects send `Last-Event-ID` as text.
 */
export const EventCursor = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^\d{1,15}$/, "must be a non-negative integer")
    .transform(Number),
]);
export type EventCursor = z.infer<typeof EventCursor>;

export const ListUserEventsInput = z.object({
  userId: z.string().min(1),
  /** Only events with an id greater than this. */
  afterId: EventCursor.default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListUserEventsInput = z.input<typeof ListUserEventsInput>;

/**
 * What travels over pub/sub: the event (its date as an ISO string, as JSON carries it) plus the id
 * of the user's previous event, which lets a subscriber notice a message it never received.
 */
export const UserEventMessage = UserEvent.extend({
  createdAt: z.coerce.date(),
  prevId: z.number().int().nonnegative().nullable(),
});
export type UserEventMessage = z.infer<typeof UserEventMessage>;

export const userChannel = (userId: string) => `user:${userId}:events`;
