import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

import { articles } from "./articles";
import { user } from "./auth";

export const CHAT_ROLES = ["user", "assistant"] as const;
export type ChatRoleValue = (typeof CHAT_ROLES)[number];

export const CHAT_MESSAGE_STATUSES = [
  "streaming",
  "completed",
  "stopped",
  "interrupted",
  "failed",
] as const;
export type ChatMessageStatusValue = (typeof CHAT_MESSAGE_STATUSES)[number];

/** Sampling settings a reply was asked for (what the provider received). */
/**
 * A reply the article assistant produced for an article: what it would change, and what the
 * author decided. `selection` is the passage of the body a rewrite replaces.
 */
export interface ArticleProposalRecord {
  articleId: string;
  action: "summarise" | "titles" | "rewrite" | "continue";
  target: "excerpt" | "title" | "selection" | "append";
  selection?: { start: number; end: number; text: string };
  state: "pending" | "accepted" | "rejected";
  /** The article's version the accepted proposal made. */
  acceptedVersion?: number;
}

export interface ChatParamsRecord {
  temperature?: number;
  maxOutputTokens?: number;
}

/**
 * Conversations with the assistant. Messages form a tree (an edit or a regeneration is a new
 * branch); `currentLeafId` is the message the owner last looked at, so reopening the conversation
 * shows the same branch.
 */
export const chatConversations = pgTable(
  "chat_conversations",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    title: text().notNull(),
    /** `auto` until the owner renames it: then the title is theirs and never generated again. */
    titleSource: text({ enum: ["auto", "user"] })
      .notNull()
      .default("auto"),
    /** The provider and model new replies use. */
    providerId: text().notNull(),
    model: text().notNull(),
    /** Always sent first, whatever the history's length. Empty when none. */
    systemPrompt: text().notNull().default(""),
    params: jsonb().$type<ChatParamsRecord>().notNull().default({}),
    currentLeafId: text(),
    /** The article this conversation helps write (the article assistant), if any. */
    articleId: text().references(() => articles.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("chat_conversations_user_updated_idx").on(table.userId, table.updatedAt),
    index("chat_conversations_article_idx").on(table.articleId, table.userId),
  ],
);

/**
 * One message of a conversation. An assistant message is also the record of the reply run that
 * wrote it: who answered (provider, model, parameters), how (tokens, time to first token,
 * duration, cost) and how it ended (`status`, `errorCode`/`errorMessage`).
 */
export const chatMessages = pgTable(
  "chat_messages",
  {
    /** A UUID. */
    id: text().primaryKey(),
    conversationId: text()
      .notNull()
      .references(() => chatConversations.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The message this one answers or follows; null for the first message of a conversation. */
    parentId: text(),
    role: text({ enum: CHAT_ROLES }).notNull(),
    content: text().notNull().default(""),
    status: text({ enum: CHAT_MESSAGE_STATUSES }).notNull().default("completed"),
    providerId: text(),
    model: text(),
    params: jsonb().$type<ChatParamsRecord>(),
    inputTokens: integer(),
    outputTokens: integer(),
    /** Milliseconds from the request to the provider until the first token. */
    ttftMs: integer(),
    /** Milliseconds the reply took, over all its runs (a "continue" adds to it). */
    durationMs: integer(),
    /** In millionths of the provider's price currency, when prices are configured. */
    costMicros: integer(),
    errorCode: text(),
    errorMessage: text(),
    /** What the article assistant proposes with this reply, and the author's decision. */
    proposal: jsonb().$type<ArticleProposalRecord | null>(),
    /** Who stopped the reply (a user id), if someone did. */
    stoppedBy: text(),
    /** The process writing the reply and its last sign of life, while `streaming`. */
    workerId: text(),
    heartbeatAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index("chat_messages_conversation_idx").on(table.conversationId, table.createdAt),
    index("chat_messages_user_created_idx").on(table.userId, table.createdAt),
    index("chat_messages_streaming_idx")
      .on(table.heartbeatAt)
      .where(sql`${table.status} = 'streaming'`),
  ],
);

export type ChatConversationRow = typeof chatConversations.$inferSelect;
export type ChatMessageRow = typeof chatMessages.$inferSelect;

/** What a saved system prompt was composed from (the generator's brief). */
export interface PromptBriefRecord {
  role?: string;
  goal?: string;
  audience?: string;
  constraints?: string[];
  tone?: string;
  outputFormat?: string;
  examples?: { input: string; output: string }[];
}

/** A user's saved system prompts; every change of text is a new version. */
export const chatPrompts = pgTable(
  "chat_prompts",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The newest version's number. */
    latestVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("chat_prompts_user_updated_idx").on(table.userId, table.updatedAt)],
);

export const chatPromptVersions = pgTable(
  "chat_prompt_versions",
  {
    promptId: text()
      .notNull()
      .references(() => chatPrompts.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    content: text().notNull(),
    /** The `{{variables}}` the text uses, in order of first use. */
    variables: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    brief: jsonb().$type<PromptBriefRecord | null>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.promptId, table.version] })],
);

export type ChatPromptRow = typeof chatPrompts.$inferSelect;
export type ChatPromptVersionRow = typeof chatPromptVersions.$inferSelect;

/** Tokens each user spent with the assistant per UTC day (input and output), for the daily quota. */
export const chatUsage = pgTable(
  "chat_usage",
  {
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The UTC day, `YYYY-MM-DD`. */
    day: text().notNull(),
    tokens: integer().notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.userId, table.day] })],
);
