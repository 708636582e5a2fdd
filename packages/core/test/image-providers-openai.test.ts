import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  ImageProviderError,
  OpenAiImageProvider,
  type ImageRequest,
  type OpenAiImageProviderOptions,
} from "../src/image-providers";
import {
  FAKE_OPENAI_KEY,
  startFakeOpenAi,
  type FakeOpenAi,
} from "./image-providers-support/fake-openai";
import { closedPortUrl } from "./image-providers-support/http-server";
import { tinyPng } from "./image-providers-support/images";

/**
 * The OpenAI-compatible adapter against a strict local stand-in: the exact request it sends,
 * decoded base64 images, size mapping, error statuses, abort and timeout.
 */

let fake: FakeOpenAi;
let green: Buffer;
let yellow: Buffer;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  green = await tinyPng("#00aa00");
  yellow = await tinyPng("#dddd00");
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.images = [green, yellow];
  fake.acceptSeed = false;
  fake.hang = false;
  fake.override = undefined;
});

const provider = (options: Partial<OpenAiImageProviderOptions> = {}) =>
  new OpenAiImageProvider({
    apiKey: FAKE_OPENAI_KEY,
    baseUrl: `${fake.url}/v1/`,
    requestTimeoutMs: 2_000,
    ...options,
  });

const request: ImageRequest = {
  prompt: "a lighthouse at dusk",
  width: 1024,
  height: 1024,
  count: 2,
};
const run = () => ({ signal: new AbortController().signal });

async function failure(promise: Promise<unknown>): Promise<ImageProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageProviderError);
  return error as ImageProviderError;
}

