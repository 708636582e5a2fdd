import type { schema } from "@genflow/db";

import type { ChatConversation, ChatMessage } from "./schemas";

export function toChatMessage(row: schema.ChatMessageRow): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversationId,
    parentId: row.parentId,
    role: row.role,
    content: row.content,
    status: row.status,
    providerId: row.providerId,
    model: row.model,
    params: row.params,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    ttftMs: row.ttftMs,
    durationMs: row.durationMs,
    cost: row.costMicros === null ? null : row.costMicros / 1_000_000,
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? "" },
    stoppedBy: row.stoppedBy,
    proposal: row.proposal,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

export function toChatConversation(row: schema.ChatConversationRow): ChatConversation {
  return {
    id: row.id,
    title: row.title,
    titleSource: row.titleSource,
    providerId: row.providerId,
    model: row.model,
    systemPrompt: row.systemPrompt,
    params: row.params,
    currentLeafId: row.currentLeafId,
    articleId: row.articleId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
