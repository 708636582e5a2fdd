import { describe, expect, it } from "vitest";

import { emojiArtwork, emojiIntent } from "../src/generate/emoji/emoji-set";

const cps = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);

describe("emoji", () => {
  it("tells emoji presentation from text presentation", () => {
    expect(emojiIntent(cps("😀"))).toBe("emoji");
    expect(emojiIntent(cps("❤️"))).toBe("emoji"); // VS16
    expect(emojiIntent(cps("❤"))).toBe("pictographic"); // text by default
    expect(emojiIntent(cps("❤︎"))).toBe("text"); // VS15
    expect(emojiIntent(cps("1️⃣"))).toBe("emoji"); // keycap
    expect(emojiIntent(cps("1"))).toBe("text");
    expect(emojiIntent(cps("🇨🇳"))).toBe("emoji"); // flag
    expect(emojiIntent(cps("👍🏽"))).toBe("emoji"); // skin tone
    expect(emojiIntent(cps("A"))).toBe("text");
    expect(emojiIntent(cps("中"))).toBe("text");
  });

  it("finds Twemoji artwork for sequences, with or without VS16", () => {
    const set = emojiArtwork();
    expect(set.fileFor(cps("😀"))).toBe("1f600");
    expect(set.fileFor(cps("❤️"))).toBe("2764");
    expect(set.fileFor(cps("👨‍👩‍👧‍👦"))).toBe("1f468-200d-1f469-200d-1f467-200d-1f466");
    expect(set.fileFor(cps("👍🏿"))).toBe("1f44d-1f3ff");
    expect(set.fileFor(cps("🇯🇵"))).toBe("1f1ef-1f1f5");
    expect(set.fileFor(cps("#️⃣"))).toBe("23-20e3");
    expect(set.fileFor(cps("❤‍🔥"))).toBe("2764-fe0f-200d-1f525"); // typed without VS16
    expect(set.fileFor(cps("🏴󠁧󠁢󠁳󠁣󠁴󠁿"))).toBe("1f3f4-e0067-e0062-e0073-e0063-e0074-e007f");
    expect(set.fileFor(cps("A"))).toBeUndefined();
  });

  it("inlines artwork with its internal ids made unique per document", () => {
    const set = emojiArtwork();
    const plain = set.markup("1f600", "e1-");
    expect(plain).toMatch(/^<(path|circle)/);
    expect(plain).not.toContain("<svg");
    const withIds = set.markup("1f6dc", "e7-");
    expect(withIds).toContain('id="e7-a"');
    expect(withIds).toContain("url(#e7-a)");
    expect(withIds).not.toMatch(/id="a"/);
  });
});
