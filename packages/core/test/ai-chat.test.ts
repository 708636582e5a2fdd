import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import {
  buildChatProviders,
  chatUsage,
  continueReply,
  createReplyRunner,
  DEFAULT_AI_CHAT_LIMITS,
  deleteConversation,
  editMessage,
  getConversation,
  listConversations,
  parseChatProviderEnv,
  previewContext,
  recoverStaleReplies,
  regenerateReply,
  sendMessage,
  stopReply,
  streamReply,
  updateConversation,
  type AiChatDeps,
  type ReplyEvent,
} from "../src/ai-chat";
import { REPLY_CONTROL_CHANNEL } from "../src/ai-chat/channels";
import { DomainError } from "../src/errors";
import { failure, startChatHarness, type ChatHarness } from "./ai-chat-support";
import { createUser } from "./generate-pipeline-support/fixtures";

/**
 * The assistant on a real database against a local OpenAI-compatible streaming server: replies as
 * durable runs, resume without loss, stop and continue, branches, the context budget, quotas.
 */

let harness: ChatHarness;
let database: ChatHarness["database"];
let server: ChatHarness["server"];
let deps: AiChatDeps;
let alice: string;
let bob: string;

beforeAll(async () => {
  harness = await startChatHarness({
    workerId: "test",
    provider: (url) => ({
      id: "local",
      baseUrl: url,
      apiKey: "test-key",
      models: [
        { id: "m1", contextWindow: 8192, maxOutputTokens: 256, inputPrice: 1, outputPrice: 2 },
        { id: "tiny", contextWindow: 300, maxOutputTokens: 64 },
      ],
    }),
  });
  ({ database, server, deps } = harness);
  alice = await createUser(database.db, "Alice");
  bob = await createUser(database.db, "Bob");
});

afterEach(() => {
  deps.chat.limits = DEFAULT_AI_CHAT_LIMITS;
});

afterAll(async () => {
  await harness.close();
});

async function collect(
  stream: AsyncIterable<ReplyEvent>,
  until?: (events: ReplyEvent[]) => boolean,
): Promise<ReplyEvent[]> {
  const events: ReplyEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (until?.(events)) break;
  }
  return events;
}

/** What the provider was asked, leaving out the title requests made after first exchanges. */
const replyRequests = () =>
  server.requests.filter((r) => !r.messages[0]?.content.startsWith("Write a title"));

/** What the stand-in provider writes for `[[tokens=n]]`: "w1 w2 … wn". */
const words = (n: number) =>
  Array.from({ length: n }, (_, i) => `${i === 0 ? "" : " "}w${i + 1}`).join("");

/**
 * Alice's 30-token reply, 120 ms in, written by a runner of its own (`writer`, "this process")
 * that saves nothing yet; `resends` counts the requests to resend a reply's text from then on.
 */
async function withUnsavedReply(
  run: (reply: { writer: AiChatDeps; messageId: string; resends: () => number }) => Promise<void>,
) {
  const slowSaves = await createReplyRunner(deps, { workerId: "slow", flushIntervalMs: 60_000 });
  const writer = { ...deps, chat: { ...deps.chat, replies: slowSaves } };
  let resends = 0;
  const unsubscribe = await deps.pubsub.subscribe(REPLY_CONTROL_CHANNEL, (message) => {
    if ((message as { type?: unknown }).type === "resend") resends += 1;
  });
  try {
    const started = await sendMessage(writer, {
      userId: alice,
      input: { content: "[[tokens=30 delay=10]]" },
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await loadRow(started.reply.id)).content).toBe("");
    await run({ writer, messageId: started.reply.id, resends: () => resends });
  } finally {
    await unsubscribe();
    await slowSaves.close();
  }
}

const textOf = (events: ReplyEvent[]) =>
  events.map((e) => (e.type === "text" ? e.text : "")).join("");
const doneOf = (events: ReplyEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== "done") throw new Error("the stream did not end with done");
  return last.message;
};

