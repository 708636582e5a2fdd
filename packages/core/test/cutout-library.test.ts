import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";
import { MemoryPubSub } from "../src/adapters/memory";
import {
  builtInModelConfig,
  composeCutoutOutput,
  cutoutKeys,
  deleteCutout,
  listCutouts,
  processCutout,
  readCutoutFile,
  refineAlpha,
  type CutoutEngine,
  type CutoutServices,
} from "../src/cutout";
import type { TaskRunContext } from "../src/tasks";
import { taskKinds } from "../src/tasks/kinds";
import {
  cutoutBatchKind,
  startCutout,
  type CutoutBatchJob,
  type CutoutBatchOutput,
} from "../src/tasks/kinds/cutout-batch";
import { createUpload, DEFAULT_UPLOAD_LIMITS } from "../src/uploads";
import { recordingLogger } from "./adapters-helpers";
import { failure } from "./generate-pipeline-support/cards-suite";
import { createUser, steppingClock } from "./generate-pipeline-support/fixtures";

/**
 * Stored cut-outs on a real database and blob folder, with an engine that answers a known mask
 * (the left half of the square): what is kept, what is made again without the model, who sees
 * what, batches and their retries. The models themselves are tested in cutout.test.ts.
 */

const SIZE = 64;

/** Marks the left half of every image as subject, and counts its calls. */
class HalfMaskEngine implements CutoutEngine {
  calls = 0;
  segment(...[, , options]: Parameters<CutoutEngine["segment"]>) {
    this.calls += 1;
    const square = new Uint8Array(SIZE * SIZE);
    for (let y = 0; y < SIZE; y++) square.fill(255, y * SIZE, y * SIZE + SIZE / 2);
    // As the real engine: the refined alpha at the photo's size when asked for.
    const refine = options?.refine;
    const mask = refine
      ? refineAlpha({ mask: square, size: SIZE, ...refine }, refine.options)
      : square;
    return Promise.resolve({ mask, inferMs: 5, loadMs: undefined });
  }
  stats() {
    return { queued: 0, running: 0, p50InferMs: 5 };
  }
  models() {
    return new Map();
  }
  close() {
    return Promise.resolve();
  }
}

let database: TestDatabase;
let blobDir: string;
let engine: HalfMaskEngine;
let deps: CutoutServices;
let alice: string;
let bob: string;

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  blobDir = await mkdtemp(path.join(tmpdir(), "genflow-cutouts-"));
  engine = new HalfMaskEngine();
  const model = { ...builtInModelConfig("isnet-small", blobDir), inputSize: SIZE };
  deps = {
    db: database.db,
    log: recordingLogger().log,
    clock: steppingClock(),
    blobs: new DiskBlobStorage(blobDir),
    engine,
    models: { fast: model, quality: { ...model, id: "isnet-medium" } },
    registry: () => [],
  };
  alice = await createUser(database.db, "Alice");
  bob = await createUser(database.db, "Bob");
});

afterAll(async () => {
  await database.destroy();
  await rm(blobDir, { recursive: true, force: true });
});

/** A 200×100 photo: red on the left, blue on the right. */
function photo(format: "jpeg" | "png" = "png") {
  const image = sharp({
    create: { width: 200, height: 100, channels: 3, background: "#0000ff" },
  }).composite([
    {
      input: { create: { width: 100, height: 100, channels: 3, background: "#ff0000" } },
      left: 0,
      top: 0,
    },
  ]);
  return (format === "png" ? image.png() : image.jpeg()).toBuffer();
}

async function pixel(bytes: Uint8Array, x: number, y: number) {
  const { data, info } = await sharp(bytes)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * 4;
  return [...data.subarray(at, at + 4)];
}

