import { describe, expect, it } from "vitest";

import { MemoryRateLimiter } from "../src/adapters/memory";
import { DomainError } from "../src/errors";
import {
  IMAGE_PROVIDER_RATE_POLICY,
  imageProviderFromConfig,
  imageProviderRatePolicy,
  intervalGate,
  limiterGate,
  OpenAiImageProvider,
  parseImageProviderEnv,
  VolcEngineImageProvider,
  type ImageProviderConfig,
} from "../src/image-providers";

/** Reading the provider from an env record, building it, and holding it to its rate. */

function configError(env: Record<string, string | undefined>): DomainError {
  try {
    parseImageProviderEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error("expected a configuration error");
}

const fieldErrorsOf = (error: DomainError) =>
  (error.details as { fieldErrors: Record<string, string[]> }).fieldErrors;

describe("parseImageProviderEnv", () => {
  it("returns null when no provider is chosen, whatever else is set", () => {
    expect(parseImageProviderEnv({})).toBeNull();
    expect(parseImageProviderEnv({ IMAGE_PROVIDER: "  ", OPENAI_API_KEY: "sk-x" })).toBeNull();
  });

  it("names every missing or wrong variable of a partial VolcEngine config", () => {
    const error = configError({
      IMAGE_PROVIDER: "volcengine",
      VOLCENGINE_SECRET_ACCESS_KEY: "",
      VOLCENGINE_BASE_URL: "ftp://visual.example",
      IMAGE_PROVIDER_QPS: "fast",
    });
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(fieldErrorsOf(error)).sort()).toEqual([
      "IMAGE_PROVIDER_QPS",
      "VOLCENGINE_ACCESS_KEY_ID",
      "VOLCENGINE_BASE_URL",
      "VOLCENGINE_SECRET_ACCESS_KEY",
    ]);
    expect(error.message).toBe(
      "Image provider configuration is invalid: IMAGE_PROVIDER_QPS must be a number above 0 (at most 1000); " +
        "VOLCENGINE_ACCESS_KEY_ID is required when IMAGE_PROVIDER=volcengine; " +
        "VOLCENGINE_SECRET_ACCESS_KEY is required when IMAGE_PROVIDER=volcengine; " +
        "VOLCENGINE_BASE_URL must be an http(s) URL",
    );
  });

  it("names every problem of a partial OpenAI config, never echoing values", () => {
    const error = configError({
      IMAGE_PROVIDER: "openai",
      OPENAI_BASE_URL: "not a url with secret-token-123",
      OPENAI_IMAGE_SEND_SEED: "maybe",
      IMAGE_PROVIDER_QPS: "0",
    });
    expect(Object.keys(fieldErrorsOf(error)).sort()).toEqual([
      "IMAGE_PROVIDER_QPS",
      "OPENAI_API_KEY",
      "OPENAI_BASE_URL",
      "OPENAI_IMAGE_SEND_SEED",
    ]);
    expect(error.message).not.toContain("secret-token-123");
  });

  it("rejects an unknown provider by name", () => {
    const error = configError({ IMAGE_PROVIDER: "midjourney" });
    expect(fieldErrorsOf(error)).toEqual({
      IMAGE_PROVIDER: ['IMAGE_PROVIDER must be "volcengine", "openai" or unset (got "midjourney")'],
    });
  });

  it("reads a VolcEngine config with its defaults", () => {
    expect(
      parseImageProviderEnv({
        IMAGE_PROVIDER: "volcengine",
        VOLCENGINE_ACCESS_KEY_ID: " AKLTabc ",
        VOLCENGINE_SECRET_ACCESS_KEY: "c2VjcmV0",
      }),
    ).toEqual({
      provider: "volcengine",
      accessKeyId: "AKLTabc",
      secretAccessKey: "c2VjcmV0",
      reqKey: "jimeng_t2i_v31",
      baseUrl: "https://visual.volcengineapi.com",
      qps: 2,
    });
  });

  it("reads an OpenAI-compatible config with everything set", () => {
    expect(
      parseImageProviderEnv({
        IMAGE_PROVIDER: "openai",
        OPENAI_API_KEY: "sk-abc",
        OPENAI_BASE_URL: "http://localhost:8080/v1",
        OPENAI_IMAGE_MODEL: "dall-e-3",
        OPENAI_IMAGE_SEND_SEED: "TRUE",
        IMAGE_PROVIDER_QPS: "0.5",
      }),
    ).toEqual({
      provider: "openai",
      apiKey: "sk-abc",
      baseUrl: "http://localhost:8080/v1",
      model: "dall-e-3",
      sendSeed: true,
      qps: 0.5,
    });
  });
});

describe("imageProviderFromConfig", () => {
  it("builds the adapter the config names", () => {
    const volc = imageProviderFromConfig({
      provider: "volcengine",
      accessKeyId: "AK",
      secretAccessKey: "SK",
      reqKey: "jimeng_t2i_v30",
      baseUrl: "https://visual.volcengineapi.com",
      qps: 2,
    });
    expect(volc).toBeInstanceOf(VolcEngineImageProvider);
    expect([volc.id, volc.model]).toEqual(["volcengine", "jimeng_t2i_v30"]);

    const openai = imageProviderFromConfig({
      provider: "openai",
      apiKey: "sk-abc",
      baseUrl: "https://api.openai.com/v1",
      model: "gpt-image-1",
      sendSeed: false,
      qps: 2,
    });
    expect(openai).toBeInstanceOf(OpenAiImageProvider);
    expect([openai.id, openai.model]).toEqual(["openai", "gpt-image-1"]);
  });

  it("refuses a config that does not parse", () => {
    const broken = { provider: "openai", apiKey: "", qps: -1 } as unknown as ImageProviderConfig;
    expect(() => imageProviderFromConfig(broken)).toThrow(DomainError);
  });
});

describe("rate gates", () => {
  it("spaces requests 1/qps apart in this process", async () => {
    const gate = intervalGate(20);
    const signal = new AbortController().signal;
    const started = performance.now();
    await Promise.all([gate(signal), gate(signal), gate(signal)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("waits out a shared limiter and stops waiting on abort", async () => {
    const limiter = new MemoryRateLimiter({
      [IMAGE_PROVIDER_RATE_POLICY]: imageProviderRatePolicy(1),
    });
    const gate = limiterGate(limiter, "openai");
    await gate(new AbortController().signal);

    const controller = new AbortController();
    const waiting = gate(controller.signal);
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("turns a rate into a limiter policy", () => {
    expect(imageProviderRatePolicy(2)).toEqual({ points: 2, durationSec: 1 });
    expect(imageProviderRatePolicy(0.25)).toEqual({ points: 1, durationSec: 4 });
  });
});