describe("OpenAI: the request and the images", () => {
  it("posts the exact JSON a GPT image model takes and decodes data[].b64_json", async () => {
    const progress: [number, string][] = [];
    const images = await provider().generate(
      { ...request, seed: 3, negativePrompt: "fog" },
      { signal: new AbortController().signal, onProgress: (p, m) => progress.push([p, m]) },
    );

    expect(images).toEqual([
      { bytes: green, mime: "image/png", seed: undefined },
      { bytes: yellow, mime: "image/png", seed: undefined },
    ]);
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/images/generations");
    expect(sent?.headers.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
    expect(sent?.headers["content-type"]).toBe("application/json");
    // No response_format (GPT image models reject it), no seed (not asked to send it).
    expect(sent?.body).toEqual({
      model: "gpt-image-1",
      prompt: "a lighthouse at dusk",
      n: 2,
      size: "1024x1024",
    });
    expect(progress).toEqual([
      [0, "Requesting 2 images"],
      [100, "2 of 2 images ready"],
    ]);
  });

  it("asks other models for response_format b64_json, and sends seed only when configured", async () => {
    fake.acceptSeed = true;
    await provider({ model: "dall-e-2", sendSeed: true }).generate(
      { ...request, width: 512, height: 512, seed: 11 },
      run(),
    );
    await provider({ model: "dall-e-2" }).generate(
      { ...request, width: 512, height: 512, seed: 11 },
      run(),
    );
    expect(fake.requests.map((r) => r.body)).toEqual([
      {
        model: "dall-e-2",
        prompt: "a lighthouse at dusk",
        n: 2,
        size: "512x512",
        response_format: "b64_json",
        seed: 11,
      },
      {
        model: "dall-e-2",
        prompt: "a lighthouse at dusk",
        n: 2,
        size: "512x512",
        response_format: "b64_json",
      },
    ]);
  });

  it("passes any size through to a model it does not know (an OpenAI-compatible server)", async () => {
    fake.acceptSeed = true;
    const images = await provider({ model: "sdxl-turbo", sendSeed: true }).generate(
      { ...request, width: 768, height: 512, count: 1, seed: 5 },
      run(),
    );
    expect(images).toEqual([{ bytes: green, mime: "image/png", seed: 5 }]);
    expect(fake.requests[0]?.body).toMatchObject({
      model: "sdxl-turbo",
      size: "768x512",
      n: 1,
      seed: 5,
    });
  });

  it("maps a size the model lacks to the nearest one and says so", async () => {
    const progress: string[] = [];
    await provider().generate(
      { ...request, width: 1200, height: 800, count: 1 },
      { signal: new AbortController().signal, onProgress: (_p, m) => progress.push(m) },
    );
    expect(fake.requests[0]?.body).toMatchObject({ size: "1536x1024" });
    expect(progress[0]).toBe("Using 1536x1024, the nearest size gpt-image-1 supports to 1200x800");
  });

  it("asks dall-e-3, which makes one image per request, once per image", async () => {
    const images = await provider({ model: "dall-e-3" }).generate(
      { ...request, width: 1000, height: 1800 },
      run(),
    );
    expect(images).toHaveLength(2);
    expect(fake.requests.map((r) => r.body)).toEqual([
      {
        model: "dall-e-3",
        prompt: "a lighthouse at dusk",
        n: 1,
        size: "1024x1792",
        response_format: "b64_json",
      },
      {
        model: "dall-e-3",
        prompt: "a lighthouse at dusk",
        n: 1,
        size: "1024x1792",
        response_format: "b64_json",
      },
    ]);
  });

  it("passes every request through the rate gate", async () => {
    let gated = 0;
    await provider({
      model: "dall-e-3",
      rateGate: async () => {
        gated++;
        await Promise.resolve();
      },
    }).generate(request, run());
    expect(gated).toBe(2);
  });
});

describe("OpenAI: failures", () => {
  it("maps a 400 to non-retryable VALIDATION carrying the provider's message", async () => {
    // The strict fake, like OpenAI, refuses a field it does not know.
    const error = await failure(
      provider({ sendSeed: true }).generate({ ...request, seed: 1 }, run()),
    );
    expect(error).toMatchObject({
      code: "VALIDATION",
      retryable: false,
      httpStatus: 400,
      providerCode: "unknown_parameter",
    });
    expect(error.message).toBe(
      "The OpenAI-compatible image API rejected the request (HTTP 400): Unknown parameter: 'seed'.",
    );
  });

  it("names a safety-system refusal as such", async () => {
    fake.override = () => ({
      status: 400,
      json: {
        error: {
          message: "Your request was rejected as a result of our safety system.",
          type: "image_generation_user_error",
          code: "content_policy_violation",
        },
      },
    });
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "VALIDATION", retryable: false });
    expect(error.message).toBe(
      "The OpenAI-compatible image API's safety system rejected the prompt: Your request was rejected as a result of our safety system.",
    );
  });

  it("maps a 401 to non-retryable UNAVAILABLE without any trace of the key", async () => {
    const apiKey = "sk-proj-WRONGkey0000000000000000001234";
    const error = await failure(provider({ apiKey }).generate(request, run()));
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      retryable: false,
      httpStatus: 401,
      providerCode: "invalid_api_key",
    });
    expect(error.message).toMatch(
      /^The OpenAI-compatible image API rejected the API key \(HTTP 401\): Incorrect API key provided: \[redacted\]/,
    );
    const everything = JSON.stringify({ message: error.message, details: error.details });
    expect(everything).not.toContain("sk-");
    expect(everything).not.toContain("1234");
  });

  it("maps a 429 to retryable LIMIT_EXCEEDED with Retry-After", async () => {
    fake.override = () => ({
      status: 429,
      headers: { "Retry-After": "2" },
      json: {
        error: {
          message: "Rate limit reached for images per minute.",
          type: "requests",
          code: "rate_limit_exceeded",
        },
      },
    });
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", retryable: true, retryAfterMs: 2000 });
  });

  it("does not call a used-up quota retryable, though it comes as a 429", async () => {
    fake.override = () => ({
      status: 429,
      json: {
        error: {
          message: "You exceeded your current quota.",
          type: "insufficient_quota",
          code: "insufficient_quota",
        },
      },
    });
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: false, httpStatus: 429 });
  });

  it.each([500, 502, 503])("maps a %i to retryable UNAVAILABLE", async (status) => {
    fake.override = () => ({ status, text: "upstream connect error" });
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true, httpStatus: status });
    expect(error.message).toBe(`The OpenAI-compatible image API failed (HTTP ${status})`);
  });

  it("rejects an answer without base64 images", async () => {
    fake.override = () => ({
      status: 200,
      json: { created: 1, data: [{ url: "https://example.test/a.png" }] },
    });
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
  });

  it("rejects base64 that is not an image", async () => {
    fake.images = [Buffer.from("hello")];
    const error = await failure(provider().generate(request, run()));
    expect(error.message).toContain("not a PNG, JPEG or WebP");
  });

  it("maps an unreachable server to retryable UNAVAILABLE", async () => {
    const error = await failure(
      provider({ baseUrl: await closedPortUrl() }).generate(request, run()),
    );
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
  });
});

describe("OpenAI: abort and timeout", () => {
  it("rejects with the abort reason as soon as the caller aborts", async () => {
    fake.hang = true;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(provider().generate(request, { signal: controller.signal })).rejects.toMatchObject(
      {
        name: "AbortError",
      },
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives up on a request that takes longer than its timeout with retryable TIMEOUT", async () => {
    fake.hang = true;
    const started = Date.now();
    const error = await failure(provider({ requestTimeoutMs: 100 }).generate(request, run()));
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
