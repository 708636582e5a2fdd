import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import {
  archiveArticle,
  createArticle,
  deleteArticle,
  diffRevisions,
  getArticle,
  getArticleBySlug,
  getRevision,
  listArticles,
  listRevisions,
  nameRevision,
  publishArticle,
  restoreArticle,
  restoreRevision,
  unpublishArticle,
  updateArticle,
  type ArticleActor,
} from "../src/articles";
import { listUserEvents } from "../src/events";
import type { Logger } from "../src/ports";
import { recordingLogger } from "./adapters-helpers";
import { failure } from "./generate-pipeline-support/cards-suite";
import { createUser, steppingClock } from "./generate-pipeline-support/fixtures";

/**
 * Articles on a real database (PGlite, or Postgres with DATABASE_URL): drafts, two editors on
 * one article, revisions that lose nothing, publishing with pending changes, and who sees what.
 */

let database: TestDatabase;
let deps: {
  db: TestDatabase["db"];
  pubsub: MemoryPubSub;
  clock: ReturnType<typeof steppingClock>;
  log: Logger;
};
let alice: ArticleActor;
let bob: ArticleActor;
let admin: ArticleActor;

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  deps = {
    db: database.db,
    pubsub: new MemoryPubSub(),
    clock: steppingClock(),
    log: recordingLogger().log,
  };
  alice = { id: await createUser(database.db, "Alice"), role: "user" };
  bob = { id: await createUser(database.db, "Bob"), role: "user" };
  admin = { id: await createUser(database.db, "Root"), role: "admin" };
});

afterAll(async () => {
  await database.destroy();
});

const draft = (title: string, body = "Some words.") =>
  createArticle(deps, { actor: alice, input: { title, body, tags: ["Notes"] } });

describe("creating", () => {
  it("makes a draft with a slug from its title, its first revision and an event", async () => {
    const article = await draft("Hello, Wörld: a first post!");
    expect(article).toMatchObject({
      slug: "hello-world-a-first-post",
      status: "draft",
      version: 1,
      tags: ["notes"],
      authorName: "Alice",
      canEdit: true,
      view: "working",
      hasPendingChanges: false,
    });
    const revisions = await listRevisions(deps, { actor: alice, input: { id: article.id } });
    expect(revisions.items.map((r) => [r.number, r.kind, r.version])).toEqual([[1, "create", 1]]);
    const events = await listUserEvents(deps, { userId: alice.id });
    expect(events.at(-1)).toMatchObject({
      type: "article.changed",
      data: { id: article.id, action: "created", version: 1 },
    });
  });

  it("makes a taken slug unique, keeps Chinese titles readable, and refuses a taken slug given", async () => {
    const first = await draft("Same title");
    const second = await draft("Same title");
    expect([first.slug, second.slug]).toEqual(["same-title", "same-title-2"]);
    const chinese = await draft("你好 世界");
    expect(chinese.slug).toBe("你好-世界");
    const error = await failure(
      createArticle(deps, { actor: bob, input: { title: "Mine", slug: "same-title" } }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.details).toMatchObject({ fieldErrors: { slug: ["Taken by another article"] } });
  });

  it("lets the address follow the title until it is chosen or the article is published", async () => {
    const article = await createArticle(deps, { actor: alice, input: {} });
    expect(article.slug).toMatch(/^untitled-[0-9a-f]{8}$/);
    const titled = await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: 1, changes: { title: "A Title, At Last" } },
    });
    expect(titled.article.slug).toBe("a-title-at-last");
    const published = await publishArticle(deps, { actor: alice, input: { id: article.id } });
    const renamed = await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: published.version, changes: { title: "Renamed" } },
    });
    expect(renamed.article.slug).toBe("a-title-at-last");

    const chosen = await createArticle(deps, {
      actor: alice,
      input: { title: "Chosen", slug: "my-own-address" },
    });
    const after = await updateArticle(deps, {
      actor: alice,
      input: { id: chosen.id, baseVersion: 1, changes: { title: "Chosen, renamed" } },
    });
    expect(after.article.slug).toBe("my-own-address");
  });

  it("refuses an oversized body, a bad slug and a bad tag with the field named", async () => {
    const big = await failure(
      createArticle(deps, { actor: alice, input: { body: "x".repeat(200_001) } }),
    );
    expect(big.code).toBe("VALIDATION");
    expect(big.details).toMatchObject({
      fieldErrors: { body: [expect.stringContaining("200,000")] },
    });
    const slug = await failure(
      createArticle(deps, { actor: alice, input: { slug: "Not A Slug!" } }),
    );
    expect(slug.details).toMatchObject({ fieldErrors: { slug: [expect.any(String)] } });
    const tag = await failure(createArticle(deps, { actor: alice, input: { tags: ["<b>"] } }));
    expect(tag.details).toMatchObject({ fieldErrors: { tags: [expect.any(String)] } });
  });
});

