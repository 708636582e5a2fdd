import { startScriptedChatServer, type ScriptedChatServer } from "@genflow/core/ai-chat/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestHarness, failureOf, type TestHarness } from "./support";

/**
 * The `aiChat` procedures through the API layer and over HTTP: sign-in, the envelope when no
 * provider is configured, validation, the reply limit, and a reply followed through `onReply`.
 */

let server: ScriptedChatServer;
let h: TestHarness;
let none: TestHarness;
let user: Awaited<ReturnType<TestHarness["signUp"]>>;

beforeAll(async () => {
  server = await startScriptedChatServer();
  h = await createTestHarness({
    aiProviders: {
      AI_PROVIDERS: JSON.stringify([
        { id: "scripted", baseUrl: server.url, apiKey: "sk-never-shown", models: [{ id: "m1" }] },
      ]),
    },
    policies: { aiChat: { points: 5, durationSec: 60 } },
  });
  none = await createTestHarness();
  user = await h.signUp({ name: "Chatter" });
});

afterAll(async () => {
  await h.close();
  await none.close();
  await server.close();
});

describe("aiChat", () => {
  it("needs a signed-in caller", async () => {
    const anonymous = await h.http("mutation", "aiChat.send", { content: "hi" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.error).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("says clearly that no provider is configured, and how to configure one", async () => {
    const someone = await none.signUp({ name: "Nobody" });
    const providers = await none.caller({ cookie: someone.cookie }).aiChat.providers();
    expect(providers).toMatchObject({ configured: false, providers: [], defaultModel: null });
    expect(providers.help).toContain("AI_PROVIDERS");
    const sent = await none.http(
      "mutation",
      "aiChat.send",
      { content: "hi" },
      { cookie: someone.cookie },
    );
    expect(sent.status).toBe(503);
    expect(sent.error).toMatchObject({ code: "UNAVAILABLE", details: { reason: "no_provider" } });
    expect(sent.error?.message).toContain("No AI provider configured");
  });

  it("lists providers and models without their keys", async () => {
    const providers = await h.caller({ cookie: user.cookie }).aiChat.providers();
    expect(providers).toMatchObject({
      configured: true,
      defaultModel: { providerId: "scripted", model: "m1" },
      providers: [
        { id: "scripted", kind: "openai-compatible", models: [{ id: "m1", contextWindow: 8192 }] },
      ],
    });
    expect(JSON.stringify(providers)).not.toContain("sk-never-shown");
  });

  it("refuses bad input with field errors", async () => {
    const empty = await h.http(
      "mutation",
      "aiChat.send",
      { content: "   " },
      { cookie: user.cookie },
    );
    expect(empty.status).toBe(400);
    expect(empty.error?.details).toMatchObject({
      fieldErrors: { content: ["Write something first"] },
    });
    const badId = await h.http(
      "query",
      "aiChat.conversations.byId",
      { id: "nope" },
      { cookie: user.cookie },
    );
    expect(badId.status).toBe(400);
    const badCursor = await failureOf(
      h
        .caller({ cookie: user.cookie })
        .aiChat.onReply({ messageId: crypto.randomUUID(), lastEventId: "x" }),
    );
    expect(badCursor.code).toBe("VALIDATION");
  });

  it("starts a reply and streams it through onReply with tracked ids", async () => {
    const api = h.caller({ cookie: user.cookie });
    const started = await api.aiChat.send({ content: "Stream please" });
    expect(started.reply.status).toBe("streaming");
    const events = await api.aiChat.onReply({ messageId: started.reply.id });
    const seen: { id: string; type: string }[] = [];
    let text = "";
    for await (const envelope of events as AsyncIterable<unknown>) {
      // tracked() envelopes: [id, data, symbol] on the server side.
      const [id, data] = envelope as [string, { type: string; text?: string }];
      seen.push({ id, type: data.type });
      if (data.type === "text") text += data.text ?? "";
      if (data.type === "done") break;
    }
    expect(text).toBe("You said: Stream please");
    expect(seen.at(-1)).toEqual({ id: `${text.length}.done`, type: "done" });
    const conversation = await api.aiChat.conversations.byId({ id: started.conversation.id });
    expect(conversation.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "completed"],
      ["assistant", "completed"],
    ]);
    const usage = await api.aiChat.usage();
    expect(usage.usedToday).toBeGreaterThan(0);
  });

  it("limits how many replies a user starts per minute (429 with Retry-After)", async () => {
    const someone = await h.signUp({ name: "Hasty" });
    const api = h.caller({ cookie: someone.cookie });
    for (let i = 0; i < 5; i++) {
      const started = await api.aiChat.send({ content: `message ${i}` });
      await api.aiChat.stop({ messageId: started.reply.id });
    }
    const limited = await h.http(
      "mutation",
      "aiChat.send",
      { content: "one more" },
      { cookie: someone.cookie },
    );
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({ code: "LIMIT_EXCEEDED", details: { policy: "aiChat" } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Reading is not limited by it.
    const list = await api.aiChat.conversations.list();
    expect(list.items.length).toBeGreaterThan(0);
  });

  it("keeps other people's conversations out of reach", async () => {
    const other = await h.signUp({ name: "Other" });
    const mine = await h.caller({ cookie: user.cookie }).aiChat.send({ content: "secret" });
    const { code } = await failureOf(
      h.caller({ cookie: other.cookie }).aiChat.conversations.byId({ id: mine.conversation.id }),
    );
    expect(code).toBe("NOT_FOUND");
  });

  it("composes, saves and renders system prompts", async () => {
    const api = h.caller({ cookie: user.cookie });
    const { content } = await api.aiChat.prompts.compose({
      role: "a tutor for {{subject}}",
      tone: "patient",
    });
    expect(content).toBe("You are a tutor for {{subject}}.\n\n## Tone\nWrite in a patient tone.");
    const empty = await h.http("query", "aiChat.prompts.compose", {}, { cookie: user.cookie });
    expect(empty.status).toBe(400);
    expect(empty.error?.message).toBe("Describe at least the role or the goal");
    const saved = await api.aiChat.prompts.save({ name: "Tutor", content });
    const rendered = await api.aiChat.prompts.render({
      id: saved.id,
      values: { subject: "algebra" },
    });
    expect(rendered.text.startsWith("You are a tutor for algebra.")).toBe(true);
    const missing = await h.http(
      "query",
      "aiChat.prompts.render",
      { id: saved.id },
      { cookie: user.cookie },
    );
    expect(missing.status).toBe(400);
    expect(missing.error?.details).toMatchObject({ missing: ["subject"] });
  });
});
