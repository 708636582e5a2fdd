import { createHash, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema, type DbOrTx } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";
import { MemoryCache } from "../src/adapters/memory";
import { sweepUnreferencedFiles, type SweepFilesDeps } from "../src/files";
import { cardIndexKey, lockCardKey } from "../src/generate/cache-key";
import { recordingLogger } from "./adapters-helpers";
import { createUser } from "./generate-pipeline-support/fixtures";

/**
 * The sweep of files nothing refers to, on a real database and a real blob folder: what goes
 * (files whose rows are gone, a crash's temporary files, empty folders) and what stays (files
 * with rows, recent files, photos staged for a batch, keys of shapes it does not know).
 */

let database: TestDatabase;
let root: string;
let deps: SweepFilesDeps;
let userId: string;

const DAY = 86_400_000;
const twoDaysAgo = () => new Date(Date.now() - 2 * DAY);

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  userId = await createUser(database.db, "Sweep");
});
afterAll(() => database.destroy());

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "genflow-sweep-"));
  deps = {
    db: database.db,
    blobs: new DiskBlobStorage(root),
    cache: new MemoryCache(),
    clock: { now: () => new Date() },
    log: recordingLogger().log,
  };
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Writes `key` (through the store) and dates it `at`. */
async function file(key: string, at = twoDaysAgo()): Promise<string> {
  await deps.blobs.put(key, new Uint8Array([1, 2, 3]), { contentType: "application/octet-stream" });
  await utimes(path.join(root, key), at, at);
  return key;
}

/** Every file in the blob folder, as keys. */
async function stored(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .map((relative) => relative.split(path.sep).join("/"))
    .sort();
}

const hashOf = (text: string) => createHash("sha256").update(text).digest("hex");
const cardFile = (key: string, ext: string) => `cards/${key.slice(0, 2)}/${key}.${ext}`;

/** A card of `key`, inserted through `db` (a transaction's, to leave it uncommitted). */
async function insertCard(key: string, db: DbOrTx = database.db): Promise<void> {
  await db.insert(schema.cards).values({
    id: randomUUID(),
    userId,
    key,
    templateId: "quote",
    templateVersion: 1,
    fields: {},
    size: { preset: "og" },
    theme: {},
    format: "png",
    scale: 1,
    quality: 90,
    width: 1200,
    height: 630,
    bytes: 3,
  });
}

async function insertTask(input: Record<string, unknown>, kind = "cards.batch"): Promise<string> {
  const id = randomUUID();
  await database.db.insert(schema.tasks).values({ id, userId, kind, maxAttempts: 1, input });
  return id;
}

