import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import { notFound } from "../errors";
import type { ChatMessage } from "./schemas";
import {
  REPLY_CONTROL_CHANNEL,
  ReplyLiveMessage,
  replyChannel,
  type ReplyControlMessage,
} from "./channels";
import { toChatMessage } from "./rows";
import type { AiChatDeps } from "./deps";

const { chatMessages } = schema;

/**
 * What `aiChat.onReply` yields. `text` pieces carry `end`, the reply's length after them; it is
 * the event id a reconnect resumes from. `done` comes last, with the stored message.
 */
export type ReplyEvent =
  { type: "text"; text: string; end: number } | { type: "done"; message: ChatMessage };

export interface StreamReplyOptions {
  userId: string;
  messageId: string;
  /** Characters of the reply the caller already has (the last event id); 0 for all. */
  after?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** How long to wait for saved text to catch up with a live piece that arrived ahead of it. */
const GAP_POLL_MS = 5;
const GAP_WAIT_MS = 10_000;
/** With nothing live for this long, the stored row is checked (a lost end message, a dead process). */
const IDLE_CHECK_MS = 15_000;

/**
 * A reply's text from character `after` on, once each and in order: what is stored first, then
 * live pieces as the process writing the reply publishes them (on any server), then `done`.
 *
 * Subscribes before reading the row, so nothing published meanwhile is missed. Stored text lags
 * the live stream by up to the runner's flush interval: when a live piece starts beyond what this
 * stream has sent, the missing middle is read again from storage until it is there.
 */
export async function* streamReply(
  deps: AiChatDeps,
  options: StreamReplyOptions,
): AsyncGenerator<ReplyEvent, void, undefined> {
  const { signal, userId, messageId } = options;
  const pending: ReplyLiveMessage[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const unsubscribe = await deps.pubsub.subscribe(replyChannel(messageId), (message) => {
    const parsed = ReplyLiveMessage.safeParse(message);
    if (parsed.success) {
      pending.push(parsed.data);
      notify();
    }
  });
  signal?.addEventListener("abort", notify, { once: true });

  const read = async () => {
    const [row] = await deps.db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.id, messageId), eq(chatMessages.userId, userId)))
      .limit(1);
    if (!row) throw notFound("Message");
    return row;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  try {
    let sent = options.after ?? 0;
    let row = await read();
    const fromStorage = function* (content: string): Generator<ReplyEvent> {
      if (content.length > sent) {
        yield { type: "text", text: content.slice(sent), end: content.length };
        sent = content.length;
      }
    };

    for (;;) {
      if (signal?.aborted) return;
      yield* fromStorage(row.content);
      if (row.status !== "streaming") {
        yield { type: "done", message: toChatMessage(row) };
        return;
      }

      let ended = false;
      while (!ended && !signal?.aborted) {
        const message = pending.shift();
        if (!message) {
          await sleep(IDLE_CHECK_MS);
          if (pending.length === 0) break; // idle: look at the stored row
          continue;
        }
        if (message.type === "end") {
          ended = true;
          break;
        }
        const stop = message.start + message.text.length;
        if (stop <= sent) continue;
        if (message.start > sent) {
          // Pieces before this one were published before we subscribed: ask the process writing
          // the reply to save what it has, and read it from storage.
          await deps.pubsub
            .publish(REPLY_CONTROL_CHANNEL, {
              type: "save",
              messageId,
            } satisfies ReplyControlMessage)
            .catch(() => undefined);
          const deadline = performance.now() + GAP_WAIT_MS;
          let wait = GAP_POLL_MS;
          while (row.content.length < message.start && row.status === "streaming") {
            if (signal?.aborted || performance.now() > deadline) break;
            await new Promise((resolve) => setTimeout(resolve, wait));
            wait = Math.min(wait * 2, 100);
            row = await read();
          }
          if (row.content.length < message.start) {
            ended = row.status !== "streaming";
            break;
          }
          yield* fromStorage(row.content.slice(0, message.start));
        }
        yield { type: "text", text: message.text.slice(sent - message.start), end: stop };
        sent = stop;
      }
      if (signal?.aborted) return;
      row = await read();
      if (ended && row.status === "streaming") {
        // The end was published before the final row was visible to us; it is there now or soon.
        await new Promise((resolve) => setTimeout(resolve, GAP_POLL_MS));
        row = await read();
      }
    }
  } finally {
    signal?.removeEventListener("abort", notify);
    await unsubscribe();
  }
}
