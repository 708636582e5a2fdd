import { describe, expect, it } from "vitest";

import { EnvError, loadEnv } from "../src/env";

/** The image provider variables as the server reads them: parsed into `env.imageProvider`. */

function envError(source: Record<string, string | undefined>): string {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  throw new Error("expected the environment to be rejected");
}

const SECRET = "volc-secret-value-that-must-not-leak";

describe("loadEnv: the image provider", () => {
  it("has none unless IMAGE_PROVIDER is set (blank counts as unset)", () => {
    expect(loadEnv({}).imageProvider).toBeNull();
    expect(loadEnv({ IMAGE_PROVIDER: "", OPENAI_API_KEY: "sk-unused" }).imageProvider).toBeNull();
  });

  it("parses an OpenAI-compatible provider with its defaults", () => {
    expect(loadEnv({ IMAGE_PROVIDER: "openai", OPENAI_API_KEY: "sk-abc" }).imageProvider).toEqual({
      provider: "openai",
      apiKey: "sk-abc",
      baseUrl: "https://api.openai.com/v1",
      model: "gpt-image-1",
      sendSeed: false,
      qps: 2,
    });
    expect(
      loadEnv({
        IMAGE_PROVIDER: "volcengine",
        VOLCENGINE_ACCESS_KEY_ID: "AK",
        VOLCENGINE_SECRET_ACCESS_KEY: SECRET,
        IMAGE_PROVIDER_QPS: "0.5",
      }).imageProvider,
    ).toMatchObject({ provider: "volcengine", reqKey: "jimeng_t2i_v31", qps: 0.5 });
  });

  it("stops on a partial provider configuration, naming each variable but no secret", () => {
    const message = envError({
      IMAGE_PROVIDER: "volcengine",
      VOLCENGINE_SECRET_ACCESS_KEY: SECRET,
      VOLCENGINE_BASE_URL: "ftp://visual.example",
      IMAGE_PROVIDER_QPS: "fast",
    });
    expect(message).toBe(
      [
        "Invalid configuration:",
        "  - IMAGE_PROVIDER_QPS: must be a number above 0 (at most 1000)",
        "  - VOLCENGINE_ACCESS_KEY_ID: is required when IMAGE_PROVIDER=volcengine",
        "  - VOLCENGINE_BASE_URL: must be an http(s) URL",
        "See .env.example.",
      ].join("\n"),
    );
    expect(message).not.toContain(SECRET);
  });

  it("reports provider problems in the same message as the other variables", () => {
    const message = envError({ PORT: "eighty", IMAGE_PROVIDER: "midjourney" });
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(message).toMatch(/^ {2}- PORT: /m);
    expect(message).toContain(
      '  - IMAGE_PROVIDER: must be "volcengine", "openai" or unset (got "midjourney")',
    );
    expect(envError({ IMAGE_PROVIDER: "openai" })).toContain(
      "  - OPENAI_API_KEY: is required when IMAGE_PROVIDER=openai",
    );
  });
});
