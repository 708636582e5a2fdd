import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";

import { getArticle, updateArticle, type Article, type ArticleActor } from "../articles";
import { DomainError, notFound } from "../errors";
import { parseInput } from "../validation";
import { loadMessages } from "./conversations";
import type { AiChatDeps } from "./deps";
import { resolveModel } from "./models";
import { sendMessage, type StartedReply } from "./replies";
import { toChatConversation, toChatMessage } from "./rows";
import type { ChatConversation, ChatMessage } from "./schemas";

const { chatConversations, chatMessages } = schema;

export const ARTICLE_ACTIONS = ["chat", "summarise", "titles", "rewrite", "continue"] as const;

export const AssistArticleInput = z.object({
  articleId: z.uuid(),
  action: z.enum(ARTICLE_ACTIONS),
  /** Your words: the question for `chat`, an optional instruction for the other actions. */
  message: z.string().trim().max(4_000).optional(),
  /** For `rewrite`: the passage of the body, as character offsets. */
  selection: z.object({ start: z.number().int().min(0), end: z.number().int().min(1) }).optional(),
  providerId: z.string().min(1).max(32).optional(),
  model: z.string().min(1).max(200).optional(),
});
export type AssistArticleInput = z.input<typeof AssistArticleInput>;

export const ArticleConversationInput = z.object({ articleId: z.uuid() });

export const DecideProposalInput = z.object({
  messageId: z.uuid(),
  decision: z.enum(["accept", "reject"]),
  /** For title suggestions: the one chosen (one of the reply's lines). */
  choice: z.string().trim().min(1).max(300).optional(),
});
export type DecideProposalInput = z.input<typeof DecideProposalInput>;

/** How much of the article goes into the assistant's system prompt. */
const ARTICLE_CONTEXT_CHARS = 24_000;

function articleContext(article: Article): string {
  const body =
    article.body.length > ARTICLE_CONTEXT_CHARS
      ? `${article.body.slice(0, ARTICLE_CONTEXT_CHARS)}\n…(the rest of the article is left out)`
      : article.body;
  return [
    "You are a writing assistant helping the author of the article below. Keep the article's language, voice and Markdown style. When asked for text to put in the article, answer with that text only — no preamble, no quotes, no commentary.",
    "",
    `Title: ${article.title || "(untitled)"}`,
    `Summary: ${article.excerpt || "(none)"}`,
    `Tags: ${article.tags.join(", ") || "(none)"}`,
    "",
    "Article (Markdown):",
    "<<<",
    body,
    ">>>",
  ].join("\n");
}

type Proposal = schema.ArticleProposalRecord;

function instructionFor(
  input: z.output<typeof AssistArticleInput>,
  article: Article,
): { content: string; proposal: Omit<Proposal, "state"> | null } {
  const extra = input.message ? `\n\nAlso: ${input.message}` : "";
  switch (input.action) {
    case "chat": {
      if (!input.message) {
        throw new DomainError("VALIDATION", "Write a message", {
          details: { fieldErrors: { message: ["Required for chat"] } },
        });
      }
      return { content: input.message, proposal: null };
    }
    case "summarise":
      return {
        content: `Write a summary of the article in two or three sentences, for its summary field.${extra}`,
        proposal: { articleId: article.id, action: "summarise", target: "excerpt" },
      };
    case "titles":
      return {
        content: `Suggest five titles for the article, one per line, without numbering or quotes.${extra}`,
        proposal: { articleId: article.id, action: "titles", target: "title" },
      };
    case "continue":
      return {
        content: `Continue writing the article from where it ends, in the same voice: one or two paragraphs.${extra}`,
        proposal: { articleId: article.id, action: "continue", target: "append" },
      };
    case "rewrite": {
      const selection = input.selection;
      if (!selection || selection.end <= selection.start || selection.end > article.body.length) {
        throw new DomainError("VALIDATION", "Select the passage of the body to rewrite", {
          details: { fieldErrors: { selection: ["A passage of the body"] } },
        });
      }
      const text = article.body.slice(selection.start, selection.end);
      return {
        content: `Rewrite this passage of the article, keeping its meaning${input.message ? ` (${input.message})` : ""}. Answer with the new passage only.\n\n${text}`,
        proposal: {
          articleId: article.id,
          action: "rewrite",
          target: "selection",
          selection: { ...selection, text },
        },
      };
    }
  }
}

/** The caller's assistant conversation for an article (with its messages), or null before the first. */
export async function getArticleConversation(
  deps: AiChatDeps,
  params: { actor: ArticleActor; input: z.input<typeof ArticleConversationInput> },
): Promise<{ conversation: ChatConversation; messages: ChatMessage[] } | null> {
  const input = parseInput(ArticleConversationInput, params.input, "Invalid article id");
  const article = await getArticle(deps, { actor: params.actor, input: { id: input.articleId } });
  if (!article.canEdit) throw notFound("Article");
  const [row] = await deps.db
    .select()
    .from(chatConversations)
    .where(
      and(
        eq(chatConversations.articleId, article.id),
        eq(chatConversations.userId, params.actor.id),
      ),
    )
    .limit(1);
  if (!row) return null;
  const messages = await loadMessages(deps, row.id);
  return { conversation: toChatConversation(row), messages: messages.map(toChatMessage) };
}