describe("sweepUnreferencedFiles", () => {
  it("removes the files whose rows are gone and keeps every other", async () => {
    // Cards: an image with a card, one without (and its cache index entry), one written just now.
    const usedCard = hashOf(`used ${randomUUID()}`);
    await insertCard(usedCard);
    const orphanCard = hashOf(`orphan ${randomUUID()}`);
    const recentCard = hashOf(`recent ${randomUUID()}`);
    await deps.cache.set(cardIndexKey(orphanCard), { bytes: 3 }, 60_000);
    const keep = [
      await file(cardFile(usedCard, "png")),
      await file(cardFile(usedCard, "thumb.webp")),
      await file(cardFile(recentCard, "png"), new Date()),
    ];
    const gone = [
      await file(cardFile(orphanCard, "png")),
      await file(cardFile(orphanCard, "thumb.webp")),
    ];

    // Uploads.
    const upload = randomUUID();
    await database.db.insert(schema.uploads).values({
      id: upload,
      userId,
      mime: "image/png",
      bytes: 3,
      width: 1,
      height: 1,
      sha256: hashOf(upload),
    });
    keep.push(await file(`uploads/${upload}`), await file(`uploads/${randomUUID()}`, new Date()));
    gone.push(await file(`uploads/${randomUUID()}`));

    // Cut-outs: one with its row, one staged for a batch that has not made it yet, one gone.
    const cutout = randomUUID();
    await database.db.insert(schema.cutouts).values({
      id: cutout,
      userId,
      sourceMime: "image/jpeg",
      sourceBytes: 3,
      width: 1,
      height: 1,
      model: "u2netp",
      tier: "fast",
      maskOptions: {},
      inferMs: 1,
    });
    const staged = randomUUID();
    await insertTask(
      { items: [{ uploadId: randomUUID() }, { stagedId: staged, fileName: null }] },
      "cutout.batch",
    );
    // The same id in another kind's input does not keep a photo.
    const notStaged = randomUUID();
    await insertTask({ items: [{ stagedId: notStaged }] });
    keep.push(
      await file(`cutouts/${cutout}/source`),
      await file(`cutouts/${cutout}/mask.png`),
      await file(`cutouts/${staged}/source`),
    );
    const goneCutout = randomUUID();
    gone.push(
      await file(`cutouts/${goneCutout}/source`),
      await file(`cutouts/${goneCutout}/cutout.png`),
      await file(`cutouts/${notStaged}/source`),
    );

    // Tasks.
    const task = await insertTask({});
    keep.push(await file(`tasks/${task}/cards.zip`));
    gone.push(await file(`tasks/${randomUUID()}/images.zip`));

    // Keys of shapes the sweep does not know stay, whatever their age.
    keep.push(
      await file("cards/zz/not-a-card.png"),
      await file(`cards/00/${usedCard.replace(/^../, "ff")}.png`),
      await file("uploads/not-an-id"),
      await file(`uploads/${randomUUID()}/nested`),
      await file(`tasks/${randomUUID()}`),
      await file("elsewhere/file.bin"),
    );

    // A write a crash cut short, and one under way.
    const abandoned = `${cardFile(usedCard, "png")}.${randomUUID()}.tmp`;
    await writeFile(path.join(root, abandoned), "x");
    await utimes(path.join(root, abandoned), twoDaysAgo(), twoDaysAgo());
    const writing = `${cardFile(usedCard, "png")}.${randomUUID()}.tmp`;
    await writeFile(path.join(root, writing), "x");
    keep.push(writing);
    // A folder emptied long ago, and one just made.
    const emptied = path.join(root, "tasks", randomUUID());
    await mkdir(emptied, { recursive: true });
    await utimes(emptied, twoDaysAgo(), twoDaysAgo());
    const fresh = path.join(root, "tasks", randomUUID());
    await mkdir(fresh, { recursive: true });

    const result = await sweepUnreferencedFiles(deps, { batchSize: 2 });

    expect(await stored()).toEqual([...keep].sort());
    expect(result).toEqual({ removed: gone.length, leftovers: 2 });
    expect(await deps.cache.get(cardIndexKey(orphanCard))).toBeUndefined();
    expect(await readdir(path.join(root, "tasks"))).toContain(path.basename(fresh));
    expect(await readdir(path.join(root, "tasks"))).not.toContain(path.basename(emptied));

    // Nothing more to do the second time.
    expect(await sweepUnreferencedFiles(deps)).toEqual({ removed: 0, leftovers: 0 });
  });

  it("with a shorter grace, sweeps younger files too", async () => {
    const orphan = await file(`uploads/${randomUUID()}`, new Date(Date.now() - 10 * 60_000));
    expect((await sweepUnreferencedFiles(deps)).removed).toBe(0);
    expect(await stored()).toEqual([orphan]);
    expect((await sweepUnreferencedFiles(deps, { graceMs: 60_000 })).removed).toBe(1);
    expect(await stored()).toEqual([]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "keeps the image of a card committed while the sweep waits for its key",
    async () => {
      const key = hashOf(`late ${randomUUID()}`);
      const image = await file(cardFile(key, "png"));
      let sweep: Promise<unknown> | undefined;
      // A card of this key being made: its key's lock held, its row not yet committed.
      await database.db.transaction(async (tx) => {
        await lockCardKey(tx, key);
        await insertCard(key, tx);
        sweep = sweepUnreferencedFiles(deps);
        // The sweep found no card for the key and now waits for its lock.
        for (let waited = 0; ; waited += 20) {
          const [waiting] = await database.db
            .select({ n: sql<number>`count(*)::int` })
            .from(sql`pg_locks`)
            .where(
              sql`locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
            );
          if (waiting?.n) break;
          if (waited > 10_000) throw new Error("the sweep never waited for the key");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      await sweep;
      expect(await stored()).toEqual([image]);
    },
  );
});
