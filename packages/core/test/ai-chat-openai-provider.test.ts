import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openAiCompatibleProvider } from "../src/ai-chat/providers/openai-compatible";
import type { ChatStreamPart } from "../src/ai-chat/providers/ports";

/** An OpenAI-compatible stream of three words that ends with `ending`. */
let server: Server;
let baseUrl = "";

function chunk(delta: Record<string, unknown>, finish: string | null) {
  const body = { id: "c1", object: "chat.completion.chunk", created: 1, model: "m" };
  return `data: ${JSON.stringify({ ...body, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const word of ["w1", " w2", " w3"]) res.write(chunk({ content: word }, null));
    // `/cut/…`: the stream just ends, as one whose connection was dropped can look.
    if (!req.url?.includes("/cut/")) res.write(chunk({}, "stop"));
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function read(path: string) {
  const provider = openAiCompatibleProvider({
    info: { id: "stand-in", label: "Stand-in", models: [] },
    baseUrl: `${baseUrl}${path}`,
    streamUsage: false,
    timeoutMs: 5_000,
  });
  const parts: ChatStreamPart[] = [];
  try {
    const stream = provider.stream({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      maxOutputTokens: 10,
      signal: new AbortController().signal,
    });
    for await (const part of stream) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

describe("OpenAI-compatible provider", () => {
  it("ends an answer with its finish reason", async () => {
    const { parts, error } = await read("/v1");
    expect(error).toBeUndefined();
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });

  it("fails an answer whose stream stops without a finish reason, keeping what came", async () => {
    const { parts, error } = await read("/cut/v1");
    expect(parts.filter((p) => p.type === "text").map((p) => p.text)).toEqual(["w1", " w2", " w3"]);
    expect(error).toMatchObject({ code: "UNAVAILABLE" });
    expect((error as Error).message).toContain("stopped before finishing");
  });
});
