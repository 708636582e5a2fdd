import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { and, eq, ne } from "drizzle-orm";

import { DomainError, notFound } from "../errors";
import { parseInput } from "../validation";
import { budgetContext, type BudgetMessage, type ContextBudget } from "./budget";
import { REPLY_CONTROL_CHANNEL, ReplyLiveMessage, replyChannel } from "./channels";
import { checkSystemPrompt, loadConversation, loadMessages } from "./conversations";
import type { AiChatDeps } from "./deps";
import { resolveModel } from "./models";
import type { ChatModelInfo, ChatProvider } from "./providers/ports";
import { utcDay, type ReplyEndStatus } from "./reply-runner";
import { toChatConversation, toChatMessage } from "./rows";
import {
  EditMessageInput,
  MessageIdInput,
  PreviewContextInput,
  RegenerateInput,
  SendMessageInput,
  type ChatConversation,
  type ChatMessage,
  type ChatParams,
} from "./schemas";

const { chatConversations, chatMessages, chatUsage: chatUsageTable } = schema;
type MessageRow = schema.ChatMessageRow;
type ConversationRow = schema.ChatConversationRow;

export interface StartedReply {
  conversation: ChatConversation;
  /** The user's message (absent for a regeneration, which answers an existing one). */
  userMessage: ChatMessage | null;
  /** The reply being written; follow it with `aiChat.onReply`. */
  reply: ChatMessage;
}

/** Tokens the user has spent today (UTC), and their daily allowance. */
export async function chatUsage(
  deps: AiChatDeps,
  params: { userId: string },
): Promise<{ usedToday: number; dailyLimit: number; resetsAt: Date }> {
  const now = deps.clock.now();
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [row] = await deps.db
    .select({ used: chatUsageTable.tokens })
    .from(chatUsageTable)
    .where(and(eq(chatUsageTable.userId, params.userId), eq(chatUsageTable.day, utcDay(now))));
  return {
    usedToday: row?.used ?? 0,
    dailyLimit: deps.chat.limits.dailyTokensPerUser,
    resetsAt: new Date(dayStart.getTime() + 86_400_000),
  };
}

async function checkQuota(deps: AiChatDeps, userId: string): Promise<void> {
  assertWithinQuota(deps, await chatUsage(deps, { userId }));
}

function assertWithinQuota(deps: AiChatDeps, usage: Awaited<ReturnType<typeof chatUsage>>): void {
  if (usage.usedToday >= usage.dailyLimit) {
    const retryAfterMs = usage.resetsAt.getTime() - deps.clock.now().getTime();
    throw new DomainError(
      "LIMIT_EXCEEDED",
      `You have used today's ${usage.dailyLimit.toLocaleString("en")} AI tokens; the allowance renews at 00:00 UTC`,
      {
        retryAfterMs,
        details: { quota: "tokensPerDay", used: usage.usedToday, limit: usage.dailyLimit },
      },
    );
  }
}

function checkMessage(deps: AiChatDeps, content: string): void {
  if (content.length > deps.chat.limits.maxMessageChars) {
    throw new DomainError(
      "VALIDATION",
      `The message is longer than ${deps.chat.limits.maxMessageChars} characters`,
      { details: { fieldErrors: { content: ["Too long"] } } },
    );
  }
}