describe("two editors on one article", () => {
  it("keeps a title change and a body change made from two tabs on the same version", async () => {
    const article = await draft("Tabs", "Original body.");
    const tabA = await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: 1, changes: { title: "Tabs, renamed" } },
    });
    expect(tabA).toMatchObject({ merged: false, article: { version: 2 } });
    // Tab B still thinks the article is at version 1.
    const tabB = await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: 1, changes: { body: "A new body." } },
    });
    expect(tabB.merged).toBe(true);
    expect(tabB.article).toMatchObject({ version: 3, title: "Tabs, renamed", body: "A new body." });
  });

  it("answers CONFLICT with the current copy when both changed the same field, and loses nothing", async () => {
    const article = await draft("Clash", "Start.");
    await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: 1, changes: { body: "Alice's body." } },
    });
    const error = await failure(
      updateArticle(deps, {
        actor: admin,
        input: { id: article.id, baseVersion: 1, changes: { body: "Root's body." } },
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.details).toMatchObject({
      conflicts: ["body"],
      current: { version: 2, body: "Alice's body." },
    });
    const now = await getArticle(deps, { actor: alice, input: { id: article.id } });
    expect(now).toMatchObject({ version: 2, body: "Alice's body." });
    // Merged on the current version, the second edit goes in.
    const merged = await updateArticle(deps, {
      actor: admin,
      input: { id: article.id, baseVersion: 2, changes: { body: "Alice's body. Root's body." } },
    });
    expect(merged.article.body).toBe("Alice's body. Root's body.");
    // The author hears about the admin's change.
    const events = await listUserEvents(deps, { userId: alice.id });
    expect(events.at(-1)).toMatchObject({
      data: { id: article.id, action: "updated", by: admin.id, version: 3 },
    });
  });

  it("never loses an update when many arrive at once on the same version", async () => {
    const article = await draft("Race", "Body.");
    const results = await Promise.allSettled(
      ["one", "two", "three", "four"].map((word) =>
        updateArticle(deps, {
          actor: alice,
          input: { id: article.id, baseVersion: 1, changes: { excerpt: word } },
        }),
      ),
    );
    const applied = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(applied).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const result of refused) {
      expect((result.reason as { code: string }).code).toBe("CONFLICT");
    }
    const now = await getArticle(deps, { actor: alice, input: { id: article.id } });
    expect(now.version).toBe(2);
    const winner = applied[0]?.status === "fulfilled" ? applied[0].value.article.excerpt : "";
    expect(now.excerpt).toBe(winner);
  });

  it("refuses a version from the future", async () => {
    const article = await draft("Future");
    const error = await failure(
      updateArticle(deps, {
        actor: alice,
        input: { id: article.id, baseVersion: 9, changes: { title: "x" } },
      }),
    );
    expect(error.code).toBe("VALIDATION");
  });
});

