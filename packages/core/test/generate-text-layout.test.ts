import { describe, expect, it } from "vitest";

import { EM, fontLibrary } from "../src/generate/fonts/font-library";
import { layoutText, type TextSpec } from "../src/generate/text/layout";

const fonts = fontLibrary();

const spec = (over: Partial<TextSpec>): TextSpec => ({
  text: "",
  width: 400,
  height: 400,
  maxSize: 40,
  minSize: 12,
  lineHeight: 1.3,
  weight: 400,
  ...over,
});

const CLOSING = new Set(Array.from("，。、；：！？）」』】〉》…’”～"));
const OPENING = new Set(Array.from("（「『【〈《‘“"));

describe("text layout", () => {
  it("keeps text that fits at the largest size on one line", () => {
    const layout = layoutText(spec({ text: "Hello world" }), fonts);
    expect(layout.fontSize).toBe(40);
    expect(layout.lines.map((l) => l.text)).toEqual(["Hello world"]);
    expect(layout.truncated).toBe(false);
    expect(layout.width).toBeLessThanOrEqual(400);
  });

  it("wraps Latin text at spaces and keeps every line within the width", () => {
    const layout = layoutText(
      spec({
        text: "The quick brown fox jumps over the lazy dog again and again",
        maxSize: 30,
        minSize: 30,
      }),
      fonts,
    );
    expect(layout.lines.length).toBeGreaterThan(1);
    for (const line of layout.lines) {
      expect((line.width * layout.fontSize) / EM).toBeLessThanOrEqual(400);
      expect(line.text.startsWith(" ")).toBe(false);
    }
    expect(layout.lines.map((l) => l.text).join(" ")).toBe(
      "The quick brown fox jumps over the lazy dog again and again",
    );
  });

  it("breaks Chinese between characters into several lines", () => {
    const text = "我们如何用真实的字体度量排版文字把文字绘制成轮廓让任何光栅化器都能画出相同的像素";
    const layout = layoutText(spec({ text, width: 300, maxSize: 30, minSize: 30 }), fonts);
    expect(layout.lines.length).toBeGreaterThanOrEqual(4);
    expect(layout.lines.map((l) => l.text).join("")).toBe(text);
    // Full lines hold ten 30px ideographs in 300px.
    expect(Array.from(layout.lines[0]?.text ?? "")).toHaveLength(10);
  });

  it("never starts a line with closing punctuation nor ends one with opening punctuation", () => {
    // Includes spaces typed around punctuation and "～", where UAX #14 alone would allow a break.
    const text =
      "他说：“你好，世界！”然后（笑）离开了。……真的吗？「对」，《书》里写着：『一切都会好起来的。』【完】" +
      "价格 ～ 十元 ， 好吗 ？ 他说 “ 可以 ” 。 好 ～～ 再见 ！";
    // Many widths, so that some natural break points fall right before the punctuation.
    for (let width = 90; width <= 420; width += 7) {
      const layout = layoutText(
        spec({ text, width, maxSize: 20, minSize: 20, height: 2000 }),
        fonts,
      );
      for (const line of layout.lines) {
        const chars = Array.from(line.text);
        expect(CLOSING.has(chars[0] ?? ""), `"${line.text}" at width ${width}`).toBe(false);
        expect(OPENING.has(chars[chars.length - 1] ?? ""), `"${line.text}" at width ${width}`).toBe(
          false,
        );
      }
      const squash = (s: string) => s.replace(/ /g, "");
      expect(squash(layout.lines.map((l) => l.text).join(""))).toBe(squash(text));
    }
  });

  it("mixes Latin, CJK and emoji on one line with per-character fonts", () => {
    const layout = layoutText(spec({ text: "GenFlow 开发者 🎉", width: 2000 }), fonts);
    const items = layout.lines[0]?.items.map((p) => p.item) ?? [];
    const faces = items.flatMap((i) => (i.kind === "glyphs" ? [i.face.key] : []));
    expect(faces.some((k) => k.startsWith("noto-sans-latin"))).toBe(true);
    expect(faces.some((k) => k.startsWith("noto-sans-sc-"))).toBe(true);
    expect(items.some((i) => i.kind === "emoji" && i.file === "1f389")).toBe(true);
    expect(layout.missing).toEqual([]);
  });

  it("keeps hard line breaks, including empty lines", () => {
    const layout = layoutText(spec({ text: "one\r\n\ntwo\rthree" }), fonts);
    expect(layout.lines.map((l) => l.text)).toEqual(["one", "", "two", "three"]);
  });

  it("shrinks text to the largest size at which it fits the box", () => {
    const text = "Shrink me until I fit in this rather small box, please";
    const layout = layoutText(
      spec({ text, width: 300, height: 100, maxSize: 60, minSize: 10 }),
      fonts,
    );
    expect(layout.fontSize).toBeLessThan(60);
    expect(layout.fontSize).toBeGreaterThan(10);
    expect(layout.height).toBeLessThanOrEqual(100);
    expect(layout.truncated).toBe(false);
    // One pixel larger would not fit.
    const bigger = layoutText(
      spec({
        text,
        width: 300,
        height: 100,
        maxSize: layout.fontSize + 1,
        minSize: layout.fontSize + 1,
      }),
      fonts,
    );
    expect(bigger.truncated).toBe(true);
  });

  it("truncates with an ellipsis when the text does not fit even at the smallest size", () => {
    const text = "This sentence is far too long for the box. ".repeat(20);
    const layout = layoutText(
      spec({ text, width: 300, height: 60, maxSize: 30, minSize: 14, lineHeight: 1.25 }),
      fonts,
    );
    expect(layout.fontSize).toBe(14);
    expect(layout.truncated).toBe(true);
    expect(layout.lines.length).toBe(Math.floor(60 / (14 * 1.25)));
    const last = layout.lines[layout.lines.length - 1];
    expect(last?.text.endsWith("…")).toBe(true);
    expect(((last?.width ?? 0) * 14) / EM).toBeLessThanOrEqual(300);
  });

  it("respects a maximum number of lines", () => {
    const layout = layoutText(
      spec({
        text: "a b c d e f g h i j k l m n o p q r s t u v w x y z ".repeat(4),
        width: 120,
        maxLines: 2,
        maxSize: 20,
        minSize: 20,
      }),
      fonts,
    );
    expect(layout.lines).toHaveLength(2);
    expect(layout.truncated).toBe(true);
  });

  it("breaks a word longer than the line only once shrinking cannot help", () => {
    const word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
    const layout = layoutText(
      spec({ text: word, width: 200, height: 400, maxSize: 30, minSize: 16 }),
      fonts,
    );
    expect(layout.fontSize).toBe(16);
    expect(layout.lines.length).toBeGreaterThan(1);
    expect(layout.lines.map((l) => l.text).join("")).toBe(word);
    expect(layout.truncated).toBe(false);
    for (const line of layout.lines) expect((line.width * 16) / EM).toBeLessThanOrEqual(200);
  });

  it("reports characters no bundled font has, once each", () => {
    const layout = layoutText(spec({ text: "தமிழ் த \u{10FFFD} \u{10FFFD}" }), fonts);
    expect(layout.missing).toContain("\u{10FFFD}");
    expect(layout.missing).toContain("த");
    expect(new Set(layout.missing).size).toBe(layout.missing.length);
  });

  it("strips control characters instead of drawing them", () => {
    const layout = layoutText(spec({ text: "a\u0000b\u0007c\u001bd\u009f" }), fonts);
    expect(layout.lines.map((l) => l.text)).toEqual(["abcd"]);
    expect(layout.missing).toEqual([]);
  });

  it("lays out blank text as no lines", () => {
    expect(layoutText(spec({ text: " \n \t" }), fonts).lines).toEqual([]);
  });
});
