import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  assistArticle,
  decideProposal,
  getArticleConversation,
  listConversations,
  streamReply,
  type AiChatDeps,
} from "../src/ai-chat";
import {
  createArticle,
  getArticle,
  listRevisions,
  updateArticle,
  type ArticleActor,
} from "../src/articles";
import { failure, startChatHarness, type ChatHarness } from "./ai-chat-support";
import { createUser } from "./generate-pipeline-support/fixtures";

/** The article assistant: questions with the article as context, proposals accepted as revisions. */

let harness: ChatHarness;
let server: ChatHarness["server"];
let deps: AiChatDeps;
let author: ArticleActor;
let other: ArticleActor;

/** The scripted provider's answer to each action, by the instruction it gets. */
function script(request: { messages: { role: string; content: string }[] }) {
  const last = request.messages.at(-1)?.content ?? "";
  const words = (text: string) => ({ tokens: text.split(/(?=\s)/) });
  if (last.startsWith("Write a summary")) return words("A short summary of the piece.");
  if (last.startsWith("Suggest five titles"))
    return words("First idea\nSecond idea\nThird idea\nFourth idea\nFifth idea");
  if (last.startsWith("Continue writing")) return words("And then the story went on.");
  if (last.startsWith("Rewrite this passage")) return words("a brighter passage");
  return {};
}

beforeAll(async () => {
  harness = await startChatHarness({ workerId: "articles", script });
  ({ server, deps } = harness);
  author = { id: await createUser(harness.database.db, "Author"), role: "user" };
  other = { id: await createUser(harness.database.db, "Other"), role: "user" };
});

afterAll(async () => {
  await harness.close();
});

async function finish(messageId: string, userId = author.id) {
  for await (const event of streamReply(deps, { userId, messageId })) {
    if (event.type === "done") return event.message;
  }
  throw new Error("no done");
}

describe("the article assistant", () => {
  it("answers with the article as context, in a conversation of its own", async () => {
    const article = await createArticle(deps, {
      actor: author,
      input: { title: "Gardens", body: "Roses need sun.\n\nTulips come in spring." },
    });
    const started = await assistArticle(deps, {
      actor: author,
      input: { articleId: article.id, action: "chat", message: "Is it clear?" },
    });
    expect((await finish(started.reply.id)).content).toBe("You said: Is it clear?");
    const system = server.requests.at(-1)?.messages[0]?.content ?? "";
    expect(system).toContain("Title: Gardens");
    expect(system).toContain("Tulips come in spring.");
    const conversation = await getArticleConversation(deps, {
      actor: author,
      input: { articleId: article.id },
    });
    expect(conversation?.conversation.articleId).toBe(article.id);
    // Not in the chat page's list.
    const list = await listConversations(deps, { userId: author.id, input: {} });
    expect(list.items.map((c) => c.id)).not.toContain(conversation?.conversation.id);
    // Only the article's editors may ask.
    expect(
      (
        await failure(
          assistArticle(deps, {
            actor: other,
            input: { articleId: article.id, action: "summarise" },
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });

  it("turns accepted proposals into revisions, and leaves the article alone on reject", async () => {
    const article = await createArticle(deps, {
      actor: author,
      input: { title: "Draft", body: "The sky was grey.\n\nWe walked home." },
    });
    const summary = await assistArticle(deps, {
      actor: author,
      input: { articleId: article.id, action: "summarise" },
    });
    expect(summary.reply.proposal).toMatchObject({
      action: "summarise",
      target: "excerpt",
      state: "pending",
    });
    await finish(summary.reply.id);
    const accepted = await decideProposal(deps, {
      actor: author,
      input: { messageId: summary.reply.id, decision: "accept" },
    });
    expect(accepted.message.proposal).toMatchObject({ state: "accepted", acceptedVersion: 2 });
    expect((await getArticle(deps, { actor: author, input: { id: article.id } })).excerpt).toBe(
      "A short summary of the piece.",
    );
    expect(
      (
        await failure(
          decideProposal(deps, {
            actor: author,
            input: { messageId: summary.reply.id, decision: "reject" },
          }),
        )
      ).code,
    ).toBe("CONFLICT");

    const titles = await assistArticle(deps, {
      actor: author,
      input: { articleId: article.id, action: "titles" },
    });
    await finish(titles.reply.id);
    const wrong = await failure(
      decideProposal(deps, {
        actor: author,
        input: { messageId: titles.reply.id, decision: "accept", choice: "Mine" },
      }),
    );
    expect(wrong).toMatchObject({
      code: "VALIDATION",
      details: {
        options: ["First idea", "Second idea", "Third idea", "Fourth idea", "Fifth idea"],
      },
    });
    await decideProposal(deps, {
      actor: author,
      input: { messageId: titles.reply.id, decision: "accept", choice: "Third idea" },
    });

    const rewrite = await assistArticle(deps, {
      actor: author,
      input: {
        articleId: article.id,
        action: "rewrite",
        selection: { start: 4, end: 16 },
        message: "more hopeful",
      },
    });
    expect(rewrite.reply.proposal?.selection?.text).toBe("sky was grey");
    await finish(rewrite.reply.id);
    await decideProposal(deps, {
      actor: author,
      input: { messageId: rewrite.reply.id, decision: "accept" },
    });

    const more = await assistArticle(deps, {
      actor: author,
      input: { articleId: article.id, action: "continue" },
    });
    await finish(more.reply.id);
    const rejected = await decideProposal(deps, {
      actor: author,
      input: { messageId: more.reply.id, decision: "reject" },
    });
    expect(rejected).toMatchObject({
      articleVersion: null,
      message: { proposal: { state: "rejected" } },
    });

    const now = await getArticle(deps, { actor: author, input: { id: article.id } });
    expect(now).toMatchObject({
      title: "Third idea",
      body: "The a brighter passage.\n\nWe walked home.",
    });
    const revisions = await listRevisions(deps, { actor: author, input: { id: article.id } });
    expect(revisions.items.length).toBe(4);
  });

  it("refuses a rewrite whose passage changed meanwhile, and a rewrite without a selection", async () => {
    const article = await createArticle(deps, {
      actor: author,
      input: { title: "T", body: "Alpha beta gamma." },
    });
    expect(
      (
        await failure(
          assistArticle(deps, {
            actor: author,
            input: { articleId: article.id, action: "rewrite" },
          }),
        )
      ).code,
    ).toBe("VALIDATION");
    const rewrite = await assistArticle(deps, {
      actor: author,
      input: { articleId: article.id, action: "rewrite", selection: { start: 6, end: 10 } },
    });
    await finish(rewrite.reply.id);
    await updateArticle(deps, {
      actor: author,
      input: { id: article.id, baseVersion: 1, changes: { body: "Alpha BETA gamma." } },
    });
    expect(
      (
        await failure(
          decideProposal(deps, {
            actor: author,
            input: { messageId: rewrite.reply.id, decision: "accept" },
          }),
        )
      ).code,
    ).toBe("CONFLICT");
  });
});
