import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";
import {
  cleanFileName,
  createUpload,
  DEFAULT_UPLOAD_LIMITS,
  deleteUpload,
  listUploads,
  readUpload,
  type UploadDeps,
  type UploadLimits,
} from "../src/uploads";
import { recordingLogger } from "./adapters-helpers";
import { failure } from "./generate-pipeline-support/cards-suite";
import { createUser, steppingClock } from "./generate-pipeline-support/fixtures";
import {
  photoBytes,
  pixelBombPng,
  pngClaiming,
  transparentPngBytes,
} from "./generate-pipeline-support/images";

/**
 * Uploads on a real database and a real blob folder: what the bytes must be, the limits, one
 * upload per picture and user, no bytes left without a row, and who may see or delete what.
 */

let database: TestDatabase;
let blobDir: string;
let deps: UploadDeps;
let alice: string;
let bob: string;

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  blobDir = await mkdtemp(path.join(tmpdir(), "genflow-uploads-"));
  deps = {
    db: database.db,
    log: recordingLogger().log,
    clock: steppingClock(),
    blobs: new DiskBlobStorage(blobDir),
    limits: DEFAULT_UPLOAD_LIMITS,
  };
  alice = await createUser(database.db, "Alice");
  bob = await createUser(database.db, "Bob");
});

afterAll(async () => {
  await database.destroy();
  await rm(blobDir, { recursive: true, force: true });
});