describe("processCutout", () => {
  it("keeps the photo, its mask and the output, and serves them to their owner only", async () => {
    const before = engine.calls;
    const { cutout, output, timings } = await processCutout(deps, {
      userId: alice,
      source: { bytes: await photo("jpeg"), fileName: "C:\\photos\\red.jpg" },
      options: { tier: "fast" },
    });
    expect(engine.calls).toBe(before + 1);
    expect(cutout).toMatchObject({
      fileName: "red.jpg",
      sourceMime: "image/jpeg",
      width: 200,
      height: 100,
      model: "isnet-small",
      tier: "fast",
    });
    expect(cutout.outputs).toEqual([output]);
    expect(output).toMatchObject({ contentType: "image/png", width: 200, height: 100 });
    expect(timings.inferMs).toBe(5);

    const image = await readCutoutFile(deps, { userId: alice, id: cutout.id, name: output.name });
    const [red, green, blue, alpha] = await pixel(image.bytes, 20, 50);
    expect(red).toBeGreaterThan(240);
    expect(Math.max(green ?? 255, blue ?? 255)).toBeLessThan(15);
    expect(alpha).toBe(255);
    expect((await pixel(image.bytes, 180, 50))[3]).toBe(0);
    const mask = await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "mask.png" });
    expect(mask.contentType).toBe("image/png");
    expect((await sharp(mask.bytes).metadata()).channels).toBe(1);
    const source = await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "source" });
    expect(source.contentType).toBe("image/jpeg");

    expect(
      (await failure(readCutoutFile(deps, { userId: bob, id: cutout.id, name: "source" }))).code,
    ).toBe("NOT_FOUND");
    expect(
      (await failure(readCutoutFile(deps, { userId: alice, id: cutout.id, name: "../../etc" })))
        .code,
    ).toBe("NOT_FOUND");
    expect((await listCutouts(deps, { userId: bob })).items).toEqual([]);
    expect((await listCutouts(deps, { userId: alice })).items.map((c) => c.id)).toContain(
      cutout.id,
    );
  });

  it("cuts out one of the user's uploads, and not anyone else's", async () => {
    const uploads = { ...deps, limits: DEFAULT_UPLOAD_LIMITS };
    const { upload } = await createUpload(uploads, {
      userId: alice,
      bytes: await photo(),
      fileName: "u.png",
    });
    const { cutout } = await processCutout(deps, {
      userId: alice,
      source: { uploadId: upload.id },
    });
    expect(cutout).toMatchObject({ uploadId: upload.id, fileName: "u.png", tier: "quality" });
    const error = await failure(
      processCutout(deps, { userId: bob, source: { uploadId: upload.id } }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });

  it("refuses bad photos and options with clear errors, storing nothing", async () => {
    const count = async () =>
      (await database.db.select().from(schema.cutouts).where(eq(schema.cutouts.userId, bob)))
        .length;
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(), "VALIDATION"],
      [Buffer.from("this is text, not a picture"), "VALIDATION"],
      [(await photo("jpeg")).subarray(0, 400), "VALIDATION"],
      [new Uint8Array(26 * 1024 * 1024), "PAYLOAD_TOO_LARGE"],
    ];
    for (const [bytes, code] of cases) {
      const error = await failure(processCutout(deps, { userId: bob, source: { bytes } }));
      expect(error.code).toBe(code);
      expect(error.message).not.toMatch(/\/|sharp|vips/i);
    }
    const bad = await failure(
      processCutout(deps, {
        userId: bob,
        source: { bytes: await photo() },
        options: { background: { type: "color", color: "red" } } as never,
      }),
    );
    expect(bad.code).toBe("VALIDATION");
    expect(await count()).toBe(0);
  });
});

describe("mask options", () => {
  async function maskValues(options: Parameters<typeof processCutout>[1]["options"]) {
    const { cutout } = await processCutout(deps, {
      userId: alice,
      source: { bytes: await photo() },
      options: { ...options, output: "mask" },
    });
    const mask = await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "mask.png" });
    const { data } = await sharp(mask.bytes)
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return new Set(data);
  }

  it("makes hard edges with a threshold, and soft ones with a feather", async () => {
    const plain = await maskValues({});
    expect(plain.size).toBeGreaterThan(2);
    expect([...(await maskValues({ threshold: 128 }))].sort((a, b) => a - b)).toEqual([0, 255]);
    expect((await maskValues({ threshold: 128, feather: 6 })).size).toBeGreaterThan(plain.size);
  });
});

