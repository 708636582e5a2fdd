import { describe, expect, it } from "vitest";

import { selectionOf, titleOptions } from "./assistant-proposals";

describe("title suggestions", () => {
  it("are the reply's lines without markers, numbers or quotes", () => {
    expect(
      titleOptions('1. The Engine\n- "Weaving Numbers"\n\n• 「分析机」\n  3) Loom and Mill  \n'),
    ).toEqual(["The Engine", "Weaving Numbers", "分析机", "Loom and Mill"]);
  });
});

describe("a selection in the body", () => {
  it("counts only when it covers text", () => {
    expect(selectionOf(4, 9)).toEqual({ start: 4, end: 9 });
    expect(selectionOf(4, 4)).toBeNull();
  });
});
