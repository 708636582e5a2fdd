import type { Logger, PubSub } from "../ports";

/** An entry of an append-only log, ordered by `id`. */
export interface LogEntry {
  id: number;
}

/** What a live message carries: the entry, and the id of the entry before it in the same log. */
export interface LogMessage<T extends LogEntry> {
  entry: T;
  /** The previous entry's id (null for the first), so a subscriber can notice a missed message. */
  prevId: number | null;
}

/** One log that can be replayed from storage and followed live over pub/sub. */
export interface LogSource<T extends LogEntry> {
  /** The pub/sub channel live entries are published on. */
  channel: string;
  /**
   * A live message's entries (one message may carry several, in id order), or a list of problems
   * when it is malformed (it is then logged and skipped).
   */
  parse(message: unknown): { ok: true; messages: LogMessage<T>[] } | { ok: false; issues: unknown };
  /** Entries after `afterId`, oldest first, at most `limit`. */
  readAfter(afterId: number, limit: number): Promise<T[]>;
  /** The newest entry's id, or 0 when the log is empty. */
  latestId(): Promise<number>;
  /**
   * Live entries this stream leaves out (e.g. another task's, in one task's stream). They still
   * advance the position, so they never look like a gap. `readAfter` must leave them out too.
   */
  include?(entry: T): boolean;
}

export interface StreamLogOptions {
  /** The id of the last entry the caller has seen; replay starts after it. Omit to start live. */
  lastEventId?: number | undefined;
  /** Ends the stream (and releases the subscription) when aborted. */
  signal?: AbortSignal | undefined;
  /** Entries read from storage per query while replaying. Default 100. */
  batchSize?: number | undefined;
  /** Live entries held while the consumer is busy; past this the stream re-reads storage. Default 1 000. */
  maxBuffered?: number | undefined;
  /**
   * After this long without a live message, storage is read for entries whose message never came
   * (a publish that failed, or one sent while this process's subscription was reconnecting) and
   * that no later message has revealed. Default 15 s.
   */
  idleCheckMs?: number | undefined;
}

/**
 * A log's entries after `lastEventId` from storage, then live entries as they are published on any
 * process. Entries arrive once each, in id order, with nothing skipped:
 *
 * 1. Subscribe to the channel first, buffering what arrives, so nothing published during the
 *    replay can slip between the replay and the live phase.
 * 2. Replay storage after `lastEventId` in bounded batches.
 * 3. Deliver buffered and live entries, dropping any id at or below the last one delivered. When a
 *    message shows that an earlier entry was never received (its `prevId` is past the last one
 *    delivered) or the buffer overflowed, catch up from storage before going on.
 * 4. When no message has come for `idleCheckMs`, catch up from storage as well: a lost message
 *    that nothing after it reveals would otherwise stay missing until the log's next entry. This
 *    check failing (storage unreachable) is logged, not thrown: the stream stays live.
 *
 * Without `lastEventId` the stream starts after the newest entry. The subscription is released in
 * `finally`, whether the consumer stops, the signal aborts or an error is thrown.
 *
 * The log's writer must make ids visible in order (an entry is never committed after a later one
 * of the same log), e.g. by serialising appends with a lock held until they commit.
 */
export async function* streamLog<T extends LogEntry>(
  deps: { pubsub: PubSub; log: Logger },
  source: LogSource<T>,
  options: StreamLogOptions = {},
): AsyncGenerator<T, void, undefined> {
  const { signal } = options;
  const batchSize = options.batchSize ?? 100;
  const maxBuffered = options.maxBuffered ?? 1_000;
  const idleCheckMs = options.idleCheckMs ?? 15_000;
  if (signal?.aborted) return;

  const pending: LogMessage<T>[] = [];
  let resync = false;
  let notify: (() => void) | undefined;
  const wake = () => {
    const resolve = notify;
    notify = undefined;
    resolve?.();
  };

  const unsubscribe = await deps.pubsub.subscribe(source.channel, (message) => {
    const parsed = source.parse(message);
    if (!parsed.ok) {
      deps.log.warn(
        { channel: source.channel, issues: parsed.issues },
        "ignored a malformed log message",
      );
      return;
    }
    if (pending.length + parsed.messages.length > maxBuffered) {
      // The consumer is far behind: drop the buffer and read storage instead.
      pending.length = 0;
      resync = true;
    } else {
      pending.push(...parsed.messages);
    }
    wake();
  });
  signal?.addEventListener("abort", wake, { once: true });

  /** The id of the last entry delivered (or the starting position). */
  let cursor = options.lastEventId ?? 0;
  const catchUp = async function* (): AsyncGenerator<T, void, undefined> {
    for (;;) {
      if (signal?.aborted) return;
      const batch = await source.readAfter(cursor, batchSize);
      for (const entry of batch) {
        if (signal?.aborted) return;
        cursor = entry.id;
        yield entry;
      }
      if (batch.length < batchSize) return;
    }
  };

  try {
    if (options.lastEventId === undefined) cursor = await source.latestId();
    else yield* catchUp();

    while (!signal?.aborted) {
      if (resync) {
        resync = false;
        yield* catchUp();
        continue;
      }
      const next = pending.shift();
      if (!next) {
        let idle: NodeJS.Timeout | undefined;
        let idleCheckDue = false;
        await new Promise<void>((resolve) => {
          notify = resolve;
          idle = setTimeout(() => {
            idleCheckDue = true;
            wake();
          }, idleCheckMs);
        });
        clearTimeout(idle);
        if (idleCheckDue && pending.length === 0 && !resync) {
          // Only a safety net: when storage cannot be asked now, the stream goes on live and
          // asks again at its next idle spell.
          const behind = await source.latestId().then(
            (latest) => latest > cursor,
            (error: unknown) => {
              deps.log.warn(
                { err: error, channel: source.channel },
                "could not check the log while idle; trying again later",
              );
              return false;
            },
          );
          if (behind) yield* catchUp();
        }
        continue;
      }
      if (next.entry.id <= cursor) continue;
      if ((next.prevId ?? 0) > cursor) {
        // An entry between the last delivered and this one never arrived here: read it from storage.
        yield* catchUp();
        continue;
      }
      cursor = next.entry.id;
      if (source.include && !source.include(next.entry)) continue;
      yield next.entry;
    }
  } finally {
    signal?.removeEventListener("abort", wake);
    await unsubscribe();
  }
}