/** The messages from the first one down to `leafId`, following parents. */
export function branchTo(messages: MessageRow[], leafId: string | null): MessageRow[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: MessageRow[] = [];
  let current = leafId === null ? undefined : byId.get(leafId);
  while (current) {
    path.push(current);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return path.reverse();
}

const asBudgetMessage = (message: Pick<MessageRow, "id" | "role" | "content">): BudgetMessage => ({
  id: message.id,
  role: message.role,
  content: message.content,
});

function maxOutputTokens(model: ChatModelInfo, params: ChatParams): number {
  return Math.min(
    params.maxOutputTokens ?? model.maxOutputTokens,
    Math.floor(model.contextWindow / 2),
  );
}

async function fitContext(
  model: ChatModelInfo,
  systemPrompt: string,
  history: BudgetMessage[],
  params: ChatParams,
): Promise<ContextBudget> {
  const budget = await budgetContext({
    model,
    systemPrompt,
    history,
    maxOutputTokens: maxOutputTokens(model, params),
  });
  if (!budget.fits) {
    throw new DomainError(
      "VALIDATION",
      `The system prompt and this message are too long for ${model.label}'s ${model.contextWindow.toLocaleString("en")}-token window`,
      { details: { contextWindow: model.contextWindow, promptTokens: budget.promptTokens } },
    );
  }
  return budget;
}

interface ReplyPlan {
  deps: AiChatDeps;
  userId: string;
  conversation: Pick<ConversationRow, "id">;
  provider: ChatProvider;
  model: ChatModelInfo;
  params: ChatParams;
  budget: ContextBudget;
  reply: Pick<MessageRow, "id" | "content"> &
    Partial<Pick<MessageRow, "inputTokens" | "outputTokens" | "durationMs" | "ttftMs">>;
  /** Resolves once the reply's row is stored; the run writes nothing before. */
  ready?: Promise<unknown> | undefined;
  /** The first exchange of a conversation gets a title from the model when it completes. */
  titleFrom?: string | undefined;
}

function startRun(plan: ReplyPlan): void {
  const { deps, reply } = plan;
  deps.chat.replies.start({
    messageId: reply.id,
    userId: plan.userId,
    provider: plan.provider,
    model: plan.model,
    turns: plan.budget.turns,
    temperature: plan.params.temperature,
    maxOutputTokens: maxOutputTokens(plan.model, plan.params),
    prefix: reply.content,
    previous: {
      inputTokens: reply.inputTokens ?? 0,
      outputTokens: reply.outputTokens ?? 0,
      durationMs: reply.durationMs ?? 0,
      ttftMs: reply.ttftMs ?? null,
    },
    ready: plan.ready,
    estimatedInputTokens: plan.budget.promptTokens,
    onFinished: plan.titleFrom ? (status) => titleConversation(plan, status) : undefined,
  });
}

/**
 * Sends a message and starts the reply. Without `conversationId` a conversation is created;
 * without `parentId` the message follows the branch shown last. The reply runs on the server:
 * closing the page does not stop it.
 */
export async function sendMessage(
  deps: AiChatDeps,
  params: { userId: string; input: SendMessageInput },
): Promise<StartedReply> {
  const input = parseInput(SendMessageInput, params.input, "Invalid message");
  checkMessage(deps, input.content);
  if (input.systemPrompt !== undefined) checkSystemPrompt(deps, input.systemPrompt);
  // One round of reads: the conversation (owner checked; its messages are used only once it is
  // found), its messages and today's usage.
  const [existing, messages, usage] = await Promise.all([
    input.conversationId
      ? loadConversation(deps, params.userId, input.conversationId)
      : Promise.resolve(undefined),
    input.conversationId ? loadMessages(deps, input.conversationId) : Promise.resolve([]),
    chatUsage(deps, { userId: params.userId }),
  ]);
  const { provider, model } = resolveModel(deps, {
    providerId: input.providerId ?? existing?.providerId,
    model: input.model ?? (input.providerId ? undefined : existing?.model),
  });
  assertWithinQuota(deps, usage);
  if (messages.length + 2 > deps.chat.limits.maxMessagesPerConversation) {
    throw new DomainError("LIMIT_EXCEEDED", "This conversation is full; start a new one", {
      details: { limit: deps.chat.limits.maxMessagesPerConversation },
    });
  }
  const parentId =
    input.parentId !== undefined ? input.parentId : (existing?.currentLeafId ?? null);
  const parent = parentId === null ? undefined : messages.find((m) => m.id === parentId);
  if (parentId !== null && !parent) throw notFound("Message");
  if (parent && parent.role !== "assistant") {
    throw new DomainError("VALIDATION", "A message follows a reply, not another message", {
      details: { fieldErrors: { parentId: ["Not a reply"] } },
    });
  }
  if (parent?.status === "streaming") {
    throw new DomainError("CONFLICT", "Wait for the reply to finish, or stop it, before sending");
  }

  const systemPrompt = (input.systemPrompt ?? existing?.systemPrompt ?? "").trim();
  const chatParams = input.params ?? existing?.params ?? {};
  const userMessageId = randomUUID();
  const history = [
    ...branchTo(messages, parentId).map(asBudgetMessage),
    { id: userMessageId, role: "user" as const, content: input.content },
  ];
  const budget = await fitContext(model, systemPrompt, history, chatParams);

  const now = deps.clock.now();
  const replyValues = newReply(
    deps,
    params.userId,
    existing?.id ?? randomUUID(),
    userMessageId,
    provider,
    model,
    chatParams,
    now,
  );
  const conversationId = replyValues.conversationId;
  // The provider is asked first, and the messages are stored while it thinks: its first token
  // does not wait for the database. The run stores nothing before they are (and stops if they
  // cannot be).
  let storedOutcome: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const stored = new Promise<void>((resolve, reject) => {
    storedOutcome = { resolve, reject };
  });
  startRun({
    deps,
    userId: params.userId,
    conversation: { id: conversationId },
    provider,
    model,
    params: chatParams,
    budget,
    reply: replyValues,
    ready: stored,
    titleFrom: existing ? undefined : input.content,
  });
  // The statements go out together (pipelined on the transaction's connection) and run in order.
  const persisted = deps.db.transaction(async (tx) => {
    const userMessageRow = tx
      .insert(chatMessages)
      .values({
        id: userMessageId,
        conversationId,
        userId: params.userId,
        parentId,
        role: "user",
        content: input.content,
        status: "completed",
        createdAt: now,
        finishedAt: now,
      })
      .returning();
    const settings = {
      currentLeafId: replyValues.id,
      updatedAt: now,
      providerId: provider.info.id,
      model: model.id,
      systemPrompt,
      params: chatParams,
    };
    const [[conversation], [userMessage], [reply]] = await Promise.all([
      existing
        ? tx
            .update(chatConversations)
            .set(settings)
            .where(eq(chatConversations.id, conversationId))
            .returning()
        : tx
            .insert(chatConversations)
            .values({
              ...settings,
              id: conversationId,
              userId: params.userId,
              title: provisionalTitle(input.content),
              createdAt: now,
            })
            .returning(),
      userMessageRow,
      tx.insert(chatMessages).values(replyValues).returning(),
    ]);
    if (!userMessage || !reply || !conversation) throw new Error("insert returned nothing");
    return { conversation, userMessage, reply };
  });

  persisted.then(
    () => storedOutcome?.resolve(),
    (error: unknown) => storedOutcome?.reject(error),
  );
  const { conversation, userMessage, reply } = await persisted;
  return {
    conversation: toChatConversation(conversation),
    userMessage: toChatMessage(userMessage),
    reply: toChatMessage(reply),
  };
}

function newReply(
  deps: AiChatDeps,
  userId: string,
  conversationId: string,
  parentId: string,
  provider: ChatProvider,
  model: ChatModelInfo,
  params: ChatParams,
  now: Date,
) {
  return {
    id: randomUUID(),
    conversationId,
    userId,
    parentId,
    role: "assistant" as const,
    content: "",
    status: "streaming" as const,
    providerId: provider.info.id,
    model: model.id,
    params,
    heartbeatAt: now,
    // After its question, even when both are written in the same millisecond.
    createdAt: new Date(now.getTime() + 1),
  };
}

/** A user message's own message, by id, or NOT_FOUND. */
async function loadMessage(deps: AiChatDeps, userId: string, messageId: string) {
  const [row] = await deps.db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.id, messageId), eq(chatMessages.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Message");
  return row;
}

/** Edits a message: the edit is a new branch beside the original (which stays), with a new reply. */
export async function editMessage(
  deps: AiChatDeps,
  params: { userId: string; input: EditMessageInput },
): Promise<StartedReply> {
  const input = parseInput(EditMessageInput, params.input, "Invalid edit");
  const original = await loadMessage(deps, params.userId, input.messageId);
  if (original.role !== "user") {
    throw new DomainError(
      "VALIDATION",
      "Only your own messages can be edited; regenerate a reply instead",
    );
  }
  return sendMessage(deps, {
    userId: params.userId,
    input: {
      conversationId: original.conversationId,
      parentId: original.parentId,
      content: input.content,
    },
  });
}

/** Answers the same message again: a new reply beside the old one, which stays. */
export async function regenerateReply(
  deps: AiChatDeps,
  params: { userId: string; input: RegenerateInput },
): Promise<StartedReply> {
  const input = parseInput(RegenerateInput, params.input, "Invalid regeneration");
  const original = await loadMessage(deps, params.userId, input.messageId);
  if (original.role !== "assistant" || original.parentId === null) {
    throw new DomainError("VALIDATION", "Only a reply can be regenerated");
  }
  const conversation = await loadConversation(deps, params.userId, original.conversationId);
  const { provider, model } = resolveModel(deps, {
    providerId: input.providerId ?? conversation.providerId,
    model: input.model ?? (input.providerId ? undefined : conversation.model),
  });
  await checkQuota(deps, params.userId);
  const messages = await loadMessages(deps, conversation.id);
  if (messages.length + 1 > deps.chat.limits.maxMessagesPerConversation) {
    throw new DomainError("LIMIT_EXCEEDED", "This conversation is full; start a new one");
  }
  const budget = await fitContext(
    model,
    conversation.systemPrompt,
    branchTo(messages, original.parentId).map(asBudgetMessage),
    conversation.params,
  );
  const now = deps.clock.now();
  const { reply, updated } = await deps.db.transaction(async (tx) => {
    const [reply] = await tx
      .insert(chatMessages)
      .values(
        newReply(
          deps,
          params.userId,
          conversation.id,
          original.parentId ?? "",
          provider,
          model,
          conversation.params,
          now,
        ),
      )
      .returning();
    const [updated] = await tx
      .update(chatConversations)
      .set({ currentLeafId: reply?.id, updatedAt: now })
      .where(eq(chatConversations.id, conversation.id))
      .returning();
    if (!reply || !updated) throw new Error("insert returned nothing");
    return { reply, updated };
  });
  startRun({
    deps,
    userId: params.userId,
    conversation: updated,
    provider,
    model,
    params: conversation.params,
    budget,
    reply,
  });
  return {
    conversation: toChatConversation(updated),
    userMessage: null,
    reply: toChatMessage(reply),
  };
}

/** Goes on writing a reply that was stopped, interrupted or failed, after the text it has. */
export async function continueReply(
  deps: AiChatDeps,
  params: { userId: string; input: MessageIdInput },
): Promise<StartedReply> {
  const input = parseInput(MessageIdInput, params.input, "Invalid message id");
  const reply = await loadMessage(deps, params.userId, input.messageId);
  if (reply.role !== "assistant")
    throw new DomainError("VALIDATION", "Only a reply can be continued");
  if (reply.status === "streaming")
    throw new DomainError("CONFLICT", "The reply is still being written");
  const conversation = await loadConversation(deps, params.userId, reply.conversationId);
  const { provider, model } = resolveModel(deps, {
    providerId: reply.providerId ?? conversation.providerId,
    model: reply.model ?? conversation.model,
  });
  await checkQuota(deps, params.userId);
  const messages = await loadMessages(deps, conversation.id);
  const history = branchTo(messages, reply.parentId).map(asBudgetMessage);
  // The partial reply goes last: OpenAI-compatible servers continue a final assistant turn.
  if (reply.content) history.push(asBudgetMessage(reply));
  const chatParams = reply.params ?? conversation.params;
  const budget = await fitContext(model, conversation.systemPrompt, history, chatParams);

  const [restarted] = await deps.db
    .update(chatMessages)
    .set({
      status: "streaming",
      heartbeatAt: deps.clock.now(),
      errorCode: null,
      errorMessage: null,
      stoppedBy: null,
      finishedAt: null,
    })
    .where(and(eq(chatMessages.id, reply.id), ne(chatMessages.status, "streaming")))
    .returning();
  if (!restarted) throw new DomainError("CONFLICT", "The reply is already being written");
  startRun({
    deps,
    userId: params.userId,
    conversation,
    provider,
    model,
    params: chatParams,
    budget,
    reply: restarted,
  });
  return {
    conversation: toChatConversation(conversation),
    userMessage: null,
    reply: toChatMessage(restarted),
  };
}

/** How long `stopReply` waits for the process writing a reply to store it. */
const STOP_WAIT_MS = 5_000;

/**
 * Stops a reply wherever it runs; its text so far is kept (`stopped`). Answers with the stored
 * message, and `stopped: false` when the reply had already ended.
 */
export async function stopReply(
  deps: AiChatDeps,
  params: { userId: string; input: MessageIdInput },
): Promise<{ stopped: boolean; message: ChatMessage }> {
  const input = parseInput(MessageIdInput, params.input, "Invalid message id");
  const reply = await loadMessage(deps, params.userId, input.messageId);
  if (reply.role !== "assistant")
    throw new DomainError("VALIDATION", "Only a reply can be stopped");
  if (reply.status !== "streaming") return { stopped: false, message: toChatMessage(reply) };

  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const unsubscribe = await deps.pubsub.subscribe(replyChannel(reply.id), (message) => {
    if (ReplyLiveMessage.safeParse(message).data?.type === "end") ended();
  });
  try {
    if (!deps.chat.replies.stopLocal(reply.id, params.userId)) {
      await deps.pubsub.publish(REPLY_CONTROL_CHANNEL, {
        type: "stop",
        messageId: reply.id,
        by: params.userId,
      });
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      end,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  } finally {
    await unsubscribe();
  }
  // No process answered (it died without marking the reply): stop it here, keeping its saved text.
  await deps.db
    .update(chatMessages)
    .set({
      status: "stopped",
      stoppedBy: params.userId,
      workerId: null,
      heartbeatAt: null,
      finishedAt: deps.clock.now(),
    })
    .where(and(eq(chatMessages.id, reply.id), eq(chatMessages.status, "streaming")));
  const stored = await loadMessage(deps, params.userId, reply.id);
  return { stopped: stored.status === "stopped", message: toChatMessage(stored) };
}

/** What the next reply would be sent: the system prompt, the history kept and what is left out. */
export async function previewContext(
  deps: AiChatDeps,
  params: { userId: string; input: PreviewContextInput },
) {
  const input = parseInput(PreviewContextInput, params.input, "Invalid preview");
  const existing = input.conversationId
    ? await loadConversation(deps, params.userId, input.conversationId)
    : undefined;
  const { model } = resolveModel(deps, {
    providerId: input.providerId ?? existing?.providerId,
    model: input.model ?? (input.providerId ? undefined : existing?.model),
  });
  const messages = existing ? await loadMessages(deps, existing.id) : [];
  const parentId =
    input.parentId !== undefined ? input.parentId : (existing?.currentLeafId ?? null);
  const history = branchTo(messages, parentId).map(asBudgetMessage);
  if (input.content?.trim()) history.push({ id: "draft", role: "user", content: input.content });
  const budget = await budgetContext({
    model,
    systemPrompt: (input.systemPrompt ?? existing?.systemPrompt ?? "").trim(),
    history,
    maxOutputTokens: maxOutputTokens(model, input.params ?? existing?.params ?? {}),
  });
  return {
    model: {
      providerId: input.providerId ?? existing?.providerId,
      id: model.id,
      contextWindow: model.contextWindow,
    },
    promptTokens: budget.promptTokens,
    systemTokens: budget.systemTokens,
    reservedForReply: budget.reservedForReply,
    keptIds: budget.keptIds,
    droppedIds: budget.droppedIds,
    fits: budget.fits,
  };
}

/** Conversations' titles before the model has named them: the first line of the first message. */
function provisionalTitle(content: string): string {
  const line =
    content
      .split("\n")
      .find((l) => l.trim())
      ?.trim() ?? "New chat";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

const TITLE_PROMPT =
  "Write a title of at most six words for a conversation that starts with the message below. Answer with the title only, in the message's language, without quotes.";

/** Names a new conversation after its first exchange, unless its owner has named it meanwhile. */
async function titleConversation(plan: ReplyPlan, status: ReplyEndStatus): Promise<void> {
  if (status !== "completed" || !plan.titleFrom) return;
  const { deps, provider, model } = plan;
  const signal = AbortSignal.timeout(15_000);
  let title = "";
  for await (const part of provider.stream({
    model: model.id,
    messages: [
      { role: "system", content: TITLE_PROMPT },
      { role: "user", content: plan.titleFrom.slice(0, 2_000) },
    ],
    temperature: 0.2,
    maxOutputTokens: 24,
    signal,
  })) {
    if (part.type === "text") title += part.text;
  }
  title =
    title
      .replace(/["'“”「」]/g, "")
      .split("\n")[0]
      ?.trim() ?? "";
  if (!title) return;
  await deps.db
    .update(chatConversations)
    .set({ title: title.slice(0, 100) })
    .where(
      and(
        eq(chatConversations.id, plan.conversation.id),
        eq(chatConversations.titleSource, "auto"),
      ),
    );
}