describe("revisions", () => {
  it("gathers one session's autosaves into one revision; saves always make one", async () => {
    const article = await draft("Autosave", "a");
    let version = article.version;
    for (const body of ["ab", "abc", "abcd"]) {
      const result = await updateArticle(deps, {
        actor: alice,
        input: {
          id: article.id,
          baseVersion: version,
          changes: { body },
          mode: "autosave",
          sessionId: "session-one",
        },
      });
      version = result.article.version;
    }
    await updateArticle(deps, {
      actor: alice,
      input: {
        id: article.id,
        baseVersion: version,
        changes: { title: "Saved" },
        mode: "save",
        sessionId: "session-one",
      },
    });
    const revisions = await listRevisions(deps, { actor: alice, input: { id: article.id } });
    expect(revisions.items.map((r) => [r.number, r.kind, r.changed])).toEqual([
      // A draft's address follows its title.
      [3, "save", ["title", "slug"]],
      [2, "autosave", ["body"]],
      [1, "create", ["title", "slug", "body", "excerpt", "tags", "cover"]],
    ]);
    const autosave = await getRevision(deps, {
      actor: alice,
      input: { id: article.id, number: 2 },
    });
    expect(autosave).toMatchObject({ body: "abcd", version: 4 });
    // An autosave that changes nothing changes nothing.
    const idle = await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: 5, changes: { body: "abcd" }, mode: "autosave" },
    });
    expect(idle.article.version).toBe(5);
  });

  it("compares two revisions readably and restores one as a new revision, keeping history", async () => {
    const article = await draft("Diff me", "line one\nline two\n");
    await updateArticle(deps, {
      actor: alice,
      input: {
        id: article.id,
        baseVersion: 1,
        changes: { title: "Diffed", body: "line one\nline 2\n", tags: ["notes", "drafts"] },
      },
    });
    const diff = await diffRevisions(deps, {
      actor: alice,
      input: { id: article.id, from: 1, to: 2 },
    });
    expect(diff.changed).toEqual(["title", "slug", "body", "tags"]);
    expect(diff.body).toEqual([
      { value: "line one\n", added: false, removed: false },
      { value: "line two\n", added: false, removed: true },
      { value: "line 2\n", added: true, removed: false },
    ]);
    expect(diff.tags).toEqual({ added: ["drafts"], removed: [] });
    expect(diff.title.filter((p) => p.removed).map((p) => p.value)).toEqual(["Diff me"]);

    const restored = await restoreRevision(deps, {
      actor: alice,
      input: { id: article.id, number: 1, baseVersion: 2 },
    });
    expect(restored).toMatchObject({
      title: "Diff me",
      body: "line one\nline two\n",
      version: 3,
      status: "draft",
    });
    const revisions = await listRevisions(deps, { actor: alice, input: { id: article.id } });
    expect(revisions.items.map((r) => [r.number, r.kind, r.restoredFrom])).toEqual([
      [3, "restore", 1],
      [2, "save", null],
      [1, "create", null],
    ]);
    const named = await nameRevision(deps, {
      actor: alice,
      input: { id: article.id, number: 2, name: "Before the restore" },
    });
    expect(named.name).toBe("Before the restore");
    const stale = await failure(
      restoreRevision(deps, { actor: alice, input: { id: article.id, number: 2, baseVersion: 2 } }),
    );
    expect(stale.code).toBe("CONFLICT");
  });
});

describe("publishing", () => {
  it("keeps readers on the published copy while the author edits, until published again", async () => {
    const article = await draft("Published piece", "First words.");
    const published = await publishArticle(deps, {
      actor: alice,
      input: { id: article.id, isPublic: true },
    });
    expect(published).toMatchObject({
      status: "published",
      hasPendingChanges: false,
      isPublic: true,
    });
    await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: published.version, changes: { body: "Second words." } },
    });
    const reader = await getArticle(deps, { actor: bob, input: { id: article.id } });
    expect(reader).toMatchObject({ body: "First words.", view: "published", canEdit: false });
    const anonymous = await getArticleBySlug(deps, { actor: null, input: { slug: article.slug } });
    expect(anonymous.body).toBe("First words.");
    const author = await getArticle(deps, { actor: alice, input: { id: article.id } });
    expect(author).toMatchObject({ body: "Second words.", hasPendingChanges: true });
    const preview = await getArticleBySlug(deps, {
      actor: alice,
      input: { slug: article.slug, view: "working" },
    });
    expect(preview.body).toBe("Second words.");
    // Restoring an old revision does not publish it either.
    await restoreRevision(deps, {
      actor: alice,
      input: { id: article.id, number: 1, baseVersion: author.version },
    });
    expect((await getArticle(deps, { actor: bob, input: { id: article.id } })).body).toBe(
      "First words.",
    );

    const again = await publishArticle(deps, { actor: alice, input: { id: article.id } });
    expect(again.hasPendingChanges).toBe(false);
    expect((await getArticle(deps, { actor: bob, input: { id: article.id } })).body).toBe(
      "First words.",
    );
    const revisions = await listRevisions(deps, { actor: alice, input: { id: article.id } });
    expect(revisions.items[0]).toMatchObject({ kind: "publish", isPublished: true });
  });

  it("refuses to publish a version the author has not seen", async () => {
    const article = await draft("Unseen");
    await updateArticle(deps, {
      actor: alice,
      input: { id: article.id, baseVersion: 1, changes: { body: "new" } },
    });
    const error = await failure(
      publishArticle(deps, { actor: alice, input: { id: article.id, baseVersion: 1 } }),
    );
    expect(error.code).toBe("CONFLICT");
  });

  it("hides unpublished and archived articles from readers; public ones only reach anonymous readers", async () => {
    const article = await draft("Comes and goes");
    await publishArticle(deps, { actor: alice, input: { id: article.id } });
    expect((await getArticle(deps, { actor: bob, input: { id: article.id } })).title).toBe(
      "Comes and goes",
    );
    expect(
      (await failure(getArticleBySlug(deps, { actor: null, input: { slug: article.slug } }))).code,
    ).toBe("NOT_FOUND");
    await unpublishArticle(deps, { actor: alice, input: { id: article.id } });
    expect((await failure(getArticle(deps, { actor: bob, input: { id: article.id } }))).code).toBe(
      "NOT_FOUND",
    );
    await publishArticle(deps, { actor: alice, input: { id: article.id } });
    await archiveArticle(deps, { actor: alice, input: { id: article.id } });
    expect((await failure(getArticle(deps, { actor: bob, input: { id: article.id } }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await getArticle(deps, { actor: alice, input: { id: article.id } })).status).toBe(
      "archived",
    );
  });
});

