import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestHarness, failureOf, type TestHarness } from "./support";

/**
 * The `articles` procedures through the API layer and over HTTP: who may call what, the error
 * envelope of a stale edit (with the current copy to merge from), anonymous reading of public
 * articles, and search.
 */

let h: TestHarness;
let author: Awaited<ReturnType<TestHarness["signUp"]>>;
let reader: Awaited<ReturnType<TestHarness["signUp"]>>;

beforeAll(async () => {
  h = await createTestHarness();
  author = await h.signUp({ name: "Author" });
  reader = await h.signUp({ name: "Reader" });
});

afterAll(async () => {
  await h.close();
});

describe("articles", () => {
  it("needs a signed-in caller, except to read a public article by its slug", async () => {
    const anonymous = await h.http("query", "articles.list", {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.error).toMatchObject({ code: "UNAUTHORIZED" });

    const api = h.caller({ cookie: author.cookie });
    const article = await api.articles.create({ title: "Open letter", body: "Dear all," });
    await api.articles.publish({ id: article.id });
    const hidden = await h.http("query", "articles.bySlug", { slug: article.slug });
    expect(hidden.status).toBe(404);
    expect(hidden.error).toMatchObject({ code: "NOT_FOUND", message: "Article not found" });
    await api.articles.publish({ id: article.id, isPublic: true });
    const open = await h.http<{ title: string; body: string; canEdit: boolean }>(
      "query",
      "articles.bySlug",
      { slug: article.slug },
    );
    expect(open.status).toBe(200);
    expect(open.data).toMatchObject({ title: "Open letter", body: "Dear all,", canEdit: false });
  });

  it("answers a stale edit of the same field with 409, the fields and the current copy", async () => {
    const api = h.caller({ cookie: author.cookie });
    const article = await api.articles.create({ title: "Shared", body: "One." });
    await api.articles.update({ id: article.id, baseVersion: 1, changes: { body: "Two." } });
    const stale = await h.http(
      "mutation",
      "articles.update",
      { id: article.id, baseVersion: 1, changes: { body: "Three." } },
      { cookie: author.cookie },
    );
    expect(stale.status).toBe(409);
    expect(stale.error).toMatchObject({
      code: "CONFLICT",
      details: { conflicts: ["body"], current: { version: 2, body: "Two.", title: "Shared" } },
    });
    expect(stale.error?.requestId).toMatch(/^test-http-/);
    // A stale edit of another field merges.
    const merged = await api.articles.update({
      id: article.id,
      baseVersion: 1,
      changes: { title: "Shared, renamed" },
    });
    expect(merged).toMatchObject({
      merged: true,
      article: { version: 3, title: "Shared, renamed", body: "Two." },
    });
  });

  it("refuses bad input with the field named and changes nothing", async () => {
    const api = h.caller({ cookie: author.cookie });
    const article = await api.articles.create({ title: "Limits" });
    const big = await h.http(
      "mutation",
      "articles.update",
      { id: article.id, baseVersion: 1, changes: { body: "x".repeat(200_001) } },
      { cookie: author.cookie },
    );
    expect(big.status).toBe(400);
    expect(big.error).toMatchObject({ code: "VALIDATION" });
    expect(JSON.stringify(big.error?.details)).toContain("body");
    const slug = await h.http(
      "mutation",
      "articles.update",
      { id: article.id, baseVersion: 1, changes: { slug: "Bad Slug" } },
      { cookie: author.cookie },
    );
    expect(slug.status).toBe(400);
    const unknown = await h.http(
      "mutation",
      "articles.update",
      { id: article.id, baseVersion: 1, changes: { owner: "someone" } },
      { cookie: author.cookie },
    );
    expect(unknown.status).toBe(400);
    expect((await api.articles.byId({ id: article.id })).version).toBe(1);
  });

  it("keeps drafts to their author and finds published text for everyone", async () => {
    const api = h.caller({ cookie: author.cookie });
    const draft = await api.articles.create({ title: "Quiet hedgehog notes" });
    const other = h.caller({ cookie: reader.cookie });
    expect((await failureOf(other.articles.byId({ id: draft.id }))).code).toBe("NOT_FOUND");
    expect((await other.articles.search({ query: "hedgehog" })).items).toEqual([]);
    await api.articles.publish({ id: draft.id });
    const found = await other.articles.search({ query: "hedgehog" });
    expect(found.items.map((hit) => [hit.id, hit.view])).toEqual([[draft.id, "published"]]);
    expect(found.items[0]?.titleParts).toContainEqual({ text: "hedgehog", match: true });
    const tags = await api.articles.tags();
    expect(Array.isArray(tags)).toBe(true);
  });

  it("keeps the history through the revisions procedures", async () => {
    const api = h.caller({ cookie: author.cookie });
    const article = await api.articles.create({ title: "History", body: "a\n" });
    await api.articles.update({ id: article.id, baseVersion: 1, changes: { body: "b\n" } });
    const diff = await api.articles.revisions.diff({ id: article.id, from: 1 });
    expect(diff.changed).toEqual(["body"]);
    const restored = await api.articles.revisions.restore({
      id: article.id,
      number: 1,
      baseVersion: 2,
    });
    expect(restored.body).toBe("a\n");
    const list = await api.articles.revisions.list({ id: article.id });
    expect(list.items.map((r) => r.kind)).toEqual(["restore", "save", "create"]);
    const one = await api.articles.revisions.byId({ id: article.id, number: 2 });
    expect(one.body).toBe("b\n");
    const other = h.caller({ cookie: reader.cookie });
    expect((await failureOf(other.articles.revisions.list({ id: article.id }))).code).toBe(
      "NOT_FOUND",
    );
  });
});