describe("a reply", () => {
  it("streams to the end and records provider, model, tokens, timings and cost", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "Hello there, assistant", systemPrompt: "Be brief." },
    });
    expect(started.reply).toMatchObject({ status: "streaming", role: "assistant", content: "" });
    expect(started.conversation.title).toBe("Hello there, assistant");
    const events = await collect(streamReply(deps, { userId: alice, messageId: started.reply.id }));
    expect(textOf(events)).toBe("You said: Hello there, assistant");
    const done = doneOf(events);
    expect(done).toMatchObject({
      status: "completed",
      providerId: "local",
      model: "m1",
      content: "You said: Hello there, assistant",
      outputTokens: 5,
    });
    expect(done.inputTokens).toBeGreaterThan(0);
    expect(done.ttftMs).toBeGreaterThanOrEqual(0);
    expect(done.durationMs).toBeGreaterThanOrEqual(done.ttftMs ?? 0);
    expect(done.cost).toBeCloseTo(((done.inputTokens ?? 0) * 1 + 5 * 2) / 1_000_000, 9);
    // The provider got the system prompt first and the key.
    const request = server.requests.find(
      (r) => r.messages.at(-1)?.content === "Hello there, assistant",
    );
    expect(request?.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(request?.authorization).toBe("Bearer test-key");
  });

  it("gets a title from the model after the first exchange", async () => {
    const started = await sendMessage(deps, { userId: alice, input: { content: "Plan a trip" } });
    await collect(streamReply(deps, { userId: alice, messageId: started.reply.id }));
    await expect
      .poll(
        async () =>
          (await getConversation(deps, { userId: alice, input: { id: started.conversation.id } }))
            .conversation.title,
      )
      .toBe("You said: Plan a trip");
  });

  it("resumes after a reconnect with exactly the text that was missed", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=40 delay=10]]" },
    });
    const first = await collect(
      streamReply(deps, { userId: alice, messageId: started.reply.id }),
      (events) => events.length >= 5,
    );
    const last = first.at(-1);
    if (last?.type !== "text") throw new Error("expected text");
    // Reconnect later, from the last id the client saw, as an SSE client would.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const rest = await collect(
      streamReply(deps, { userId: alice, messageId: started.reply.id, after: last.end }),
    );
    const expected = Array.from({ length: 40 }, (_, i) => `${i === 0 ? "" : " "}w${i + 1}`).join(
      "",
    );
    expect(textOf(first) + textOf(rest)).toBe(expected);
    expect(doneOf(rest).content).toBe(expected);
    // Ids only grow.
    const ends = [...first, ...rest].flatMap((e) => (e.type === "text" ? [e.end] : []));
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
  });

  it("gives a subscriber on another process that joins mid-reply the text not saved yet, resent by the process writing it", async () => {
    await withUnsavedReply(async ({ messageId, resends }) => {
      // `deps` has a runner of its own that does not write this reply: another process.
      const events = await collect(streamReply(deps, { userId: alice, messageId }));
      expect(textOf(events)).toBe(words(30));
      expect(resends()).toBeGreaterThan(0);
    });
  });

  it("gives a subscriber on the process writing the reply its text so far at once, without reading it or asking for it", async () => {
    await withUnsavedReply(async ({ writer, messageId, resends }) => {
      const [events, refused] = await Promise.all([
        collect(streamReply(writer, { userId: alice, messageId })),
        // Another user's subscription to it is refused as if it did not exist.
        failure(collect(streamReply(writer, { userId: bob, messageId }))),
      ]);
      // The first event holds what had arrived when it joined, though none of it was saved.
      const first = events[0];
      expect(first?.type === "text" && first.text.startsWith("w1 w2 w3")).toBe(true);
      expect(textOf(events)).toBe(words(30));
      expect(resends()).toBe(0);
      expect(refused.code).toBe("NOT_FOUND");
    });
  });

  it("keeps running when nobody watches, and a late subscriber gets it all", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=12 delay=5]]" },
    });
    await expect
      .poll(async () => (await loadRow(started.reply.id)).status, { timeout: 5_000 })
      .toBe("completed");
    const events = await collect(streamReply(deps, { userId: alice, messageId: started.reply.id }));
    expect(textOf(events)).toMatch(/^w1 w2 .* w12$/);
  });

  it("waits out a slow first token without holding the request, and records how long it took", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=3 ttft=400]]" },
    });
    // The call returned with the reply in progress, before the provider said anything.
    expect(started.reply).toMatchObject({ status: "streaming", content: "" });
    const events = await collect(streamReply(deps, { userId: alice, messageId: started.reply.id }));
    expect(textOf(events)).toBe("w1 w2 w3");
    const done = doneOf(events);
    expect(done.status).toBe("completed");
    expect(done.ttftMs).toBeGreaterThanOrEqual(400);
  });

  it("stops a reply whose first token never comes, keeping an empty stopped reply", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=3 ttft=600000]]" },
    });
    const watching = collect(streamReply(deps, { userId: alice, messageId: started.reply.id }));
    const stopped = await stopReply(deps, {
      userId: alice,
      input: { messageId: started.reply.id },
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.message).toMatchObject({ status: "stopped", content: "", ttftMs: null });
    const events = await watching;
    expect(textOf(events)).toBe("");
    expect(doneOf(events).status).toBe("stopped");
  });

  it("stops on request, keeps the partial text, and continues after it", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=500 delay=10]]" },
    });
    await collect(
      streamReply(deps, { userId: alice, messageId: started.reply.id }),
      (e) => e.length >= 3,
    );
    const stopped = await stopReply(deps, {
      userId: alice,
      input: { messageId: started.reply.id },
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.message).toMatchObject({ status: "stopped", stoppedBy: alice });
    expect(stopped.message.content).toMatch(/^w1 w2 w3/);
    const again = await stopReply(deps, { userId: alice, input: { messageId: started.reply.id } });
    expect(again.stopped).toBe(false);

    const continued = await continueReply(deps, {
      userId: alice,
      input: { messageId: started.reply.id },
    });
    expect(continued.reply.status).toBe("streaming");
    const events = await collect(
      streamReply(deps, {
        userId: alice,
        messageId: started.reply.id,
        after: stopped.message.content.length,
      }),
    );
    const done = doneOf(events);
    expect(done.status).toBe("completed");
    expect(done.content).toBe(
      `${stopped.message.content} continued1 continued2 continued3 continued4 continued5`,
    );
    expect(done.outputTokens).toBeGreaterThan(stopped.message.outputTokens ?? 0);
    // The provider was asked to continue the partial reply, which went last.
    expect(replyRequests().at(-1)?.messages.at(-1)).toEqual({
      role: "assistant",
      content: stopped.message.content,
    });
  });

  it("keeps what arrived when the provider fails mid-stream, and says why", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=20 fail=6]]" },
    });
    const done = doneOf(
      await collect(streamReply(deps, { userId: alice, messageId: started.reply.id })),
    );
    expect(done.status).toBe("failed");
    expect(done.content).toBe("w1 w2 w3 w4 w5 w6");
    expect(done.error?.code).toBe("UNAVAILABLE");
    expect(done.error?.message).toContain('"local"');
  });

  it("records a provider's refusal (429) as a failed reply with the provider's status", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[status=429]]" },
    });
    const done = doneOf(
      await collect(streamReply(deps, { userId: alice, messageId: started.reply.id })),
    );
    expect(done).toMatchObject({
      status: "failed",
      content: "",
      error: { code: "LIMIT_EXCEEDED" },
    });
    expect(done.error?.message).toContain("429");
  });

  it("marks a reply whose process died as interrupted, keeping its text", async () => {
    const started = await sendMessage(deps, { userId: alice, input: { content: "[[tokens=3]]" } });
    await collect(streamReply(deps, { userId: alice, messageId: started.reply.id }));
    // A reply left "streaming" by a process that is gone: its heartbeat is old.
    await database.db
      .update(schema.chatMessages)
      .set({ status: "streaming", heartbeatAt: new Date(Date.now() - 120_000) })
      .where(eq(schema.chatMessages.id, started.reply.id));
    const subscriber = collect(
      streamReply(deps, { userId: alice, messageId: started.reply.id, after: 8 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await recoverStaleReplies(deps, { staleAfterMs: 60_000 })).toEqual([started.reply.id]);
    const done = doneOf(await subscriber);
    expect(done).toMatchObject({ status: "interrupted", content: "w1 w2 w3" });
  });
});

