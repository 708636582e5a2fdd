import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import * as fontkit from "fontkit";
import { describe, expect, it } from "vitest";

import { FONT_SET_ID, loadFonts } from "../src/generate/engine";
import { parseUnicodeRange, readFamilySpecs } from "../src/generate/fonts/font-files";
import { FontLibrary, fontLibrary } from "../src/generate/fonts/font-library";
import { woffToSfnt } from "../src/generate/fonts/woff";

const require = createRequire(import.meta.url);

describe("bundled fonts", () => {
  it("identifies the font set by package versions and weights", () => {
    const version = (name: string) =>
      (require(`${name}/package.json`) as { version: string }).version;
    expect(FONT_SET_ID).toContain(`@fontsource/noto-sans@${version("@fontsource/noto-sans")}`);
    expect(FONT_SET_ID).toContain(
      `@fontsource/noto-sans-sc@${version("@fontsource/noto-sans-sc")}`,
    );
    expect(FONT_SET_ID).toContain(`@twemoji/svg@${version("@twemoji/svg")}`);
    expect(FONT_SET_ID).toContain("w400,700");
  });

  it("parses CSS unicode-range values", () => {
    expect(parseUnicodeRange("U+0000-00FF, U+0131,U+4E??")).toEqual([
      [0, 0xff],
      [0x131, 0x131],
      [0x4e00, 0x4eff],
    ]);
  });

  it("converts WOFF to SFNT that fontkit reads, including subsets its own decoder rejects", () => {
    const file = require.resolve("@fontsource/noto-sans-sc/files/noto-sans-sc-101-400-normal.woff");
    const font = fontkit.create(woffToSfnt(readFileSync(file)));
    expect("layout" in font).toBe(true);
    if (!("layout" in font)) return;
    expect(font.hasGlyphForCodePoint(0x4e4d)).toBe(true); // 乍, listed in that subset
  });

  it("rejects data that is not WOFF", () => {
    expect(() => woffToSfnt(Buffer.from("not a font at all, really not one"))).toThrow();
  });

  it("picks Noto Sans for Latin, Greek and Cyrillic and Noto Sans SC for Chinese", () => {
    const fonts = fontLibrary();
    expect(fonts.faceFor(0x41, 400)?.key).toBe("noto-sans-latin-400");
    expect(fonts.faceFor(0x3a9, 700)?.key).toBe("noto-sans-greek-700"); // Ω
    expect(fonts.faceFor(0x416, 400)?.key).toMatch(/^noto-sans-cyrillic/); // Ж
    expect(fonts.faceFor(0x4e2d, 400)?.key).toMatch(/^noto-sans-sc-\d+-400$/); // 中
    expect(fonts.faceFor(0xff0c, 700)?.key).toMatch(/^noto-sans-sc-/); // ，
    expect(fonts.faceFor(0xbb8, 400)).toBeUndefined(); // த (Tamil is not bundled)
    expect(fonts.faceFor(0x10fffd, 400)).toBeUndefined();
  });

  it("loads Latin faces on warm-up and CJK subsets only when asked or needed", () => {
    const library = new FontLibrary(readFamilySpecs());
    const warm = library.load();
    expect(warm.cjk).toBe("lazy");
    expect(warm.faces).toBe(16); // 8 Noto Sans subsets × 2 weights
    expect(library.load().ms).toBe(0);
    library.faceFor(0x4e2d, 400);
    expect(library.load().faces).toBe(17);
    const eager = library.load({ cjk: "eager" });
    expect(eager.cjk).toBe("eager");
    expect(eager.faces).toBeGreaterThan(200);
  });

  it("returns timing from the idempotent process-wide warm-up", () => {
    const first = loadFonts();
    expect(first.faces).toBeGreaterThanOrEqual(16);
    expect(loadFonts().ms).toBe(0);
  });

  it("shapes with kerning and serves each glyph outline in em units", () => {
    const fonts = fontLibrary();
    const face = fonts.faceFor(0x41, 400);
    expect(face).toBeDefined();
    if (!face) return;
    const av = fonts.shape(face, "AV");
    const a = fonts.shape(face, "A");
    const v = fonts.shape(face, "V");
    expect(av.advance).toBeLessThan(a.advance + v.advance); // kerned
    const path = fonts.glyphPath(face, a.glyphs[0] ?? 0);
    expect(path).toMatch(/^M-?\d+[ -]-?\d+/);
    expect(fonts.glyphPath(face, fonts.shape(face, " ").glyphs[0] ?? 0)).toBe("");
  });
});
