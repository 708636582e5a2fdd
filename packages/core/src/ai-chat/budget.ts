import { LRUCache } from "lru-cache";

import type { ChatModelInfo, ChatTurn } from "./providers/ports";

/** Tokens a chat format adds around each message (role markers), as OpenAI documents for its models. */
const TOKENS_PER_MESSAGE = 4;
/** Tokens that prime the reply. */
const TOKENS_PER_REPLY = 3;

type Counter = (text: string) => number;
let counter: Promise<Counter> | undefined;

/**
 * Token counts with the o200k tokenizer (OpenAI's current models). For other models it is an
 * estimate in the right range; the budget keeps a margin for that. Loaded on first use (~0.3 s).
 */
export function tokenCounter(): Promise<Counter> {
  counter ??= import("gpt-tokenizer/encoding/o200k_base").then(
    (module) => (text: string) => module.countTokens(text),
  );
  return counter;
}

/** Token counts of stored messages (which never change once written), by id and length. */
const messageTokens = new LRUCache<string, number>({ max: 50_000 });

function countMessage(count: Counter, message: BudgetMessage): number {
  const key = `${message.id}:${message.content.length}`;
  let tokens = messageTokens.get(key);
  if (tokens === undefined) {
    tokens = count(message.content) + TOKENS_PER_MESSAGE;
    messageTokens.set(key, tokens);
  }
  return tokens;
}

/** One message of the history the budgeter may send. */
export interface BudgetMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
}

export interface ContextBudget {
  /** What will be sent, in order: the system prompt (when there is one) then the history kept. */
  turns: ChatTurn[];
  /** Tokens of the prompt as counted here. */
  promptTokens: number;
  systemTokens: number;
  /** Ids of the history messages sent, oldest first. */
  keptIds: string[];
  /** Ids of the older messages left out to fit, oldest first. */
  droppedIds: string[];
  contextWindow: number;
  /** Tokens kept free for the reply. */
  reservedForReply: number;
  /** False when the system prompt and the newest message alone are too long for the window. */
  fits: boolean;
}

/** The share of the window kept free for the tokenizer's error on models it does not describe exactly. */
const SAFETY_MARGIN = 0.05;

/**
 * Fits a conversation into a model's window. The system prompt is always sent; the newest
 * messages are kept and the oldest dropped until the prompt plus the reply's reserve fits. The
 * newest message must fit on its own (with the system prompt), or there is nothing to send.
 */
export async function budgetContext(input: {
  model: ChatModelInfo;
  systemPrompt: string;
  /** The branch from its first message to the newest, which is the one being answered. */
  history: BudgetMessage[];
  maxOutputTokens: number;
}): Promise<ContextBudget> {
  const count = await tokenCounter();
  const { model, systemPrompt, history } = input;
  const reservedForReply = Math.min(input.maxOutputTokens, Math.floor(model.contextWindow / 2));
  const available =
    Math.floor(model.contextWindow * (1 - SAFETY_MARGIN)) - reservedForReply - TOKENS_PER_REPLY;
  const systemTokens = systemPrompt ? count(systemPrompt) + TOKENS_PER_MESSAGE : 0;

  let used = systemTokens;
  let first = history.length;
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index];
    if (!message) continue;
    const tokens = countMessage(count, message);
    if (used + tokens > available && index < history.length - 1) break;
    used += tokens;
    first = index;
  }
  // A history should start with the user's words, not with an answer to something left out.
  while (first < history.length - 1 && history[first]?.role === "assistant") {
    const dropped = history[first];
    if (dropped) used -= countMessage(count, dropped);
    first++;
  }
  const kept = history.slice(first);
  return {
    turns: [
      ...(systemPrompt ? [{ role: "system" as const, content: systemPrompt }] : []),
      ...kept.map((message) => ({ role: message.role, content: message.content })),
    ],
    promptTokens: used + TOKENS_PER_REPLY,
    systemTokens,
    keptIds: kept.map((message) => message.id),
    droppedIds: history.slice(0, first).map((message) => message.id),
    contextWindow: model.contextWindow,
    reservedForReply,
    fits: used <= available,
  };
}