describe("branches", () => {
  it("an edit and a regeneration are new branches; nothing is destroyed", async () => {
    const first = await sendMessage(deps, { userId: alice, input: { content: "Question one" } });
    await collect(streamReply(deps, { userId: alice, messageId: first.reply.id }));
    const conversationId = first.conversation.id;

    const regenerated = await regenerateReply(deps, {
      userId: alice,
      input: { messageId: first.reply.id },
    });
    await collect(streamReply(deps, { userId: alice, messageId: regenerated.reply.id }));
    expect(regenerated.reply.parentId).toBe(first.userMessage?.id);

    const edited = await editMessage(deps, {
      userId: alice,
      input: { messageId: first.userMessage?.id ?? "", content: "Question two" },
    });
    await collect(streamReply(deps, { userId: alice, messageId: edited.reply.id }));
    expect(edited.userMessage?.parentId).toBeNull();

    const { conversation, messages } = await getConversation(deps, {
      userId: alice,
      input: { id: conversationId },
    });
    expect(messages).toHaveLength(5);
    expect(conversation.currentLeafId).toBe(edited.reply.id);
    expect(messages.filter((m) => m.parentId === first.userMessage?.id).map((m) => m.id)).toEqual([
      first.reply.id,
      regenerated.reply.id,
    ]);

    // A follow-up on the edited branch sends only that branch.
    const follow = await sendMessage(deps, {
      userId: alice,
      input: { conversationId, content: "And then?" },
    });
    await collect(streamReply(deps, { userId: alice, messageId: follow.reply.id }));
    expect(
      replyRequests()
        .at(-1)
        ?.messages.map((m) => m.content),
    ).toEqual(["Question two", "You said: Question two", "And then?"]);

    // Switching back to the first branch is remembered.
    const switched = await updateConversation(deps, {
      userId: alice,
      input: { id: conversationId, currentLeafId: first.reply.id },
    });
    expect(switched.currentLeafId).toBe(first.reply.id);
  });

  it("refuses to follow a reply that is still being written", async () => {
    const started = await sendMessage(deps, {
      userId: alice,
      input: { content: "[[tokens=200 delay=10]]" },
    });
    const error = await failure(
      sendMessage(deps, {
        userId: alice,
        input: { conversationId: started.conversation.id, content: "more" },
      }),
    );
    expect(error.code).toBe("CONFLICT");
    await stopReply(deps, { userId: alice, input: { messageId: started.reply.id } });
  });
});