describe("composeCutoutOutput", () => {
  it("makes more images from the stored mask without the model, once per set of options", async () => {
    const { cutout } = await processCutout(deps, {
      userId: alice,
      source: { bytes: await photo() },
    });
    const calls = engine.calls;

    const gradient = {
      background: { type: "gradient", from: "#00ff00", to: "#000000", angle: 180 },
    } as const;
    const first = await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: cutout.id, options: gradient },
    });
    const again = await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: cutout.id, options: gradient },
    });
    expect(again.output.name).toBe(first.output.name);
    expect(again.cutout.outputs).toHaveLength(2);
    const image = (
      await readCutoutFile(deps, { userId: alice, id: cutout.id, name: first.output.name })
    ).bytes;
    // The right half is background: green at the top, near black at the bottom.
    const [red, green, blue, alpha] = await pixel(image, 190, 0);
    expect([red, blue, alpha]).toEqual([0, 0, 255]);
    expect(green).toBeGreaterThan(245);
    expect((await pixel(image, 190, 99))[1]).toBeLessThan(10);

    const cropped = await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: cutout.id, options: { output: "mask", crop: { margin: 0 } } },
    });
    // The left half, give or take the mask's soft edge.
    expect(cropped.output).toMatchObject({ height: 100, contentType: "image/png" });
    expect(Math.abs(cropped.output.width - 100)).toBeLessThanOrEqual(2);
    const webp = await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: cutout.id, options: { format: "webp", background: { type: "blur", sigma: 4 } } },
    });
    expect(webp.output.contentType).toBe("image/webp");
    expect(engine.calls).toBe(calls);

    const other = await failure(
      composeCutoutOutput(deps, { userId: bob, input: { id: cutout.id } }),
    );
    expect(other.code).toBe("NOT_FOUND");
  });

  it("puts the subject on one of the user's uploads, scaled to cover", async () => {
    const uploads = { ...deps, limits: DEFAULT_UPLOAD_LIMITS };
    const backdrop = await sharp({
      create: { width: 40, height: 40, channels: 3, background: "#ffff00" },
    })
      .png()
      .toBuffer();
    const { upload } = await createUpload(uploads, { userId: alice, bytes: backdrop });
    const { cutout } = await processCutout(deps, {
      userId: alice,
      source: { bytes: await photo() },
    });
    const { output } = await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: cutout.id, options: { background: { type: "image", uploadId: upload.id } } },
    });
    const image = (await readCutoutFile(deps, { userId: alice, id: cutout.id, name: output.name }))
      .bytes;
    expect(await pixel(image, 190, 50)).toEqual([255, 255, 0, 255]);
    const error = await failure(
      composeCutoutOutput(deps, {
        userId: bob,
        input: { id: cutout.id, options: { background: { type: "image", uploadId: upload.id } } },
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });

  it("deletes a cut-out with every file it made", async () => {
    const { cutout, output } = await processCutout(deps, {
      userId: alice,
      source: { bytes: await photo() },
    });
    const extra = await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: cutout.id, options: { output: "mask" } },
    });
    await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "thumb.webp" });
    await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "preview.webp" });
    expect((await failure(deleteCutout(deps, { userId: bob, id: cutout.id }))).code).toBe(
      "NOT_FOUND",
    );
    await deleteCutout(deps, { userId: alice, id: cutout.id });
    for (const key of [
      cutoutKeys.source(cutout.id),
      cutoutKeys.mask(cutout.id),
      cutoutKeys.output(cutout.id, output.name),
      cutoutKeys.output(cutout.id, extra.output.name),
      cutoutKeys.view(cutout.id, "thumb.webp"),
      cutoutKeys.view(cutout.id, "preview.webp"),
    ]) {
      expect(await deps.blobs.has(key)).toBe(false);
    }
    expect(
      (await failure(readCutoutFile(deps, { userId: alice, id: cutout.id, name: "source" }))).code,
    ).toBe("NOT_FOUND");
  });
});

describe("a cut-out's views", () => {
  it("makes a WebP copy of the photo (upright, TIFF too) and a thumbnail of the subject, once", async () => {
    // A 1200×500 TIFF stored sideways (EXIF orientation 6): upright it is 500 wide, 1200 high.
    const sideways = await sharp({
      create: { width: 1200, height: 500, channels: 3, background: "#0000ff" },
    })
      .composite([
        {
          input: { create: { width: 600, height: 500, channels: 3, background: "#ff0000" } },
          left: 0,
          top: 0,
        },
      ])
      .withMetadata({ orientation: 6 })
      .tiff()
      .toBuffer();
    const { cutout } = await processCutout(deps, {
      userId: alice,
      source: { bytes: sideways, fileName: "scan.tiff" },
    });
    expect(cutout).toMatchObject({ sourceMime: "image/tiff", width: 500, height: 1200 });

    const preview = await readCutoutFile(deps, {
      userId: alice,
      id: cutout.id,
      name: "preview.webp",
    });
    expect(preview.contentType).toBe("image/webp");
    expect(await sharp(preview.bytes).metadata()).toMatchObject({
      format: "webp",
      width: 500,
      height: 1200,
    });
    // Upright: the red half (the left of the stored pixels) is now on top.
    expect((await pixel(preview.bytes, 250, 100)).slice(0, 3)).toEqual([
      expect.closeTo(255, -1),
      expect.closeTo(0, -1),
      expect.closeTo(0, -1),
    ]);

    // The engine's mask is the left half of the upright photo: the thumbnail is that half,
    // with a little room on the transparent side, shrunk to fit 384².
    const thumb = await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "thumb.webp" });
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta).toMatchObject({ format: "webp", hasAlpha: true, height: 384 });
    expect(meta.width).toBeLessThan(384 * 0.3);
    expect((await pixel(thumb.bytes, 5, 192))[3]).toBeGreaterThan(200);
    expect((await pixel(thumb.bytes, (meta.width ?? 0) - 1, 192))[3]).toBeLessThan(30);

    // Kept: asked again, it is the same file, even with the photo gone.
    await deps.blobs.delete(cutoutKeys.source(cutout.id));
    const again = await readCutoutFile(deps, { userId: alice, id: cutout.id, name: "thumb.webp" });
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(thumb.bytes))).toBe(0);
    expect(
      (await failure(readCutoutFile(deps, { userId: bob, id: cutout.id, name: "thumb.webp" })))
        .code,
    ).toBe("NOT_FOUND");
  });
});

