import { describe, expect, it } from "vitest";

import { canonicalJson, cardKey, type CardKeyParts } from "../src/generate/cache-key";

const base: CardKeyParts = {
  templateId: "quote",
  templateVersion: 1,
  fields: { quote: "Hello", author: "Ada" },
  width: 1200,
  height: 630,
  theme: { preset: "dark" },
  format: "png",
  scale: 1,
  quality: 100,
  fontSetId: "@fontsource/noto-sans@5.3.0+w400,700",
  images: {},
};

describe("card keys", () => {
  it("are SHA-256 hex and the same for the same parts in any key order", () => {
    const key = cardKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered: CardKeyParts = {
      ...base,
      fields: { author: "Ada", quote: "Hello" },
      theme: { preset: "dark", primary: undefined },
    };
    expect(cardKey(reordered)).toBe(key);
  });

  it.each<[string, Partial<CardKeyParts>]>([
    ["template version", { templateVersion: 2 }],
    ["template", { templateId: "announcement" }],
    ["a field value", { fields: { quote: "Hello!", author: "Ada" } }],
    ["an added field", { fields: { quote: "Hello", author: "Ada", source: "x" } }],
    ["format", { format: "webp" }],
    ["font set", { fontSetId: "@fontsource/noto-sans@5.4.0+w400,700" }],
    ["size", { width: 1080, height: 1080 }],
    ["theme", { theme: { preset: "dark", primary: "#ff0000" } }],
    ["scale", { scale: 2 }],
    ["quality", { quality: 90 }],
    ["an image's bytes", { images: { avatar: "ab".repeat(32) } }],
  ])("change with the %s", (_what, change) => {
    expect(cardKey({ ...base, ...change })).not.toBe(cardKey(base));
  });

  it("serialise nested values canonically", () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null, e: undefined })).toBe(
      '{"a":null,"b":[{"c":2,"d":1}]}',
    );
  });
});
