import { existsSync } from "node:fs";
import { resolve } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { localLlamaProvider, type ChatStreamPart, type ChatStreamRequest } from "../src/ai-chat";
import { DomainError } from "../src/errors";
import type { Logger } from "../src/ports";

/**
 * The local GGUF provider on a real model: Karpathy's 260K-parameter story model, a shared fixture
 * outside the repository (`GGUF_MODEL_PATH`, or `/work/shared/models/stories260K.gguf` next to
 * the checkout). It is a story generator, not a chat model: these tests prove that tokens really
 * stream, stop and queue, not that the answers make sense.
 */

const modelPath =
  process.env["GGUF_MODEL_PATH"] ??
  resolve(import.meta.dirname, "../../../../shared/models/stories260K.gguf");
const haveModel = existsSync(modelPath);
if (!haveModel) {
  console.warn(
    `[ai-chat-local] skipping the local model tests: no GGUF file at ${modelPath} (set GGUF_MODEL_PATH to one)`,
  );
}

const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

const MODEL = "stories260K";

function request(overrides: Partial<ChatStreamRequest> = {}): ChatStreamRequest {
  return {
    model: MODEL,
    messages: [
      { role: "system", content: "You tell short stories." },
      { role: "user", content: "Tell me a story about a cat." },
    ],
    maxOutputTokens: 48,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const textOf = (parts: ChatStreamPart[]) =>
  parts.map((part) => (part.type === "text" ? part.text : "")).join("");

function usageOf(parts: ChatStreamPart[]) {
  const usage = parts.find((part) => part.type === "usage");
  if (usage?.type !== "usage") throw new Error("no usage part");
  return usage;
}

describe.skipIf(!haveModel)("local GGUF chat provider", () => {
  const provider = localLlamaProvider({ modelPath, threads: 1, contextSize: 512, log: quietLog });

  afterAll(async () => {
    await provider.close?.();
  });

  it("describes one local model named after the file", () => {
    expect(provider.info).toMatchObject({ id: "local", kind: "local" });
    expect(provider.info.models).toEqual([
      expect.objectContaining({ id: MODEL, contextWindow: 512 }),
    ]);
  });

  it("streams text chunks as they are generated, then usage and the finish reason", async () => {
    const parts = await collect(provider.stream(request()));
    const texts = parts.filter((part) => part.type === "text");
    expect(texts.length).toBeGreaterThan(3);
    expect(texts.every((part) => part.text.length > 0)).toBe(true);
    expect(textOf(parts).trim()).not.toBe("");

    const usage = usageOf(parts);
    expect(usage.inputTokens).toBeGreaterThan(10);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(parts.at(-1)).toMatchObject({ type: "finish" });
  }, 30_000);

  it("stops at maxOutputTokens", async () => {
    const parts = await collect(provider.stream(request({ maxOutputTokens: 6 })));
    expect(usageOf(parts).outputTokens).toBeGreaterThan(0);
    expect(usageOf(parts).outputTokens).toBeLessThanOrEqual(6);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "length" });
  }, 30_000);

  it("ends promptly with the abort reason when the signal aborts mid-stream", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped by the user");
    let chunks = 0;
    let abortedAt = 0;
    const run = async () => {
      for await (const part of provider.stream(
        request({ maxOutputTokens: 400, signal: controller.signal }),
      )) {
        if (part.type === "text" && ++chunks === 3) {
          abortedAt = performance.now();
          controller.abort(reason);
        }
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(chunks).toBe(3);
    expect(performance.now() - abortedAt).toBeLessThan(500);

    // The provider is free again afterwards.
    const after = await collect(provider.stream(request({ maxOutputTokens: 4 })));
    expect(usageOf(after).outputTokens).toBeGreaterThan(0);
  }, 30_000);

  it("runs concurrent replies one after the other, and both complete", async () => {
    type Span = { first: number; last: number };
    const spans: Span[] = [];
    const timed = async (text: string) => {
      let first = 0;
      let last = 0;
      const parts: ChatStreamPart[] = [];
      const messages = [{ role: "user" as const, content: text }];
      for await (const part of provider.stream(request({ messages, maxOutputTokens: 24 }))) {
        if (part.type === "text") {
          first ||= performance.now();
          last = performance.now();
        }
        parts.push(part);
      }
      spans.push({ first, last });
      return parts;
    };
    const [a, b] = await Promise.all([
      timed("Tell me about a dog."),
      timed("Tell me about a bird."),
    ]);
    for (const parts of [a, b]) {
      expect(textOf(parts).trim()).not.toBe("");
      expect(usageOf(parts).outputTokens).toBeGreaterThan(0);
      expect(parts.at(-1)).toMatchObject({ type: "finish" });
    }
    expect(spans).toHaveLength(2);
    const [earlier, later] = spans as [Span, Span];
    expect(later.first).toBeGreaterThanOrEqual(earlier.last);
  }, 30_000);

  it("lets a reply waiting in line give up when its signal aborts", async () => {
    const first = collect(provider.stream(request({ maxOutputTokens: 32 })));
    const controller = new AbortController();
    const reason = new Error("gave up waiting");
    const waiting = collect(provider.stream(request({ signal: controller.signal })));
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(usageOf(await first).outputTokens).toBeGreaterThan(0);
  }, 30_000);
});

describe("local GGUF chat provider without its file", () => {
  it("answers UNAVAILABLE without naming the path", async () => {
    const missing = resolve(import.meta.dirname, "no-such-dir/secret-name.gguf");
    const provider = localLlamaProvider({ modelPath: missing, threads: 1, log: quietLog });
    expect(provider.info.models[0]?.id).toBe("secret-name");
    try {
      const error = await collect(provider.stream(request({ model: "secret-name" }))).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: "UNAVAILABLE",
        message: "The local model file cannot be loaded",
      });
      expect((error as Error).message).not.toContain("secret-name");
      expect((error as Error).message).not.toContain("no-such-dir");
    } finally {
      await provider.close?.();
    }
  }, 30_000);
});
