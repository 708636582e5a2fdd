import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import { notFound } from "../errors";
import {
  REPLY_CONTROL_CHANNEL,
  ReplyLiveMessage,
  replyChannel,
  type ReplyControlMessage,
} from "./channels";
import type { AiChatDeps } from "./deps";
import { toChatMessage } from "./rows";
import type { ChatMessage } from "./schemas";

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

/** How long a subscriber missing text waits for the writing process to resend it before reading storage. */
const RESEND_WAIT_MS = 1_000;
/** With nothing live for this long, the stored row is checked (a lost end message, a dead process). */
const IDLE_CHECK_MS = 15_000;

/**
 * A reply's text from character `after` on, once each and in order, then `done`: what is stored
 * first, then live pieces as the process writing the reply publishes them (on any server).
 *
 * Subscribes before reading the row, so nothing published meanwhile is lost. When this process
 * writes the reply, its runner's text so far stands in for the row (no read, and nothing missing).
 * Otherwise stored text lags the live stream by up to the runner's save interval, so a subscriber
 * that joins mid-reply can find pieces missing between the two: it asks the writing process to
 * resend the whole text so far (one live message), and reads storage again if no answer comes.
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

  /** The reply's text as stored and, once it no longer streams, its final row. */
  const read = async () => {
    const [row] = await deps.db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.id, messageId), eq(chatMessages.userId, userId)))
      .limit(1);
    if (!row) throw notFound("Message");
    return { content: row.content, final: row.status === "streaming" ? undefined : row };
  };
  /** A reply this process is writing needs no read: its runner holds all its text so far. */
  const start = () => {
    const local = deps.chat.replies.local(messageId);
    return local?.userId === userId ? { content: local.content, final: undefined } : read();
  };
  /** Resolves when a live message arrives, the signal aborts, or `ms` pass. */
  const nextMessage = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending.length > 0 || signal?.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  try {
    let sent = options.after ?? 0;
    /** Live pieces not delivered yet because something before them is missing. */
    let held: { start: number; text: string }[] = [];
    let resendAskedAt: number | undefined;

    /** Delivers what `text` (starting at `start`) adds after what was sent, if it joins up. */
    const take = (start: number, text: string): ReplyEvent | undefined => {
      const end = start + text.length;
      if (end <= sent || start > sent) return undefined;
      const event: ReplyEvent = { type: "text", text: text.slice(sent - start), end };
      sent = end;
      return event;
    };
    /** Every held piece that now joins up, merged into one event. */
    const drainHeld = (): ReplyEvent | undefined => {
      let text = "";
      let progressed = true;
      while (progressed) {
        progressed = false;
        held = held.filter((piece) => {
          const event = take(piece.start, piece.text);
          if (event?.type === "text") {
            text += event.text;
            progressed = true;
          }
          return piece.start + piece.text.length > sent;
        });
      }
      return text ? { type: "text", text, end: sent } : undefined;
    };

    let seen = await start();
    for (;;) {
      if (signal?.aborted) return;
      const stored = take(0, seen.content);
      if (stored) yield stored;
      const joined = drainHeld();
      if (joined) yield joined;
      if (seen.final) {
        yield { type: "done", message: toChatMessage(seen.final) };
        return;
      }

      let ended = false;
      let readAgain = false;
      while (!ended && !readAgain && !signal?.aborted) {
        if (pending.length === 0) {
          const waiting = resendAskedAt !== undefined;
          await nextMessage(waiting ? RESEND_WAIT_MS : IDLE_CHECK_MS);
          // No answer to a resend, or nothing at all for a long time: look at the stored row.
          if (pending.length === 0) readAgain = true;
          continue;
        }
        // Pieces that queued up while the consumer was busy go out as one event.
        let text = "";
        let end = sent;
        for (let message = pending.shift(); message; message = pending.shift()) {
          if (message.type === "end") {
            ended = true;
            break;
          }
          const event = take(message.start, message.text);
          if (event?.type === "text") {
            text += event.text;
            end = event.end;
          } else if (message.start > sent) {
            held.push({ start: message.start, text: message.text });
          }
        }
        const joined = drainHeld();
        if (joined?.type === "text") {
          text += joined.text;
          end = joined.end;
        }
        if (text) {
          resendAskedAt = undefined;
          yield { type: "text", text, end };
        }
        if (held.length > 0 && resendAskedAt === undefined) {
          // Text before the held pieces was published before we subscribed, and is not stored
          // yet: the process writing the reply resends it all.
          resendAskedAt = performance.now();
          await deps.pubsub
            .publish(REPLY_CONTROL_CHANNEL, {
              type: "resend",
              messageId,
            } satisfies ReplyControlMessage)
            .catch(() => undefined);
        }
      }
      if (signal?.aborted) return;
      resendAskedAt = undefined;
      seen = await read();
      if (ended && !seen.final) {
        // The end was published just before the final row became visible here.
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = await read();
      }
    }
  } finally {
    signal?.removeEventListener("abort", notify);
    await unsubscribe();
  }
}
