import { schema } from "@genflow/db";
import { and, asc, desc, eq, ilike, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";

import { DomainError, notFound } from "../errors";
import { decodeOpaqueCursor, encodeOpaqueCursor } from "../pagination";
import { parseInput } from "../validation";
import type { AiChatDeps } from "./deps";
import { REPLY_CONTROL_CHANNEL, type ReplyControlMessage } from "./channels";
import { resolveModel } from "./models";
import { toChatConversation, toChatMessage } from "./rows";
import {
  ConversationIdInput,
  ListConversationsInput,
  UpdateConversationInput,
  type ChatConversation,
  type ChatMessage,
} from "./schemas";

const { chatConversations, chatMessages } = schema;

/** A conversation of `userId`'s, or NOT_FOUND (also when it is someone else's). */
export async function loadConversation(deps: AiChatDeps, userId: string, id: string) {
  const [row] = await deps.db
    .select()
    .from(chatConversations)
    .where(and(eq(chatConversations.id, id), eq(chatConversations.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Conversation");
  return row;
}

/** Every message of a conversation, oldest first (all branches). */
export async function loadMessages(deps: Pick<AiChatDeps, "db">, conversationId: string) {
  return deps.db
    .select()
    .from(chatMessages)
    .where(eq(chatMessages.conversationId, conversationId))
    .orderBy(asc(chatMessages.createdAt), asc(chatMessages.id));
}

const ListCursor = z.tuple([z.iso.datetime(), z.uuid()]);

/** The caller's conversations, most recently active first; `search` looks in titles and messages. */
export async function listConversations(
  deps: AiChatDeps,
  params: { userId: string; input: ListConversationsInput },
): Promise<{ items: ChatConversation[]; nextCursor: string | null }> {
  const input = parseInput(ListConversationsInput, params.input, "Invalid conversation query");
  // The article assistant's conversations live with their articles.
  const conditions = [
    eq(chatConversations.userId, params.userId),
    isNull(chatConversations.articleId),
  ];
  if (input.cursor) {
    const [updatedAt, id] = decodeOpaqueCursor(input.cursor, ListCursor);
    const at = new Date(updatedAt);
    const after = or(
      lt(chatConversations.updatedAt, at),
      and(eq(chatConversations.updatedAt, at), lt(chatConversations.id, id)),
    );
    if (after) conditions.push(after);
  }
  if (input.search) {
    const pattern = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const matches = or(
      ilike(chatConversations.title, pattern),
      sql`exists (select 1 from ${chatMessages} where ${chatMessages.conversationId} = ${chatConversations.id} and ${chatMessages.content} ilike ${pattern})`,
    );
    if (matches) conditions.push(matches);
  }
  const rows = await deps.db
    .select()
    .from(chatConversations)
    .where(and(...conditions))
    .orderBy(desc(chatConversations.updatedAt), desc(chatConversations.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(toChatConversation),
    nextCursor:
      rows.length > input.limit && last
        ? encodeOpaqueCursor([last.updatedAt.toISOString(), last.id])
        : null,
  };
}

/** A conversation with all its messages (every branch, oldest first). */
export async function getConversation(
  deps: AiChatDeps,
  params: { userId: string; input: ConversationIdInput },
): Promise<{ conversation: ChatConversation; messages: ChatMessage[] }> {
  const input = parseInput(ConversationIdInput, params.input, "Invalid conversation id");
  const row = await loadConversation(deps, params.userId, input.id);
  const messages = await loadMessages(deps, row.id);
  return { conversation: toChatConversation(row), messages: messages.map(toChatMessage) };
}

/** Renames a conversation (the title is then the owner's), or changes its model, prompt or branch. */
export async function updateConversation(
  deps: AiChatDeps,
  params: { userId: string; input: UpdateConversationInput },
): Promise<ChatConversation> {
  const input = parseInput(UpdateConversationInput, params.input, "Invalid conversation change");
  const row = await loadConversation(deps, params.userId, input.id);
  if (input.systemPrompt !== undefined) checkSystemPrompt(deps, input.systemPrompt);
  if (input.providerId !== undefined || input.model !== undefined) {
    resolveModel(deps, {
      providerId: input.providerId ?? row.providerId,
      model: input.model ?? row.model,
    });
  }
  if (input.currentLeafId !== undefined) {
    const [leaf] = await deps.db
      .select({ id: chatMessages.id })
      .from(chatMessages)
      .where(
        and(eq(chatMessages.id, input.currentLeafId), eq(chatMessages.conversationId, row.id)),
      );
    if (!leaf) throw notFound("Message");
  }
  const [updated] = await deps.db
    .update(chatConversations)
    .set({
      ...(input.title !== undefined && { title: input.title, titleSource: "user" as const }),
      ...(input.providerId !== undefined && { providerId: input.providerId }),
      ...(input.model !== undefined && { model: input.model }),
      ...(input.systemPrompt !== undefined && { systemPrompt: input.systemPrompt.trim() }),
      ...(input.params !== undefined && { params: input.params }),
      ...(input.currentLeafId !== undefined && { currentLeafId: input.currentLeafId }),
      // Switching branches is looking, not activity: the list order stays.
      ...((input.title ?? input.providerId ?? input.model ?? input.systemPrompt ?? input.params) !==
        undefined && { updatedAt: deps.clock.now() }),
    })
    .where(eq(chatConversations.id, row.id))
    .returning();
  if (!updated) throw notFound("Conversation");
  return toChatConversation(updated);
}

/** Deletes a conversation and its messages; replies still streaming in it are stopped first. */
export async function deleteConversation(
  deps: AiChatDeps,
  params: { userId: string; input: ConversationIdInput },
): Promise<{ id: string }> {
  const input = parseInput(ConversationIdInput, params.input, "Invalid conversation id");
  const row = await loadConversation(deps, params.userId, input.id);
  const streaming = await deps.db
    .select({ id: chatMessages.id })
    .from(chatMessages)
    .where(and(eq(chatMessages.conversationId, row.id), eq(chatMessages.status, "streaming")));
  for (const message of streaming) {
    if (!deps.chat.replies.stopLocal(message.id, params.userId)) {
      await deps.pubsub.publish(REPLY_CONTROL_CHANNEL, {
        type: "stop",
        messageId: message.id,
        by: params.userId,
      } satisfies ReplyControlMessage);
    }
  }
  await deps.db.delete(chatConversations).where(eq(chatConversations.id, row.id));
  return { id: row.id };
}

export function checkSystemPrompt(deps: AiChatDeps, systemPrompt: string): void {
  if (systemPrompt.length > deps.chat.limits.maxSystemPromptChars) {
    throw new DomainError(
      "VALIDATION",
      `The system prompt is longer than ${deps.chat.limits.maxSystemPromptChars} characters`,
      { details: { fieldErrors: { systemPrompt: ["Too long"] } } },
    );
  }
}
