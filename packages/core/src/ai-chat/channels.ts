import { z } from "zod";

import { schema } from "@genflow/db";

/** Live pieces of one reply, published by the process writing it. */
export const replyChannel = (messageId: string) => `chat:reply:${messageId}`;

/** Requests to stop a reply, heard by every process (the one running it acts). */
export const REPLY_CONTROL_CHANNEL = "chat:reply-control";

export const ReplyLiveMessage = z.discriminatedUnion("type", [
  /** `text` was appended at character offset `start` of the reply. */
  z.object({ type: z.literal("delta"), start: z.number().int().min(0), text: z.string() }),
  /** The reply ended (its final row is stored). */
  z.object({ type: z.literal("end"), status: z.enum(schema.CHAT_MESSAGE_STATUSES) }),
]);
export type ReplyLiveMessage = z.infer<typeof ReplyLiveMessage>;

export const ReplyControlMessage = z.discriminatedUnion("type", [
  /** Stop the reply (the text so far is kept). */
  z.object({ type: z.literal("stop"), messageId: z.string(), by: z.string() }),
  /** Publish the reply's whole text so far: a subscriber that joined late misses the start. */
  z.object({ type: z.literal("resend"), messageId: z.string() }),
]);
export type ReplyControlMessage = z.infer<typeof ReplyControlMessage>;