/** Files in blob storage under uploads/. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(path.join(blobDir, "uploads"), { withFileTypes: true }).catch(
    () => [],
  );
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

const withLimits = (limits: Partial<UploadLimits>): UploadDeps => ({
  ...deps,
  limits: { ...DEFAULT_UPLOAD_LIMITS, ...limits },
});

/** A PNG no other test uploads (its colour is random). */
async function uniquePng(width = 24, height = 16): Promise<Buffer> {
  const [r, g, b] = [0, 0, 0].map(() => Math.floor(Math.random() * 256));
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

describe("createUpload", () => {
  it("keeps a PNG, a JPEG and a WebP with their type, size, pixels and digest", async () => {
    const png = await transparentPngBytes(40, 30);
    const jpeg = await photoBytes(64, 48);
    const webp = await sharp(await uniquePng(20, 10))
      .webp()
      .toBuffer();
    for (const [bytes, mime, width, height] of [
      [png, "image/png", 40, 30],
      [jpeg, "image/jpeg", 64, 48],
      [webp, "image/webp", 20, 10],
    ] as const) {
      const { upload, created } = await createUpload(deps, {
        userId: alice,
        bytes,
        fileName: "picture.bin",
      });
      expect(created).toBe(true);
      expect(upload).toMatchObject({
        mime,
        width,
        height,
        bytes: bytes.byteLength,
        fileName: "picture.bin",
        sha256: createHash("sha256").update(bytes).digest("hex"),
        ref: `upload:${upload.id}`,
      });
      const stored = await readUpload(deps, { userId: alice, id: upload.id });
      expect(Buffer.from(stored.bytes).equals(bytes)).toBe(true);
      expect(stored.upload).toEqual(upload);
    }
  });

  it("reports the size as displayed, after the EXIF orientation", async () => {
    // Stored 60×20, shown rotated a quarter turn.
    const rotated = await sharp(await photoBytes(60, 20))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const { upload } = await createUpload(deps, { userId: bob, bytes: rotated });
    expect([upload.width, upload.height]).toEqual([20, 60]);
  });

  it("goes by the bytes: anything but PNG, JPEG and WebP is refused, and so is an empty file", async () => {
    const before = await storedFiles();
    const samples = [
      Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from("%PDF-1.7\n"),
      Buffer.from([0x89, 0x50, 0x4e]),
    ];
    for (const bytes of samples) {
      const error = await failure(createUpload(deps, { userId: alice, bytes }));
      expect(error.code).toBe("VALIDATION");
      expect(error.message).toBe("Only PNG, JPEG and WebP images can be uploaded");
      expect(error.details).toMatchObject({ fieldErrors: { file: [error.message] } });
    }
    const empty = await failure(createUpload(deps, { userId: alice, bytes: new Uint8Array() }));
    expect([empty.code, empty.message]).toEqual(["VALIDATION", "The file is empty"]);
    // A PNG signature over garbage is not an image either.
    const garbage = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(64, 1)]);
    const unreadable = await failure(createUpload(deps, { userId: alice, bytes: garbage }));
    expect(unreadable.message).toBe("The file could not be read as an image");
    expect(await storedFiles()).toEqual(before);
  });

  it("refuses a file over the size limit with PAYLOAD_TOO_LARGE naming the limit", async () => {
    const bytes = await photoBytes(300, 300);
    expect(bytes.byteLength).toBeGreaterThan(100);
    const limited = withLimits({ maxBytes: 100 });
    const error = await failure(createUpload(limited, { userId: alice, bytes }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.details).toEqual({ limitBytes: 100, bytes: bytes.byteLength });
    expect(error.message).toMatch(
      /^The image is too large \(\d+ KB\); uploads may be at most 1 KB$/,
    );

    const big = Buffer.alloc(DEFAULT_UPLOAD_LIMITS.maxBytes + 1);
    big.set([0x89, 0x50, 0x4e, 0x47]);
    const tooBig = await failure(createUpload(deps, { userId: alice, bytes: big }));
    expect(tooBig.code).toBe("PAYLOAD_TOO_LARGE");
    expect(tooBig.message).toBe("The image is too large (10 MB); uploads may be at most 10 MB");
  });

  it("refuses pixel bombs by their header, before decoding, naming the pixel limit", async () => {
    const before = await storedFiles();
    // 64 megapixels in a few kilobytes.
    const bomb = await pixelBombPng();
    const error = await failure(createUpload(deps, { userId: alice, bytes: bomb }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toBe(
      "The image has too many pixels (8000×8000); uploads may have at most 25 megapixels",
    );
    expect(error.details).toEqual({ limitPixels: 25_000_000, width: 8000, height: 8000 });

    // Ten gigapixels claimed by a 100-byte file: decoding would never finish.
    const claim = await pngClaiming(100_000, 100_000);
    expect(claim.byteLength).toBeLessThan(200);
    const started = performance.now();
    const claimed = await failure(createUpload(deps, { userId: alice, bytes: claim }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(claimed.details).toMatchObject({ width: 100_000, height: 100_000 });

    const strict = withLimits({ maxPixels: 1000 });
    const small = await failure(
      createUpload(strict, { userId: alice, bytes: await photoBytes(40, 30) }),
    );
    expect(small.message).toBe(
      "The image has too many pixels (40×30); uploads may have at most 1,000 pixels",
    );
    expect(await storedFiles()).toEqual(before);
  });

  it("gives the same bytes from the same user back as the upload they already have", async () => {
    const bytes = await uniquePng();
    const first = await createUpload(deps, { userId: alice, bytes, fileName: "one.png" });
    const again = await createUpload(deps, { userId: alice, bytes, fileName: "two.png" });
    expect(again).toEqual({ upload: first.upload, created: false });
    const theirs = await createUpload(deps, { userId: bob, bytes });
    expect(theirs.created).toBe(true);
    expect(theirs.upload.id).not.toBe(first.upload.id);

    const rows = await database.db
      .select({ id: schema.uploads.id })
      .from(schema.uploads)
      .where(eq(schema.uploads.sha256, first.upload.sha256));
    expect(rows).toHaveLength(2);
    const files = await storedFiles();
    expect(files.filter((name) => name === first.upload.id || name === theirs.upload.id)).toEqual(
      expect.arrayContaining([first.upload.id, theirs.upload.id]),
    );
  });

  it("gives concurrent uploads of the same bytes one upload", async () => {
    const bytes = await uniquePng();
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => createUpload(deps, { userId: bob, bytes })),
    );
    expect(new Set(results.map((r) => r.upload.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it("leaves no bytes behind when the row cannot be written", async () => {
    const before = await storedFiles();
    // No such user: the bytes are stored, then the insert breaks its foreign key.
    const error = await createUpload(deps, {
      userId: `ghost-${randomUUID()}`,
      bytes: await uniquePng(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await storedFiles()).toEqual(before);
  });

  it("refuses uploads past the per-user cap with LIMIT_EXCEEDED, but still finds existing ones", async () => {
    const carol = await createUser(database.db, "Carol");
    const capped = withLimits({ maxPerUser: 2 });
    const first = await createUpload(capped, { userId: carol, bytes: await uniquePng() });
    await createUpload(capped, { userId: carol, bytes: await uniquePng() });
    const before = await storedFiles();
    const error = await failure(createUpload(capped, { userId: carol, bytes: await uniquePng() }));
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.message).toBe(
      "You have 2 uploaded images, the most you may keep; delete some to upload more",
    );
    expect(error.details).toEqual({ limit: 2 });
    expect(await storedFiles()).toEqual(before);

    const bytes = await readUpload(deps, { userId: carol, id: first.upload.id });
    const again = await createUpload(capped, { userId: carol, bytes: bytes.bytes });
    expect([again.created, again.upload.id]).toEqual([false, first.upload.id]);

    // Deleting one makes room.
    await deleteUpload(deps, { userId: carol, id: first.upload.id });
    const room = await createUpload(capped, { userId: carol, bytes: await uniquePng() });
    expect(room.created).toBe(true);
  });

  it("keeps the file's own name only, without control characters", () => {
    expect(cleanFileName("C:\\Users\\ada\\Pictures\\me.png")).toBe("me.png");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("evil\u202Egnp.exe")).toBe("evil gnp.exe");
    expect(cleanFileName("  tab\tand\nnewline.jpg ")).toBe("tab and newline.jpg");
    expect(cleanFileName("   ")).toBeNull();
    expect(cleanFileName(undefined)).toBeNull();
    expect(Array.from(cleanFileName("é".repeat(300)) ?? "")).toHaveLength(200);
  });
});

describe("listUploads", () => {
  it("pages through the user's own uploads, newest first", async () => {
    const dave = await createUser(database.db, "Dave");
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await createUpload(deps, { userId: dave, bytes: await uniquePng() })).upload.id);
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUploads(deps, { userId: dave, limit: 2, cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...made].reverse());

    const bad = await failure(listUploads(deps, { userId: dave, cursor: "bm9wZQ" }));
    expect(bad.code).toBe("VALIDATION");
    expect((await listUploads(deps, { userId: await createUser(database.db) })).items).toEqual([]);
  });
});

describe("readUpload and deleteUpload", () => {
  it("show and delete an upload for its owner only, as if it did not exist to anyone else", async () => {
    const { upload } = await createUpload(deps, { userId: alice, bytes: await uniquePng() });
    for (const [userId, id] of [
      [bob, upload.id],
      [alice, randomUUID()],
      [alice, "../../etc/passwd"],
    ] as const) {
      const hidden = await failure(readUpload(deps, { userId, id }));
      expect([hidden.code, hidden.message]).toEqual(["NOT_FOUND", "Upload not found"]);
    }
    const denied = await failure(deleteUpload(deps, { userId: bob, id: upload.id }));
    expect([denied.code, denied.message]).toEqual(["NOT_FOUND", "Upload not found"]);
    expect((await storedFiles()).includes(upload.id)).toBe(true);

    await deleteUpload(deps, { userId: alice, id: upload.id });
    expect((await storedFiles()).includes(upload.id)).toBe(false);
    expect((await failure(readUpload(deps, { userId: alice, id: upload.id }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await failure(deleteUpload(deps, { userId: alice, id: upload.id }))).code).toBe(
      "NOT_FOUND",
    );
    const invalid = await failure(deleteUpload(deps, { userId: alice, id: "42" }));
    expect(invalid.code).toBe("VALIDATION");
    expect(invalid.details).toMatchObject({ fieldErrors: { id: [expect.any(String)] } });
  });
});
