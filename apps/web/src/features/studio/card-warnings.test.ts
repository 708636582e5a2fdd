import { beforeAll, describe, expect, it } from "vitest";

import { createTestI18n } from "../../i18n/test-instance";

import { characterList, fieldWarnings } from "./card-warnings";

let i18n: Awaited<ReturnType<typeof createTestI18n>>;

beforeAll(async () => {
  i18n = await createTestI18n();
});

describe("card warnings", () => {
  it("lists each missing character once, with its code point", () => {
    expect(characterList(["த", "த", "😀"])).toBe("“த” (U+0BA4), “😀” (U+1F600)");
    expect(characterList(undefined)).toBe("");
  });

  it("notes under each field what could not be drawn or did not fit", () => {
    expect(
      fieldWarnings(i18n.t, [
        { code: "MISSING_GLYPHS", field: "title", message: "…", characters: ["த"] },
        { code: "TEXT_TRUNCATED", field: "description", message: "…" },
      ]),
    ).toEqual({
      title: "Can't be drawn: “த” (U+0BA4)",
      description: "Too long to fit; it's cut short on the card.",
    });
  });
});
