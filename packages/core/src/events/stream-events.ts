import type { CoreDeps } from "../context";
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
 * published on any process. Events arrive once each, in id order, with nothing skipped:
 *
 * 1. Subscribe to the user's channel first, buffering what arrives, so nothing published during
 *    the replay can slip between the replay and the live phase.
 * 2. Replay the log after `lastEventId` in bounded batches.
 * 3. Deliver buffered and live events, dropping any id at or below the last one delivered. When a
 *    message shows that an earlier event was never received (its `prevId` is past the last one
 *    delivered) or the buffer overflowed, catch up from the log before going on.
 *
 * Without `lastEventId` the stream starts after the newest event in the log. The subscription is
 * released in `finally`, whether the consumer stops, the signal aborts or an error is thrown.
 */
export async function* streamUserEvents(
  deps: Pick<CoreDeps, "db" | "pubsub" | "log">,
  input: StreamUserEventsInput,
): AsyncGenerator<UserEvent, void, undefined> {
  const { userId, signal } = input;
  const batchSize = input.batchSize ?? 100;
  const maxBuffered = input.maxBuffered ?? 1_000;
  if (signal?.aborted) return;

  const pending: UserEventMessage[] = [];
  let resync = false;
  let notify: (() => void) | undefined;
  const wake = () => {
    const resolve = notify;
    notify = undefined;
    resolve?.();
  };

  const unsubscribe = await deps.pubsub.subscribe(userChannel(userId), (message) => {
    const parsed = UserEventMessage.safeParse(message);
    if (!parsed.success) {
      deps.log.warn(
        { userId, issues: parsed.error.issues },
        "ignored a malformed user event message",
      );
      return;
    }
    if (pending.length >= maxBuffered) {
      // The consumer is far behind: drop the buffer and read the log instead.
      pending.length = 0;
      resync = true;
    } else {
      pending.push(parsed.data);
    }
    wake();
  });
  signal?.addEventListener("abort", wake, { once: true });

  /** The id of the last event delivered (or the starting position). */
  let cursor = input.lastEventId ?? 0;
  const catchUp = async function* (): AsyncGenerator<UserEvent, void, undefined> {
    for (;;) {
      if (signal?.aborted) return;
      const batch = await listUserEvents(deps, { userId, afterId: cursor, limit: batchSize });
      for (const event of batch) {
        if (signal?.aborted) return;
        cursor = event.id;
        yield event;
      }
      if (batch.length < batchSize) return;
    }
  };

  try {
    if (input.lastEventId === undefined) cursor = await latestUserEventId(deps, userId);
    else yield* catchUp();

    while (!signal?.aborted) {
      if (resync) {
        resync = false;
        yield* catchUp();
        continue;
      }
      const next = pending.shift();
      if (!next) {
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
        continue;
      }
      if (next.id <= cursor) continue;
      if ((next.prevId ?? 0) > cursor) {
        // An event between the last delivered and this one never arrived here: read it from the log.
        yield* catchUp();
        continue;
      }
      cursor = next.id;
      yield toEvent(next);
    }
  } finally {
    signal?.removeEventListener("abort", wake);
    await unsubscribe();
  }
}

function toEvent(message: UserEventMessage): UserEvent {
  return { id: message.id, type: message.type, data: message.data, createdAt: message.createdAt };
}
