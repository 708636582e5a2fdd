import { z } from "zod";

import type { schema } from "@genflow/db";

const Id = z.uuid();
const Temperature = z.number().min(0).max(2);
const MaxOutputTokens = z.number().int().min(16).max(200_000);

/** Messages and prompts are checked against the host's limits in the use cases (they are configurable). */
const Text = z.string().trim().min(1, "Write something first");

export const ChatParams = z.object({
  temperature: Temperature.optional(),
  maxOutputTokens: MaxOutputTokens.optional(),
});
export type ChatParams = z.infer<typeof ChatParams>;

export const SendMessageInput = z.object({
  /** Omit to start a new conversation. */
  conversationId: Id.optional(),
  /** The assistant message this one follows; omit to follow the branch shown last. */
  parentId: Id.nullable().optional(),
  content: Text,
  providerId: z.string().min(1).max(32).optional(),
  model: z.string().min(1).max(200).optional(),
  systemPrompt: z.string().optional(),
  params: ChatParams.optional(),
});
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export const EditMessageInput = z.object({ messageId: Id, content: Text });
export type EditMessageInput = z.infer<typeof EditMessageInput>;

export const MessageIdInput = z.object({ messageId: Id });
export type MessageIdInput = z.infer<typeof MessageIdInput>;

export const RegenerateInput = z.object({
  messageId: Id,
  providerId: z.string().min(1).max(32).optional(),
  model: z.string().min(1).max(200).optional(),
});
export type RegenerateInput = z.infer<typeof RegenerateInput>;

export const ConversationIdInput = z.object({ id: Id });
export type ConversationIdInput = z.infer<typeof ConversationIdInput>;

export const ListConversationsInput = z.object({
  search: z.string().trim().max(200).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(100).default(30),
});
export type ListConversationsInput = z.input<typeof ListConversationsInput>;

export const UpdateConversationInput = z.object({
  id: Id,
  title: z.string().trim().min(1).max(200).optional(),
  providerId: z.string().min(1).max(32).optional(),
  model: z.string().min(1).max(200).optional(),
  systemPrompt: z.string().optional(),
  params: ChatParams.optional(),
  /** The branch shown: the message at its end. */
  currentLeafId: Id.optional(),
});
export type UpdateConversationInput = z.infer<typeof UpdateConversationInput>;

export const PreviewContextInput = z.object({
  conversationId: Id.optional(),
  parentId: Id.nullable().optional(),
  /** The message about to be sent, when there is one. */
  content: z.string().optional(),
  providerId: z.string().min(1).max(32).optional(),
  model: z.string().min(1).max(200).optional(),
  systemPrompt: z.string().optional(),
  params: ChatParams.optional(),
});
export type PreviewContextInput = z.infer<typeof PreviewContextInput>;

export const OnReplyInput = z.object({
  messageId: Id,
  /** The last event id received (`<characters>`); the stream resumes after it. */
  lastEventId: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional(),
});
export type OnReplyInput = z.infer<typeof OnReplyInput>;

export interface ChatMessage {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: (typeof schema.CHAT_ROLES)[number];
  content: string;
  status: (typeof schema.CHAT_MESSAGE_STATUSES)[number];
  providerId: string | null;
  model: string | null;
  params: ChatParams | null;
  inputTokens: number | null;
  outputTokens: number | null;
  ttftMs: number | null;
  durationMs: number | null;
  /** In the provider's currency, when prices are configured. */
  cost: number | null;
  error: { code: string; message: string } | null;
  stoppedBy: string | null;
  /** For the article assistant's replies: the change proposed and the author's decision. */
  proposal: schema.ArticleProposalRecord | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ChatConversation {
  id: string;
  title: string;
  titleSource: "auto" | "user";
  providerId: string;
  model: string;
  systemPrompt: string;
  params: ChatParams;
  currentLeafId: string | null;
  /** The article this conversation helps write (the article assistant's), or null. */
  articleId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
