import { describe, expect, it } from "vitest";

import { toLanguage } from "./languages";

describe("toLanguage", () => {
  it("reads every Chinese browser language as Simplified Chinese", () => {
    for (const tag of ["zh", "zh-CN", "zh-Hans", "zh-TW", "ZH-hk"])
      expect(toLanguage(tag)).toBe("zh-CN");
  });

  it("falls back to English for everything else", () => {
    for (const tag of ["en-US", "en", "fr-FR", "", undefined]) expect(toLanguage(tag)).toBe("en");
  });
});
