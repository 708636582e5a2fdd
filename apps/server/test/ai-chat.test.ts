import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { createGenflowClient, type GenflowClient } from "@genflow/client";
import { startScriptedChatServer, type ScriptedChatServer } from "@genflow/core/ai-chat/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mutate, signUp, startServer, type RunningServer } from "./support";

/**
 * The assistant over real HTTP: replies followed through SSE with the SDK, the stream's headers,
 * a resume with `Last-Event-ID`, and (with Redis) two hosts side by side on one database, where a
 * reply written by one streams to a subscriber of the other and is stopped from it.
 */

const ORIGIN = "http://localhost:3000";
let chat: ScriptedChatServer;
let a: RunningServer;
let b: RunningServer | undefined;
const redisUrl = process.env.REDIS_URL;

beforeAll(async () => {
  chat = await startScriptedChatServer();
  const shared = {
    LOG_LEVEL: "warn",
    AI_PROVIDERS: JSON.stringify([
      { id: "scripted", baseUrl: chat.url, models: [{ id: "m1", contextWindow: 4096 }] },
    ]),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
  };
  a = await startServer(shared);
  // A second host on the same database and Redis, as a second server process would be.
  if (redisUrl) b = await startServer(shared, { db: a.db });
});

afterAll(async () => {
  await b?.stop();
  await a.stop();
  await chat.close();
});

async function apiKeyFor(url: string): Promise<string> {
  const { cookie } = await signUp(url);
  const response = await mutate(url, "auth.apiKeys.create", { name: "chat" }, { cookie });
  const body = (await response.json()) as { result: { data: unknown } };
  const created = superjson.deserialize<{ key: string }>(
    body.result.data as Parameters<typeof superjson.deserialize>[0],
  );
  return created.key;
}

/** Follows a reply through the SDK until `done`; returns the text pieces and the final message. */
function follow(client: GenflowClient, messageId: string, lastEventId?: string) {
  const pieces: { id: string; text: string }[] = [];
  return new Promise<{ pieces: typeof pieces; final: { status: string; content: string } }>(
    (resolve, reject) => {
      const subscription = client.aiChat.onReply.subscribe(
        { messageId, lastEventId },
        {
          onData: ({ id, data }) => {
            if (data.type === "text") pieces.push({ id, text: data.text });
            else {
              subscription.unsubscribe();
              resolve({ pieces, final: data.message });
            }
          },
          onError: (error) => {
            subscription.unsubscribe();
            reject(error);
          },
        },
      );
    },
  );
}

const words = (n: number) =>
  Array.from({ length: n }, (_, i) => `${i === 0 ? "" : " "}w${i + 1}`).join("");

describe("aiChat over HTTP", () => {
  it("streams a reply to an SDK subscriber, piece by piece, with ids that resume", async () => {
    const sdk = createGenflowClient({ url: a.url, apiKey: await apiKeyFor(a.url) });
    const started = await sdk.aiChat.send.mutate({ content: "[[tokens=30 delay=5]]" });
    const { pieces, final } = await follow(sdk, started.reply.id);
    expect(final).toMatchObject({ status: "completed", content: words(30) });
    expect(pieces.map((p) => p.text).join("")).toBe(words(30));
    expect(Number(pieces.at(-1)?.id)).toBe(words(30).length);
    expect(pieces.length).toBeGreaterThan(1);
  });

  it("answers the stream with SSE headers proxies leave alone, and resumes after Last-Event-ID", async () => {
    const { cookie } = await signUp(a.url);
    const sent = await mutate(a.url, "aiChat.send", { content: "[[tokens=12]]" }, { cookie });
    const body = (await sent.json()) as { result: { data: { json: { reply: { id: string } } } } };
    const messageId = body.result.data.json.reply.id;
    const input = encodeURIComponent(JSON.stringify({ json: { messageId } }));
    const response = await fetch(`${a.url}/trpc/aiChat.onReply?input=${input}`, {
      headers: { cookie, origin: ORIGIN, "last-event-id": "9", "accept-encoding": "gzip, br" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("cache-control")).toContain("no-cache");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.headers.get("content-encoding")).toBeNull();
    // Read until the final event, then stop.
    if (!response.body) throw new Error("no body");
    const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const decoder = new TextDecoder();
    let raw = "";
    while (!raw.includes(".done")) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    const texts = [...raw.matchAll(/^data: (\{.*)$/gm)]
      .map((m) => JSON.parse(m[1] ?? "null") as { json?: { type?: string; text?: string } } | null)
      .flatMap((d) => (d?.json?.type === "text" ? [d.json.text ?? ""] : []));
    // The first 9 characters ("w1 w2 w3 ") were had already: only the rest comes.
    expect(texts.join("")).toBe(words(12).slice(9));
  });

  it.skipIf(!redisUrl)(
    "streams a reply written by one host to a subscriber of another, and stops it from there",
    async () => {
      if (!b) throw new Error("no second host");
      const key = await apiKeyFor(a.url);
      const onA = createGenflowClient({ url: a.url, apiKey: key });
      const onB = createGenflowClient({ url: b.url, apiKey: key });

      const started = await onA.aiChat.send.mutate({ content: "[[tokens=40 delay=5]]" });
      const { final } = await follow(onB, started.reply.id);
      expect(final).toMatchObject({ status: "completed", content: words(40) });

      const slow = await onA.aiChat.send.mutate({ content: "[[tokens=1000 delay=20]]" });
      const watching = follow(onB, slow.reply.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopped = await onB.aiChat.stop.mutate({ messageId: slow.reply.id });
      expect(stopped).toMatchObject({ stopped: true, message: { status: "stopped" } });
      expect(stopped.message.content).toMatch(/^w1 w2 w3/);
      const seen = await watching;
      expect(seen.final.content).toBe(stopped.message.content);
      expect(seen.pieces.map((p) => p.text).join("")).toBe(stopped.message.content);
    },
  );
});

const GGUF =
  process.env["GGUF_MODEL_PATH"] ??
  fileURLToPath(new URL("../../../../shared/models/stories260K.gguf", import.meta.url));
const haveModel = existsSync(GGUF);
if (!haveModel) console.warn(`skipping the local-model reply: ${GGUF} is not there`);

describe.skipIf(!haveModel)("aiChat with a local GGUF model", () => {
  it("lists the model and streams a reply generated in the server process", async () => {
    const local = await startServer({
      LOG_LEVEL: "warn",
      AI_LOCAL_MODEL: GGUF,
      AI_LOCAL_THREADS: "1",
    });
    try {
      const sdk = createGenflowClient({ url: local.url, apiKey: await apiKeyFor(local.url) });
      const providers = await sdk.aiChat.providers.query();
      expect(providers).toMatchObject({
        configured: true,
        defaultModel: { providerId: "local", model: "stories260K" },
        providers: [
          { id: "local", kind: "local", models: [{ id: "stories260K", contextWindow: 2048 }] },
        ],
      });
      const started = await sdk.aiChat.send.mutate({
        content: "Once upon a time",
        params: { maxOutputTokens: 24 },
      });
      const { pieces, final } = await follow(sdk, started.reply.id);
      expect(final.status).toBe("completed");
      expect(final.content.length).toBeGreaterThan(0);
      expect(pieces.map((p) => p.text).join("")).toBe(final.content);
    } finally {
      await local.stop();
    }
  });
});
