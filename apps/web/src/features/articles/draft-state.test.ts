import { describe, expect, it } from "vitest";

import {
  afterSave,
  changesOf,
  isDirty,
  loadLocalCopy,
  parseTags,
  saveLocalCopy,
  settleConflict,
  type ArticleFields,
} from "./draft-state";

const base: ArticleFields = {
  title: "T",
  slug: "t",
  body: "B",
  excerpt: "",
  tags: ["a"],
  cover: null,
};

describe("the editor's bookkeeping", () => {
  it("sends only the fields the writer changed", () => {
    expect(changesOf(base, { ...base, body: "B2" })).toEqual({ body: "B2" });
    expect(changesOf(base, { ...base, tags: ["a", "b"] })).toEqual({ tags: ["a", "b"] });
    expect(isDirty(base, { ...base, tags: ["a"] })).toBe(false);
  });

  it("takes the saved copy after a save, except what was typed meanwhile", () => {
    const sent = { ...base, body: "B2" };
    const local = { ...sent, excerpt: "typed while saving" };
    const saved = { ...sent, title: "Merged title from another tab" };
    expect(afterSave(local, sent, saved)).toEqual({
      ...saved,
      excerpt: "typed while saving",
    });
  });

  it("settles a conflict field by field and keeps the writer's other changes", () => {
    const local = { ...base, title: "My title", body: "My body" };
    const theirs = { ...base, title: "Their title", body: "Their body", excerpt: "Their excerpt" };
    expect(settleConflict(base, local, theirs, { body: "theirs" })).toEqual({
      ...theirs,
      title: "My title",
    });
    expect(settleConflict(base, local, theirs, { title: "theirs", body: "mine" })).toEqual({
      ...theirs,
      body: "My body",
    });
  });

  it("keeps an unsaved copy in storage and ignores anything else there", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as unknown as Storage;
    const copy = {
      baseVersion: 3,
      baseFields: base,
      fields: { ...base, body: "typed" },
      savedAt: 1,
    };
    saveLocalCopy(storage, "x", copy);
    expect(loadLocalCopy(storage, "x")).toEqual(copy);
    store.set("genflow.article-draft.y", "{not json");
    expect(loadLocalCopy(storage, "y")).toBeNull();
  });

  it("reads tags typed with commas (either kind)", () => {
    expect(parseTags("Travel, food，food , ")).toEqual(["travel", "food"]);
  });
});