describe("cutout.batch", () => {
  function runContext(taskId: string, userId: string, input: CutoutBatchJob) {
    const logs: Record<string, unknown>[] = [];
    const progress: number[] = [];
    const ctx: TaskRunContext<CutoutBatchJob> = {
      task: { id: taskId } as TaskRunContext<CutoutBatchJob>["task"],
      userId,
      input,
      attempt: 1,
      signal: new AbortController().signal,
      progress: (percent) => {
        progress.push(percent);
        return Promise.resolve();
      },
      log: (entry) => {
        logs.push(entry);
        return Promise.resolve();
      },
    };
    return { ctx, logs, progress };
  }

  it("cuts out each photo, reports the ones it cannot use, zips the rest, and a retry makes nothing twice", async () => {
    const kind = cutoutBatchKind({ cutout: deps, storage: deps.blobs });
    const uploads = { ...deps, limits: DEFAULT_UPLOAD_LIMITS };
    const { upload } = await createUpload(uploads, {
      userId: alice,
      bytes: await photo("jpeg"),
      fileName: "one.jpg",
    });
    const input = kind.input.parse({
      items: [{ uploadId: upload.id }, { uploadId: randomUUID() }, { uploadId: upload.id }],
      options: { format: "webp" },
    });
    const taskId = randomUUID();
    const first = runContext(taskId, alice, input);
    const output: CutoutBatchOutput = await kind.run(first.ctx);
    expect(output).toMatchObject({ succeeded: 2, failed: 1 });
    expect(output.items[1]).toMatchObject({ cutoutId: null, error: { code: "NOT_FOUND" } });
    expect(first.progress.at(-1)).toBe(100);
    expect(first.logs).toHaveLength(3);
    const zip = await deps.blobs.get(output.files[0]?.key ?? "");
    expect(Object.keys(unzipSync(zip ?? new Uint8Array()))).toEqual(["one.webp", "one-2.webp"]);

    // Each cut-out keeps its photo, so more images can be made from it.
    const made = output.items[0]?.cutoutId ?? "";
    const source = await readCutoutFile(deps, { userId: alice, id: made, name: "source" });
    expect(source.contentType).toBe("image/jpeg");
    await composeCutoutOutput(deps, {
      userId: alice,
      input: { id: made, options: { output: "mask" } },
    });
    expect(first.logs[0]).toMatchObject({ cutoutId: made, output: output.items[0]?.output });

    const calls = engine.calls;
    const second = await kind.run(runContext(taskId, alice, input).ctx);
    expect(second.items.map((item) => item.cutoutId)).toEqual(
      output.items.map((item) => item.cutoutId),
    );
    expect(engine.calls).toBe(calls);
  });

  it("queues photos over the size limit for immediate answers as a one-photo batch", async () => {
    const big = await sharp({
      create: { width: 4200, height: 4000, channels: 3, background: "#123456" },
    })
      .png()
      .toBuffer();
    const created: unknown[] = [];
    const kinds = taskKinds([cutoutBatchKind({ cutout: deps, storage: deps.blobs })]);
    const started = await startCutout(
      {
        cutout: deps,
        tasks: {
          db: database.db,
          pubsub: new MemoryPubSub(),
          log: recordingLogger().log,
          clock: deps.clock,
          tasks: {
            kinds,
            storage: deps.blobs,
            queue: {
              enqueue: (task) => {
                created.push(task);
                return Promise.resolve();
              },
            },
          },
        },
      },
      { userId: alice, source: { bytes: big, fileName: "big.png" } },
    );
    expect(started.status).toBe("queued");
    if (started.status !== "queued") return;
    expect(started.task.kind).toBe("cutout.batch");
    expect(created).toHaveLength(1);
    const item = (started.task.input as CutoutBatchJob).items[0];
    expect(
      item && "stagedId" in item && (await deps.blobs.has(cutoutKeys.source(item.stagedId))),
    ).toBe(true);
  });
});