describe("the context budget", () => {
  it("always keeps the system prompt and drops the oldest messages to fit the window", async () => {
    const system = "You are a careful assistant who always answers in French.";
    const first = await sendMessage(deps, {
      userId: alice,
      input: { content: "one ".repeat(60), model: "tiny", systemPrompt: system },
    });
    await collect(streamReply(deps, { userId: alice, messageId: first.reply.id }));
    const conversationId = first.conversation.id;
    const second = await sendMessage(deps, {
      userId: alice,
      input: { conversationId, content: "two ".repeat(60) },
    });
    await collect(streamReply(deps, { userId: alice, messageId: second.reply.id }));

    const preview = await previewContext(deps, {
      userId: alice,
      input: { conversationId, content: "three" },
    });
    expect(preview.fits).toBe(true);
    expect(preview.droppedIds).toContain(first.userMessage?.id);
    expect(preview.keptIds.at(-1)).toBe("draft");
    expect(preview.systemTokens).toBeGreaterThan(0);

    const third = await sendMessage(deps, {
      userId: alice,
      input: { conversationId, content: "three" },
    });
    await collect(streamReply(deps, { userId: alice, messageId: third.reply.id }));
    const sent = replyRequests().at(-1)?.messages ?? [];
    expect(sent[0]).toEqual({ role: "system", content: system });
    expect(sent.at(-1)).toEqual({ role: "user", content: "three" });
    expect(sent.some((m) => m.content.startsWith("one"))).toBe(false);
    expect(sent[1]?.role).toBe("user");
  });

  it("refuses a message that cannot fit with the system prompt", async () => {
    const error = await failure(
      sendMessage(deps, { userId: alice, input: { content: "word ".repeat(400), model: "tiny" } }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain("too long");
  });
});

describe("limits and ownership", () => {
  it("stops a user at the daily token quota with a clear error", async () => {
    const usage = await chatUsage(deps, { userId: alice });
    expect(usage.usedToday).toBeGreaterThan(0);
    deps.chat.limits = { ...DEFAULT_AI_CHAT_LIMITS, dailyTokensPerUser: usage.usedToday };
    const error = await failure(sendMessage(deps, { userId: alice, input: { content: "hi" } }));
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.details).toMatchObject({ quota: "tokensPerDay", limit: usage.usedToday });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    // Bob has his own allowance.
    const bobs = await sendMessage(deps, { userId: bob, input: { content: "hi" } });
    await collect(streamReply(deps, { userId: bob, messageId: bobs.reply.id }));
  });

  it("refuses too long a message, an unknown model, and other people's conversations", async () => {
    deps.chat.limits = { ...DEFAULT_AI_CHAT_LIMITS, maxMessageChars: 10 };
    expect(
      (await failure(sendMessage(deps, { userId: alice, input: { content: "x".repeat(11) } })))
        .code,
    ).toBe("VALIDATION");
    deps.chat.limits = DEFAULT_AI_CHAT_LIMITS;
    expect(
      (await failure(sendMessage(deps, { userId: alice, input: { content: "x", model: "nope" } })))
        .code,
    ).toBe("VALIDATION");
    const mine = await sendMessage(deps, { userId: alice, input: { content: "private" } });
    await collect(streamReply(deps, { userId: alice, messageId: mine.reply.id }));
    expect(
      (await failure(getConversation(deps, { userId: bob, input: { id: mine.conversation.id } })))
        .code,
    ).toBe("NOT_FOUND");
    expect(
      (await failure(collect(streamReply(deps, { userId: bob, messageId: mine.reply.id })))).code,
    ).toBe("NOT_FOUND");
    expect(
      (await failure(stopReply(deps, { userId: bob, input: { messageId: mine.reply.id } }))).code,
    ).toBe("NOT_FOUND");
  });

  it("says no provider is configured instead of pretending", async () => {
    const none = {
      ...deps,
      chat: { ...deps.chat, providers: buildChatProviders(parseChatProviderEnv({})) },
    };
    const error = await failure(sendMessage(none, { userId: alice, input: { content: "hi" } }));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toContain("No AI provider configured");
  });

  it("names every problem of bad provider settings, without their values", () => {
    let error: unknown;
    try {
      parseChatProviderEnv({
        AI_PROVIDERS: JSON.stringify([
          { id: "Bad Id", baseUrl: "ftp://x", apiKey: "sk-secret", models: [] },
        ]),
        AI_DEFAULT_MODEL: "nope",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    const text = JSON.stringify((error as DomainError).details);
    expect(text).toContain("AI_PROVIDERS 0.id");
    expect(text).toContain("AI_PROVIDERS 0.baseUrl");
    expect(text).toContain("AI_PROVIDERS 0.models");
    expect(text).toContain("AI_DEFAULT_MODEL");
    expect(text).not.toContain("sk-secret");
  });
});

describe("conversations", () => {
  it("are listed newest first, searched by title and text, renamed and deleted", async () => {
    const a = await sendMessage(deps, { userId: bob, input: { content: "Recipe for pancakes" } });
    await collect(streamReply(deps, { userId: bob, messageId: a.reply.id }));
    const b = await sendMessage(deps, {
      userId: bob,
      input: { content: "Tell me about 量子计算" },
    });
    await collect(streamReply(deps, { userId: bob, messageId: b.reply.id }));

    const all = await listConversations(deps, { userId: bob, input: { limit: 2 } });
    expect(all.items[0]?.id).toBe(b.conversation.id);
    expect(all.nextCursor).not.toBeNull();
    const next = await listConversations(deps, {
      userId: bob,
      input: { limit: 2, cursor: all.nextCursor ?? "" },
    });
    expect(next.items.map((c) => c.id)).not.toContain(b.conversation.id);

    const found = await listConversations(deps, { userId: bob, input: { search: "量子" } });
    expect(found.items.map((c) => c.id)).toEqual([b.conversation.id]);
    const byReply = await listConversations(deps, {
      userId: bob,
      input: { search: "said: recipe" },
    });
    expect(byReply.items.map((c) => c.id)).toEqual([a.conversation.id]);
    expect(
      (await listConversations(deps, { userId: alice, input: { search: "pancakes" } })).items,
    ).toEqual([]);

    const renamed = await updateConversation(deps, {
      userId: bob,
      input: { id: a.conversation.id, title: "Breakfast" },
    });
    expect(renamed).toMatchObject({ title: "Breakfast", titleSource: "user" });

    await deleteConversation(deps, { userId: bob, input: { id: a.conversation.id } });
    expect(
      (await failure(getConversation(deps, { userId: bob, input: { id: a.conversation.id } })))
        .code,
    ).toBe("NOT_FOUND");
  });
});

async function loadRow(id: string) {
  const [row] = await database.db
    .select()
    .from(schema.chatMessages)
    .where(eq(schema.chatMessages.id, id));
  if (!row) throw new Error("no row");
  return row;
}
