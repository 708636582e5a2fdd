import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";
import { MemoryPubSub } from "../src/adapters/memory";
import {
  createArticle,
  publishArticle,
  readArticleCover,
  updateArticle,
  type ArticleActor,
  type ArticleCoverDeps,
} from "../src/articles";
import { createUpload, DEFAULT_UPLOAD_LIMITS } from "../src/uploads";
import type { Logger } from "../src/ports";
import { recordingLogger } from "./adapters-helpers";
import { failure } from "./generate-pipeline-support/cards-suite";
import { createUser, steppingClock } from "./generate-pipeline-support/fixtures";
import { photoBytes } from "./generate-pipeline-support/images";

/** An article's cover: only its author's own pictures, served to whoever may read the article. */

let database: TestDatabase;
let blobDir: string;
let deps: {
  db: TestDatabase["db"];
  pubsub: MemoryPubSub;
  clock: ReturnType<typeof steppingClock>;
  log: Logger;
};
let coverDeps: ArticleCoverDeps;
let alice: ArticleActor;
let bob: ArticleActor;

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  blobDir = await mkdtemp(path.join(tmpdir(), "genflow-article-covers-"));
  const clock = steppingClock();
  deps = { db: database.db, pubsub: new MemoryPubSub(), clock, log: recordingLogger().log };
  const blobs = new DiskBlobStorage(blobDir);
  coverDeps = { db: database.db, log: recordingLogger().log, uploadBlobs: blobs, cardBlobs: blobs };
  alice = { id: await createUser(database.db, "Alice"), role: "user" };
  bob = { id: await createUser(database.db, "Bob"), role: "user" };
});

afterAll(async () => {
  await database.destroy();
  await rm(blobDir, { recursive: true, force: true });
});

async function uploadFor(userId: string, width: number) {
  const { upload } = await createUpload(
    {
      db: database.db,
      log: coverDeps.log,
      clock: deps.clock,
      blobs: coverDeps.uploadBlobs,
      limits: DEFAULT_UPLOAD_LIMITS,
    },
    { userId, bytes: await photoBytes(width, 40) },
  );
  return upload;
}

describe("article covers", () => {
  it("takes only the author's own uploads as a cover", async () => {
    const bobs = await uploadFor(bob.id, 61);
    const error = await failure(
      createArticle(deps, {
        actor: alice,
        input: { title: "Borrowed", cover: { kind: "upload", id: bobs.id } },
      }),
    );
    expect(error).toMatchObject({
      code: "VALIDATION",
      details: { fieldErrors: { cover: [expect.any(String)] } },
    });
    const own = await uploadFor(alice.id, 62);
    const article = await createArticle(deps, {
      actor: alice,
      input: { title: "Own cover", cover: { kind: "upload", id: own.id } },
    });
    expect(article.cover).toEqual({ kind: "upload", id: own.id });
    const stale = await failure(
      updateArticle(deps, {
        actor: alice,
        input: { id: article.id, baseVersion: 1, changes: { cover: { kind: "card", id: own.id } } },
      }),
    );
    expect(stale.code).toBe("VALIDATION");
  });

  it("serves the cover to whoever may read that copy of the article", async () => {
    const first = await uploadFor(alice.id, 63);
    const second = await uploadFor(alice.id, 64);
    const article = await createArticle(deps, {
      actor: alice,
      input: { title: "Covered", cover: { kind: "upload", id: first.id } },
    });
    const read = (actor: ArticleActor | null, coverId: string) =>
      readArticleCover(coverDeps, { actor, articleId: article.id, coverId });

    // A draft's cover: its author only.
    expect((await read(alice, first.id)).contentType).toBe("image/jpeg");
    expect((await failure(read(bob, first.id))).code).toBe("NOT_FOUND");
    const published = await publishArticle(deps, { actor: alice, input: { id: article.id } });
    expect((await read(bob, first.id)).bytes.length).toBeGreaterThan(100);
    expect((await failure(read(null, first.id))).code).toBe("NOT_FOUND");
    // A new cover in the working copy stays the author's until it is published.
    await updateArticle(deps, {
      actor: alice,
      input: {
        id: article.id,
        baseVersion: published.version,
        changes: { cover: { kind: "upload", id: second.id } },
      },
    });
    expect((await failure(read(bob, second.id))).code).toBe("NOT_FOUND");
    expect((await read(bob, first.id)).contentType).toBe("image/jpeg");
    expect((await read(alice, second.id)).contentType).toBe("image/jpeg");
    // Public: anyone.
    await publishArticle(deps, { actor: alice, input: { id: article.id, isPublic: true } });
    expect((await read(null, second.id)).contentType).toBe("image/jpeg");
    expect((await failure(read(null, "not-a-uuid"))).code).toBe("NOT_FOUND");
  });
});