/**
 * Asks the assistant about an article the caller edits: a question (`chat`), or an action whose
 * reply is a proposal — a summary, title suggestions, a rewrite of a selected passage, or what
 * comes next — for the author to accept (a new revision) or reject. The assistant always sees
 * the article as it is now.
 */
export async function assistArticle(
  deps: AiChatDeps,
  params: { actor: ArticleActor; input: AssistArticleInput },
): Promise<StartedReply> {
  const input = parseInput(AssistArticleInput, params.input, "Invalid request");
  const article = await getArticle(deps, { actor: params.actor, input: { id: input.articleId } });
  if (!article.canEdit) throw notFound("Article");
  const { content, proposal } = instructionFor(input, article);
  const systemPrompt = articleContext(article);

  let [conversation] = await deps.db
    .select()
    .from(chatConversations)
    .where(
      and(
        eq(chatConversations.articleId, article.id),
        eq(chatConversations.userId, params.actor.id),
      ),
    )
    .limit(1);
  if (!conversation) {
    const { provider, model } = resolveModel(deps, {
      providerId: input.providerId,
      model: input.model,
    });
    const now = deps.clock.now();
    [conversation] = await deps.db
      .insert(chatConversations)
      .values({
        id: randomUUID(),
        userId: params.actor.id,
        title: `Assistant: ${article.title || "untitled article"}`.slice(0, 100),
        titleSource: "user",
        providerId: provider.info.id,
        model: model.id,
        systemPrompt,
        articleId: article.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!conversation) throw new Error("insert returned nothing");
  }
  const started = await sendMessage(deps, {
    userId: params.actor.id,
    input: {
      conversationId: conversation.id,
      content,
      systemPrompt,
      providerId: input.providerId,
      model: input.model,
    },
  });
  if (!proposal) return started;
  const record: Proposal = { ...proposal, state: "pending" };
  await deps.db
    .update(chatMessages)
    .set({ proposal: record })
    .where(eq(chatMessages.id, started.reply.id));
  return { ...started, reply: { ...started.reply, proposal: record } };
}

/**
 * Accepts a proposal — it becomes a new revision of the article, made on the article as it is
 * now — or rejects it. A rewrite whose passage has changed since is refused (CONFLICT); a
 * decided proposal cannot be decided again.
 */
export async function decideProposal(
  deps: AiChatDeps,
  params: { actor: ArticleActor; input: DecideProposalInput },
): Promise<{ message: ChatMessage; articleVersion: number | null }> {
  const input = parseInput(DecideProposalInput, params.input, "Invalid decision");
  const [message] = await deps.db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.id, input.messageId), eq(chatMessages.userId, params.actor.id)))
    .limit(1);
  const proposal = message?.proposal;
  if (!message || !proposal) throw notFound("Proposal");
  if (proposal.state !== "pending") {
    throw new DomainError("CONFLICT", `This proposal was already ${proposal.state}`);
  }
  if (message.status === "streaming") {
    throw new DomainError("CONFLICT", "Wait for the proposal to be written, or stop it");
  }

  const store = async (next: Proposal) => {
    const [row] = await deps.db
      .update(chatMessages)
      .set({ proposal: next })
      .where(eq(chatMessages.id, message.id))
      .returning();
    if (!row) throw notFound("Proposal");
    return toChatMessage(row);
  };
  if (input.decision === "reject") {
    return { message: await store({ ...proposal, state: "rejected" }), articleVersion: null };
  }

  const text = message.content.trim();
  if (!text) throw new DomainError("VALIDATION", "The proposal is empty");
  const article = await getArticle(deps, {
    actor: params.actor,
    input: { id: proposal.articleId },
  });
  if (!article.canEdit) throw notFound("Article");
  let changes: { title?: string; excerpt?: string; body?: string };
  switch (proposal.target) {
    case "title": {
      const options = text
        .split("\n")
        .map((line) =>
          line
            .replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "")
            .replace(/^["“「]|["”」]$/g, "")
            .trim(),
        )
        .filter(Boolean);
      const choice = input.choice ?? options[0];
      if (!choice || !options.includes(choice)) {
        throw new DomainError("VALIDATION", "Choose one of the suggested titles", {
          details: { options },
        });
      }
      changes = { title: choice };
      break;
    }
    case "excerpt":
      changes = { excerpt: text };
      break;
    case "append":
      changes = { body: `${article.body.trimEnd()}\n\n${text}\n` };
      break;
    case "selection": {
      const selection = proposal.selection;
      if (!selection || article.body.slice(selection.start, selection.end) !== selection.text) {
        throw new DomainError(
          "CONFLICT",
          "The passage has changed since the rewrite was asked for",
        );
      }
      changes = {
        body: article.body.slice(0, selection.start) + text + article.body.slice(selection.end),
      };
      break;
    }
  }
  const updated = await updateArticle(deps, {
    actor: params.actor,
    input: { id: article.id, baseVersion: article.version, changes, mode: "save" },
  });
  return {
    message: await store({
      ...proposal,
      state: "accepted",
      acceptedVersion: updated.article.version,
    }),
    articleVersion: updated.article.version,
  };
}
