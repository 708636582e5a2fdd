import { describe, expect, it } from "vitest";

import {
  cardInputOf,
  designFromHistory,
  dimensionsOf,
  downloadName,
  effectiveScale,
  sizeIssues,
} from "./design";
import type { Design } from "./design";
import { fieldSpecsOf } from "./schema-fields";
import type { CardTemplate, HistoryCard } from "./types";

const template = {
  id: "article-cover",
  version: 1,
  name: "Article cover",
  description: "",
  jsonSchema: {
    type: "object",
    properties: {
      title: { type: "string", minLength: 1, maxLength: 120 },
      site: { type: "string", maxLength: 60 },
      cover: { type: "string" },
    },
    required: ["title"],
  },
  imageFields: ["cover"],
  defaults: {},
  sample: { title: "Hello" },
  sampleZh: { title: "你好" },
  themes: ["light", "dark", "brand", "gradient"],
} satisfies CardTemplate;
const specs = fieldSpecsOf(template.jsonSchema, template.imageFields);

const design: Design = {
  templateId: "article-cover",
  values: { title: "Hello", site: "", cover: null },
  size: { kind: "preset", preset: "og" },
  theme: { preset: "light", colors: {} },
  format: "png",
  scale: 2,
  visibility: "private",
};

describe("custom sizes", () => {
  it("accepts whole numbers from 200 to 2400 only", () => {
    expect(sizeIssues({ kind: "custom", width: "200", height: "2400" })).toEqual({});
    expect(sizeIssues({ kind: "custom", width: "199", height: "2401" })).toEqual({
      width: "outOfRange",
      height: "outOfRange",
    });
    expect(sizeIssues({ kind: "custom", width: "", height: "12.5" })).toEqual({
      width: "notInteger",
      height: "notInteger",
    });
    expect(dimensionsOf({ kind: "custom", width: "800", height: "abc" })).toBeNull();
    expect(dimensionsOf({ kind: "preset", preset: "story" })).toEqual({
      width: 1080,
      height: 1920,
    });
  });
});

describe("effectiveScale", () => {
  it("steps down to the largest scale within the output limit, and is 1 for SVG", () => {
    expect(effectiveScale({ ...design, scale: 3 })).toBe(3);
    // 1080 × 1920 at 3× is over 16 million pixels; at 2× it fits.
    expect(effectiveScale({ ...design, size: { kind: "preset", preset: "story" }, scale: 3 })).toBe(
      2,
    );
    expect(
      effectiveScale({
        ...design,
        size: { kind: "custom", width: "2400", height: "2400" },
        scale: 2,
      }),
    ).toBe(1);
    expect(effectiveScale({ ...design, format: "svg", scale: 3 })).toBe(1);
  });
});

describe("cardInputOf", () => {
  it("builds the card request, with only the colours the preset uses", () => {
    expect(
      cardInputOf(specs, {
        ...design,
        theme: {
          preset: "gradient",
          colors: { primary: "#ff0000", secondary: "#00ff00", background: "#ffffff" },
        },
      }),
    ).toEqual({
      templateId: "article-cover",
      fields: { title: "Hello" },
      size: { preset: "og" },
      theme: { preset: "gradient", primary: "#ff0000", secondary: "#00ff00" },
      format: "png",
      scale: 2,
      visibility: "private",
    });
  });

  it("sends a valid custom size and nothing while it is not valid", () => {
    expect(
      cardInputOf(specs, { ...design, size: { kind: "custom", width: "640", height: "320" } })
        ?.size,
    ).toEqual({ width: 640, height: 320 });
    expect(
      cardInputOf(specs, { ...design, size: { kind: "custom", width: "100", height: "320" } }),
    ).toBeNull();
  });
});

describe("designFromHistory", () => {
  const card = {
    id: "c1",
    key: "k",
    templateId: "article-cover",
    templateVersion: 1,
    fields: { title: "Stored", cover: `sha256:${"b".repeat(64)}` },
    size: { width: 900, height: 500 },
    theme: { preset: "brand", primary: "#123456" },
    scale: 3,
    quality: 82,
    format: "webp",
    width: 2700,
    height: 1500,
    bytes: 1000,
    visibility: "public",
    warnings: [],
    image: "k.webp",
    thumbnailKey: "k.thumb.webp",
    url: "http://host/api/images/k.webp",
    thumbnailUrl: "http://host/api/images/k.thumb.webp",
    createdAt: new Date(0),
  } satisfies HistoryCard;

  it("restores fields, size, theme and output settings, and lists images to pick again", () => {
    const { design: reopened, missingImages } = designFromHistory(template, card);
    expect(reopened).toEqual({
      templateId: "article-cover",
      values: { title: "Stored", site: "", cover: null },
      size: { kind: "custom", width: "900", height: "500" },
      theme: { preset: "brand", colors: { primary: "#123456" } },
      format: "webp",
      scale: 3,
      visibility: "public",
    });
    expect(missingImages).toEqual(["cover"]);
  });
});

describe("downloadName", () => {
  it("makes a file name from the headline in any script, else the template", () => {
    expect(downloadName("Rendering share cards: in <10 ms!", "article-cover")).toBe(
      "rendering-share-cards-in-10-ms",
    );
    expect(downloadName("十毫秒内渲染 🚀 分享卡片", "quote")).toBe("十毫秒内渲染-分享卡片");
    expect(downloadName("  ", "quote")).toBe("quote");
    expect(downloadName("a".repeat(100), "quote")).toHaveLength(60);
  });
});
