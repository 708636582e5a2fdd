import { describe, expect, it } from "vitest";

import { SIZE_PRESETS, type ComposeRequest } from "../src/generate/card";
import { composeCard, listTemplates, THEME_PRESETS } from "../src/generate/engine";
import { isDomainError } from "../src/errors";
import { frameFor } from "../src/generate/templates/template";
import { hexRgb, inkPixels, pixel, rasterise, solidPng } from "./generate-support/raster";

const request = (over: Partial<ComposeRequest>): ComposeRequest => ({
  templateId: "quote",
  fields: { quote: "Hello world", author: "Ada" },
  width: 1200,
  height: 630,
  theme: { preset: "light" },
  images: {},
  ...over,
});

function domainCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isDomainError(error) ? error.code : "not a DomainError";
  }
  return undefined;
}

describe("composeCard", () => {
  it("paints every pixel opaque, in every template and theme (the rasteriser relies on it)", () => {
    for (const template of listTemplates()) {
      for (const preset of THEME_PRESETS) {
        const card = composeCard({
          templateId: template.id,
          fields: { ...template.sampleZh },
          width: 600,
          height: 400,
          theme: { preset },
          images: {},
        });
        const { pixels } = rasterise(card.svg);
        let translucent = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) translucent += 1;
        expect(translucent, `${template.id} ${preset}`).toBe(0);
      }
    }
  });

  it("produces an SVG of the requested size with text inside the margins", () => {
    const card = composeCard(request({ theme: { preset: "light", background: "#fafafa" } }));
    expect(card.width).toBe(1200);
    expect(card.height).toBe(630);
    expect(card.svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1200" height="630"/,
    );
    const raster = rasterise(card.svg);
    expect([raster.width, raster.height]).toEqual([1200, 630]);
    const { margin } = frameFor(1200, 630);
    const bg = hexRgb("#fafafa");
    // Left and bottom margins are plain background; the text is inside.
    expect(inkPixels(raster, bg, { x: 0, y: 0, width: margin - 2, height: 630 })).toBe(0);
    expect(
      inkPixels(raster, bg, { x: 0, y: 630 - margin + 2, width: 1200, height: margin - 2 }),
    ).toBe(0);
    expect(
      inkPixels(raster, bg, { x: margin, y: margin, width: 700, height: 630 - 2 * margin }),
    ).toBeGreaterThan(1000);
    expect(card.warnings).toEqual([]);
  });

  it("escapes markup in user text and draws it as glyphs", () => {
    const hostile = "</text><script>alert(1)</script>&amp;&#x41;\u0000\u0007\u001b\u009b";
    const card = composeCard(request({ fields: { quote: hostile, author: '"><svg onload=x>' } }));
    expect(card.svg).not.toMatch(/<script/i);
    expect(card.svg).not.toContain("<svg onload");
    expect(card.svg).toContain(
      "<title>&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&amp;#x41; — &quot;&gt;&lt;svg onload=x&gt;</title>",
    );
    expect(card.svg).not.toMatch(/\p{Cc}/u);
    expect(card.warnings).toEqual([]);
    // resvg parses XML strictly: a malformed document would throw here.
    const raster = rasterise(card.svg);
    expect(
      inkPixels(raster, hexRgb("#ffffff"), { x: 100, y: 100, width: 1000, height: 400 }),
    ).toBeGreaterThan(500);
    // Every visible character became a glyph reference.
    const glyphUses = card.svg.match(/<use href="#g/g)?.length ?? 0;
    expect(glyphUses).toBeGreaterThanOrEqual(Array.from(hostile.replace(/\p{Cc}/gu, "")).length);
  });

  it("warns about characters no bundled font has", () => {
    const card = composeCard(
      request({ fields: { quote: "Tamil த and a private-use \u{10FFFD}" } }),
    );
    const warning = card.warnings.find((w) => w.code === "MISSING_GLYPHS");
    expect(warning?.field).toBe("quote");
    expect(warning?.characters).toEqual(["த", "\u{10FFFD}"]);
  });

  it("shrinks long text and truncates what still does not fit, with a warning", () => {
    const fits = composeCard(request({ fields: { quote: "word ".repeat(60) } }));
    expect(fits.warnings).toEqual([]);
    const card = composeCard(
      request({
        fields: { quote: "Overflowing words ".repeat(33).trim() },
        width: 400,
        height: 240,
      }),
    );
    const warning = card.warnings.find((w) => w.code === "TEXT_TRUNCATED");
    expect(warning?.field).toBe("quote");
  });

  it("warns once per field and keeps decorative initials out of the title", () => {
    const card = composeCard(
      request({
        templateId: "profile-stats",
        fields: {
          name: "Grace Hopper",
          stats: [1, 2, 3].map((i) => ({
            value: `${i}234567890123456`.slice(0, 16),
            label: "L".repeat(24),
          })),
        },
        width: 300,
        height: 300,
      }),
    );
    const truncated = card.warnings.filter(
      (w) => w.code === "TEXT_TRUNCATED" && w.field === "stats",
    );
    expect(truncated).toHaveLength(1);
    expect(card.svg).toMatch(/<title>Grace Hopper — /);
  });

  it("embeds images clipped to their slot", () => {
    const card = composeCard(
      request({
        fields: { quote: "With a portrait", author: "Ada", avatar: "upload:1" },
        images: { avatar: solidPng("#ff0000") },
      }),
    );
    expect(card.svg).toMatch(
      /<image href="data:image\/png;base64,[A-Za-z0-9+/=]+" [^>]*preserveAspectRatio="xMidYMid slice" clip-path="url\(#c\w+\)"\/>/,
    );
    const raster = rasterise(card.svg);
    const match = /<clipPath id="c\w+"><circle cx="([\d.]+)" cy="([\d.]+)"/.exec(card.svg);
    expect(match).not.toBeNull();
    expect(pixel(raster, Number(match?.[1]), Number(match?.[2]))).toEqual([255, 0, 0]);
  });

  it("rejects unknown templates, bad sizes, themes, fields and images", () => {
    expect(domainCode(() => composeCard(request({ templateId: "nope" })))).toBe("NOT_FOUND");
    expect(domainCode(() => composeCard(request({ width: 100 })))).toBe("VALIDATION");
    expect(
      domainCode(() =>
        composeCard(request({ theme: { preset: "light", primary: 'red" onload="x' } })),
      ),
    ).toBe("VALIDATION");
    expect(domainCode(() => composeCard(request({ fields: { quote: "" } })))).toBe("VALIDATION");
    expect(domainCode(() => composeCard(request({ fields: { quote: "x".repeat(601) } })))).toBe(
      "VALIDATION",
    );
    const bad = { ...solidPng("#00ff00"), base64: 'AAAA" onload="x' };
    expect(domainCode(() => composeCard(request({ images: { avatar: bad } })))).toBe("VALIDATION");
  });

  it("applies brand colours over the preset", () => {
    const card = composeCard(request({ theme: { preset: "brand", primary: "#123456" } }));
    expect(pixel(rasterise(card.svg), 5, 620)).toEqual(hexRgb("#123456"));
  });

  const sizes = [
    ...Object.entries(SIZE_PRESETS).map(([name, s]) => ({ name, ...s })),
    { name: "tiny", width: 200, height: 200 },
    { name: "banner", width: 2400, height: 300 },
    { name: "tower", width: 300, height: 2400 },
  ];

  for (const template of listTemplates()) {
    it(`composes "${template.id}" at every size and theme`, () => {
      for (const size of sizes) {
        for (const preset of THEME_PRESETS) {
          for (const fields of [template.sample, template.sampleZh]) {
            const card = composeCard(
              request({
                templateId: template.id,
                fields: { ...fields },
                ...size,
                theme: { preset },
              }),
            );
            expect(
              card.svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}"`),
            ).toBe(true);
            // The samples fit every preset size without losing text.
            if (size.name in SIZE_PRESETS)
              expect(card.warnings, `${size.name} ${preset}`).toEqual([]);
          }
        }
      }
      const card = composeCard(
        request({
          templateId: template.id,
          fields: { ...template.sampleZh },
          width: 1080,
          height: 1080,
        }),
      );
      const raster = rasterise(card.svg);
      expect([raster.width, raster.height]).toEqual([1080, 1080]);
    });
  }
});
