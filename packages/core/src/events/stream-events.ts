import type { CoreDeps } from "../context";
import { streamLog } from "../streams/stream-log";
import { latestUserEventId, listUserEvents } from "./list-events";
import { type UserEvent, UserEventMessage, userChannel } from "./schemas";

export interface StreamUserEventsInput {
  userId: string;
  /** The id of the last event the caller has seen; replay starts after it. Omit to start live. */
  lastEventId?: number | undefined;
  /** Ends the stream (and releases the subscription) when aborted. */
  signal?: AbortSignal | undefined;
  /** Events read from the log per query while replaying. Default 100. */
  batchSize?: number;
  /** Live events held while the consumer is busy; past this the stream re-reads the log instead. Default 1 000. */
  maxBuffered?: number;
}

/**
 * A user's event stream: everything after `lastEventId` from the log, then live events as they are
 * published on any process, once each, in id order, with nothing skipped (see `streamLog`).
 */
export function streamUserEvents(
  deps: Pick<CoreDeps, "db" | "pubsub" | "log">,
  input: StreamUserEventsInput,
): AsyncGenerator<UserEvent, void, undefined> {
  const { userId } = input;
  return streamLog(
    deps,
    {
      channel: userChannel(userId),
      parse(message) {
        const parsed = UserEventMessage.safeParse(message);
        if (!parsed.success) return { ok: false, issues: parsed.error.issues };
        const { prevId, ...event } = parsed.data;
        return { ok: true, messages: [{ entry: event, prevId }] };
      },
      readAfter: (afterId, limit) => listUserEvents(deps, { userId, afterId, limit }),
      latestId: () => latestUserEventId(deps, userId),
    },
    input,
  );
}