describe("who sees what", () => {
  it("keeps another user's draft invisible: its id gives NOT_FOUND, edits too", async () => {
    const article = await draft("Private draft");
    const attempts = [
      () => getArticle(deps, { actor: bob, input: { id: article.id } }),
      () =>
        updateArticle(deps, {
          actor: bob,
          input: { id: article.id, baseVersion: 1, changes: { title: "x" } },
        }),
      () => publishArticle(deps, { actor: bob, input: { id: article.id } }),
      () => deleteArticle(deps, { actor: bob, input: { id: article.id } }),
      () => listRevisions(deps, { actor: bob, input: { id: article.id } }),
    ];
    for (const attempt of attempts) {
      const error = await failure(attempt());
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("Article not found");
    }
    const bobs = await listArticles(deps, { actor: bob, input: {} });
    expect(bobs.items.map((a) => a.id)).not.toContain(article.id);
    // An admin may edit it.
    const edited = await updateArticle(deps, {
      actor: admin,
      input: { id: article.id, baseVersion: 1, changes: { title: "Checked" } },
    });
    expect(edited.article.title).toBe("Checked");
  });

  it("deletes softly and restores with the history whole", async () => {
    const article = await draft("Bin me");
    await publishArticle(deps, { actor: alice, input: { id: article.id } });
    await deleteArticle(deps, { actor: alice, input: { id: article.id } });
    expect((await failure(getArticle(deps, { actor: bob, input: { id: article.id } }))).code).toBe(
      "NOT_FOUND",
    );
    const mine = await listArticles(deps, { actor: alice, input: { limit: 100 } });
    expect(mine.items.map((a) => a.id)).not.toContain(article.id);
    const bin = await listArticles(deps, { actor: alice, input: { deleted: true } });
    expect(bin.items.map((a) => a.id)).toContain(article.id);
    const back = await restoreArticle(deps, { actor: alice, input: { id: article.id } });
    expect(back).toMatchObject({ deletedAt: null, status: "published" });
    expect((await getArticle(deps, { actor: bob, input: { id: article.id } })).title).toBe(
      "Bin me",
    );
    const revisions = await listRevisions(deps, { actor: alice, input: { id: article.id } });
    expect(revisions.items.map((r) => r.kind)).toEqual(["publish", "create"]);
  });

  it("lists a page at a time, filtered by status and tag, and refuses an unknown tag", async () => {
    const first = await listArticles(deps, { actor: alice, input: { limit: 3 } });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await listArticles(deps, {
      actor: alice,
      input: { limit: 3, cursor: first.nextCursor ?? undefined },
    });
    expect(second.items.map((a) => a.id)).not.toContain(first.items[0]?.id);
    const drafts = await listArticles(deps, { actor: alice, input: { status: "archived" } });
    expect(drafts.items.map((a) => a.status)).toEqual(["archived"]);
    const published = await listArticles(deps, {
      actor: bob,
      input: { scope: "published", limit: 100 },
    });
    expect(published.items.length).toBeGreaterThan(0);
    for (const item of published.items)
      expect(item).toMatchObject({ status: "published", view: "published" });
    const listed = await createArticle(deps, {
      actor: alice,
      input: { title: "Tagged", tags: ["Lists"] },
    });
    const tagged = await listArticles(deps, { actor: alice, input: { tag: "lists", limit: 100 } });
    expect(tagged.items.map((a) => a.id)).toEqual([listed.id]);
    // The tag the restore took off "Diff me" is gone with it.
    const gone = await failure(listArticles(deps, { actor: alice, input: { tag: "drafts" } }));
    expect(gone.code).toBe("VALIDATION");
    const unknown = await failure(listArticles(deps, { actor: alice, input: { tag: "nope" } }));
    expect(unknown).toMatchObject({
      code: "VALIDATION",
      details: { fieldErrors: { tag: ["Unknown tag"] } },
    });
    const forbidden = await failure(listArticles(deps, { actor: alice, input: { scope: "all" } }));
    expect(forbidden.code).toBe("FORBIDDEN");
  });
});
