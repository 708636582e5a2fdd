import { describe, expect, it } from "vitest";

import {
  IMAGE_MAX_SEED,
  INITIAL_IMAGE_DRAFT,
  draftFromRequest,
  imageIssuesOf,
  imageRequestOf,
  randomSeed,
} from "./ai-image-request";

describe("imageRequestOf", () => {
  it("sends a preset size, the count, and leaves a blank seed and negative prompt out", () => {
    expect(
      imageRequestOf({ ...INITIAL_IMAGE_DRAFT, prompt: "  a red fox in snow ", count: 3 }),
    ).toEqual({ prompt: "a red fox in snow", width: 1024, height: 1024, count: 3 });
  });

  it("sends a custom size, a seed and a negative prompt", () => {
    expect(
      imageRequestOf({
        prompt: "lighthouse",
        size: { kind: "custom", width: "768", height: "1344" },
        count: 1,
        seed: "42",
        negativePrompt: " text, watermark ",
      }),
    ).toEqual({
      prompt: "lighthouse",
      width: 768,
      height: 1344,
      count: 1,
      seed: 42,
      negativePrompt: "text, watermark",
    });
  });

  it("is null while the draft has issues", () => {
    expect(imageRequestOf(INITIAL_IMAGE_DRAFT)).toBeNull();
  });
});

describe("imageIssuesOf", () => {
  it("names each problem the server would refuse", () => {
    expect(
      imageIssuesOf({
        prompt: "x".repeat(2001),
        size: { kind: "custom", width: "100", height: "12.5" },
        count: 1,
        seed: "-3",
        negativePrompt: "n".repeat(1001),
      }),
    ).toEqual({
      prompt: "tooLong",
      width: "outOfRange",
      height: "notInteger",
      seed: "invalid",
      negativePrompt: "tooLong",
    });
    expect(
      imageIssuesOf({ ...INITIAL_IMAGE_DRAFT, prompt: "ok", seed: String(IMAGE_MAX_SEED + 1) }),
    ).toEqual({
      seed: "invalid",
    });
  });
});

describe("draftFromRequest", () => {
  it("finds the preset a request used, or keeps its size as custom", () => {
    expect(draftFromRequest({ prompt: "p", width: 1536, height: 1024, count: 2, seed: 7 })).toEqual(
      {
        prompt: "p",
        size: { kind: "preset", preset: "landscape" },
        count: 2,
        seed: "7",
        negativePrompt: "",
      },
    );
    expect(draftFromRequest({ prompt: "p", width: 900, height: 600, count: 1 }).size).toEqual({
      kind: "custom",
      width: "900",
      height: "600",
    });
  });
});

describe("randomSeed", () => {
  it("stays within the providers' range", () => {
    expect(randomSeed(() => 0)).toBe(0);
    expect(randomSeed(() => 0.999_999_999_9)).toBeLessThanOrEqual(IMAGE_MAX_SEED);
  });
});
