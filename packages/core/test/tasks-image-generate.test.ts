import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { unzipSync } from "fflate";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";
import { MemoryPubSub } from "../src/adapters/memory";
import { isDomainError } from "../src/errors";
import {
  ImageProviderError,
  OpenAiImageProvider,
  type OpenAiImageProviderOptions,
} from "../src/image-providers";
import type { Logger } from "../src/ports";
import { isRetryable, taskKinds, type TasksDeps } from "../src/tasks";
import {
  createImageTask,
  IMAGE_GENERATE_KIND,
  ImageGenerateInput,
  imageGenerateFileKeys,
  imageGenerateKind,
  imageProviderOf,
  type ImageGenerateImageFile,
  type ImageGenerateKind,
} from "../src/tasks/kinds/image-generate";
import {
  FAKE_OPENAI_KEY,
  startFakeOpenAi,
  type FakeOpenAi,
} from "./image-providers-support/fake-openai";
import {
  fakePng,
  imageAttempt,
  noisyPng,
  pngClaiming,
  rejection,
} from "./tasks-image-generate-support/harness";

/**
 * `image.generate` with the real OpenAI-compatible client against a local stand-in answering
 * real PNGs: what is stored (images, WebP thumbnails, the zip), progress, stopping, how provider
 * failures are classed for retries, refusing what is not an image, cleanup, and creating the
 * task with and without a provider.
 */

const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

let fake: FakeOpenAi;
let storageDir: string;
let storage: DiskBlobStorage;
let kind: ImageGenerateKind;
let square: Buffer;
let landscape: Buffer;

const provider = (options: Partial<OpenAiImageProviderOptions> = {}) =>
  new OpenAiImageProvider({
    apiKey: FAKE_OPENAI_KEY,
    baseUrl: `${fake.url}/v1`,
    requestTimeoutMs: 5_000,
    ...options,
  });

beforeAll(async () => {
  fake = await startFakeOpenAi();
  storageDir = await mkdtemp(path.join(tmpdir(), "genflow-image-tasks-"));
  storage = new DiskBlobStorage(storageDir);
  kind = imageGenerateKind({ provider: provider(), storage });
  [square, landscape] = await Promise.all([noisyPng(1024, 1024), noisyPng(1536, 1024)]);
});

afterAll(async () => {
  await fake.close();
  await rm(storageDir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.images = [square];
  fake.acceptSeed = false;
  fake.hang = false;
  fake.override = undefined;
});

const prompt = "a lighthouse at dusk";

async function stored(key: string): Promise<Uint8Array> {
  const bytes = await storage.get(key);
  if (!bytes) throw new Error(`nothing stored under ${key}`);
  return bytes;
}

async function nothingStored(taskId: string) {
  for (const key of imageGenerateFileKeys({ id: taskId })) {
    expect(await storage.has(key), key).toBe(false);
  }
}

function expectMonotonicTo100(progress: { percent: number }[]) {
  const percents = progress.map((p) => p.percent);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
  expect(percents.at(-1)).toBe(100);
}

describe("image.generate: the images it stores", () => {
  it("stores every image, a small WebP thumbnail of each and a zip of them all", async () => {
    const second = await noisyPng(1024, 1024);
    fake.images = [square, second];
    const run = imageAttempt({ prompt: `  ${prompt}  `, width: 1024, height: 1024, count: 2 });

    const output = await kind.run(run.ctx);

    const id = run.task.id;
    const image = (n: number): ImageGenerateImageFile => ({
      name: `image-${n}.png`,
      key: `tasks/${id}/image-${n}.png`,
      bytes: (n === 1 ? square : second).byteLength,
      contentType: "image/png",
      width: 1024,
      height: 1024,
      thumbnailName: `image-${n}-thumb.webp`,
      thumbnailKey: `tasks/${id}/image-${n}-thumb.webp`,
      thumbnailContentType: "image/webp",
    });
    const zip = await stored(`tasks/${id}/images.zip`);
    expect(output).toEqual({
      provider: "openai",
      model: "gpt-image-1",
      prompt,
      files: [
        image(1),
        image(2),
        {
          name: "images.zip",
          key: `tasks/${id}/images.zip`,
          bytes: zip.byteLength,
          contentType: "application/zip",
        },
      ],
    });
    // One request for both images, with the trimmed prompt.
    expect(fake.requests.map((r) => r.body)).toEqual([
      { model: "gpt-image-1", prompt, n: 2, size: "1024x1024" },
    ]);

    // The images are the provider's bytes, and decode.
    expect(Buffer.from(await stored(image(1).key)).equals(square)).toBe(true);
    expect(Buffer.from(await stored(image(2).key)).equals(second)).toBe(true);
    for (const n of [1, 2]) {
      const meta = await sharp(await stored(image(n).key)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 1024, 1024]);
      const thumb = await stored(image(n).thumbnailKey);
      const thumbMeta = await sharp(thumb).metadata();
      expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(["webp", 384, 384]);
      expect(thumb.byteLength).toBeLessThan(image(n).bytes / 10);
    }

    // The zip holds every image, byte for byte, and nothing else.
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(["image-1.png", "image-2.png"]);
    expect(Buffer.from(entries["image-1.png"] ?? []).equals(square)).toBe(true);
    expect(Buffer.from(entries["image-2.png"] ?? []).equals(second)).toBe(true);

    // Generation takes the bar to 80%, checking and storing the rest; it never goes back.
    expectMonotonicTo100(run.progress);
    expect(run.progress.at(0)).toEqual({ percent: 0, message: "Requesting 2 images" });
    expect(run.progress.map((p) => p.percent)).toEqual([0, 80, 80, 90, 100]);
    expect(run.progress.at(-1)?.message).toBe("2 images ready");
    expect(run.logs).toEqual([]);
  });

  it("reports the size the provider made, keeps the long side of the thumbnail at 384", async () => {
    fake.images = [landscape];
    const run = imageAttempt({ prompt, width: 800, height: 600 });

    const output = await kind.run(run.ctx);

    // gpt-image-1 makes 1536x1024 for a 4:3 request; the task records what it got.
    expect(fake.requests.map((r) => (r.body as { size: string }).size)).toEqual(["1536x1024"]);
    const [file] = output.files as ImageGenerateImageFile[];
    expect(file).toMatchObject({ name: "image-1.png", width: 1536, height: 1024 });
    const thumb = await sharp(await stored(file?.thumbnailKey ?? "")).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(["webp", 384, 256]);
    expect(run.logs).toEqual([
      expect.objectContaining({
        message: "The provider made 1536x1024 images for the requested 800x600",
      }),
    ]);
    expect(run.progress.at(0)?.message).toBe(
      "Using 1536x1024, the nearest size gpt-image-1 supports to 800x600",
    );
  });

  it("records the seed when the provider pinned it, and names JPEGs .jpg", async () => {
    fake.acceptSeed = true;
    fake.images = [await sharp(square).jpeg({ quality: 80 }).toBuffer()];
    const seeded = imageGenerateKind({ provider: provider({ sendSeed: true }), storage });
    const run = imageAttempt({ prompt, width: 1024, height: 1024, seed: 42 });

    const output = await seeded.run(run.ctx);

    expect((fake.requests[0]?.body as { seed?: number }).seed).toBe(42);
    expect(output.files[0]).toMatchObject({
      name: "image-1.jpg",
      key: `tasks/${run.task.id}/image-1.jpg`,
      contentType: "image/jpeg",
      seed: 42,
    });
    expect(Object.keys(unzipSync(await stored(`tasks/${run.task.id}/images.zip`)))).toEqual([
      "image-1.jpg",
    ]);
  });

  it("cleanup removes every file the task stored", async () => {
    fake.images = [square, landscape];
    const run = imageAttempt({ prompt, width: 1024, height: 1024, count: 2 });
    const output = await kind.run(run.ctx);
    const keys = output.files.flatMap((f) =>
      "thumbnailKey" in f ? [f.key, f.thumbnailKey] : [f.key],
    );
    expect(keys).toHaveLength(5);
    for (const key of keys) expect(await storage.has(key)).toBe(true);

    await kind.cleanup?.({ ...run.task, status: "succeeded", output });

    await nothingStored(run.task.id);
  });
});

describe("image.generate: failures", () => {
  it("stops when the task's signal aborts, storing nothing", async () => {
    fake.hang = true;
    const run = imageAttempt({ prompt, width: 1024, height: 1024 });
    const stop = new Error("canceled by the owner");

    const running = rejection(kind.run(run.ctx));
    for (let i = 0; i < 200 && fake.requests.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fake.requests).toHaveLength(1);
    const started = Date.now();
    run.controller.abort(stop);

    expect(await running).toBe(stop);
    expect(Date.now() - started).toBeLessThan(1_000);
    await nothingStored(run.task.id);
  });

  it("classes a provider's 500 as retryable and its 400 as not", async () => {
    fake.override = () => ({
      status: 500,
      json: { error: { message: "The server had an error" } },
    });
    const down = imageAttempt({ prompt, width: 1024, height: 1024 });
    const outage = await rejection(kind.run(down.ctx));
    expect(outage).toBeInstanceOf(ImageProviderError);
    expect(outage).toMatchObject({ code: "UNAVAILABLE", retryable: true, httpStatus: 500 });
    expect(isRetryable(outage)).toBe(true);
    await nothingStored(down.task.id);

    fake.override = () => ({
      status: 400,
      json: {
        error: {
          message: "Your request was rejected by the safety system.",
          type: "invalid_request_error",
          code: "content_policy_violation",
        },
      },
    });
    const refused = imageAttempt({ prompt, width: 1024, height: 1024 });
    const rejected = await rejection(kind.run(refused.ctx));
    expect(rejected).toMatchObject({ code: "VALIDATION", retryable: false, httpStatus: 400 });
    expect(isRetryable(rejected)).toBe(false);
    await nothingStored(refused.task.id);
  });

  it("refuses bytes that are not an image, even when they start like a PNG", async () => {
    fake.images = [square, fakePng()];
    const run = imageAttempt({ prompt, width: 1024, height: 1024, count: 2 });

    const error = await rejection(kind.run(run.ctx));

    expect(error).toBeInstanceOf(ImageProviderError);
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
      message:
        "The OpenAI-compatible image API returned image 2, which could not be read as a PNG, JPEG or WebP",
    });
    // Nothing is kept from a run whose images are not all good, not even the good one.
    await nothingStored(run.task.id);
  });

  it("refuses a truncated image, whose header alone looks fine", async () => {
    fake.images = [square.subarray(0, Math.floor(square.byteLength / 2))];
    const run = imageAttempt({ prompt, width: 1024, height: 1024 });

    const error = await rejection(kind.run(run.ctx));

    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
    expect((error as Error).message).toContain("could not be read");
    await nothingStored(run.task.id);
  });

  it("refuses an image of more than 50 megapixels unread, for good", async () => {
    fake.images = [pngClaiming(8000, 7000)];
    const run = imageAttempt({ prompt, width: 1024, height: 1024 });

    const error = await rejection(kind.run(run.ctx));

    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: false });
    expect((error as Error).message).toContain("8000×7000 pixels, more than the 50 megapixels");
    expect(isRetryable(error)).toBe(false);
    await nothingStored(run.task.id);
  });
});

describe("image.generate: input", () => {
  it("accepts 256–2048 pixel sides, 1–4 images and prompts up to 2000 characters", () => {
    const ok = ImageGenerateInput.parse({ prompt: " cat ", width: 256, height: 2048 });
    expect(ok).toEqual({ prompt: "cat", width: 256, height: 2048, count: 1 });
    for (const bad of [
      { prompt: "   ", width: 512, height: 512 },
      { prompt: "x".repeat(2001), width: 512, height: 512 },
      { prompt, width: 255, height: 512 },
      { prompt, width: 512, height: 2049 },
      { prompt, width: 512.5, height: 512 },
      { prompt, width: 512, height: 512, count: 5 },
      { prompt, width: 512, height: 512, count: 0 },
      { prompt, width: 512, height: 512, seed: -1 },
      { prompt, width: 512, height: 512, negativePrompt: "x".repeat(1001) },
      { prompt, width: 512, height: 512, style: "anime" },
    ]) {
      expect(ImageGenerateInput.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(
        false,
      );
    }
  });
});

describe("createImageTask", () => {
  let database: TestDatabase;
  let userId: string;
  const deps = (kinds: TasksDeps["tasks"]["kinds"]) => ({
    db: database.db,
    pubsub: new MemoryPubSub({ log: quietLog }),
    log: quietLog,
    clock: { now: () => new Date() },
    tasks: { kinds, storage, queue: { enqueue: () => Promise.resolve() } },
  });

  beforeAll(async () => {
    database = await createTestDatabase(process.env.DATABASE_URL);
    userId = randomUUID();
    await database.db
      .insert(schema.user)
      .values({ id: userId, name: "Ada", email: `${userId}@example.com` });
  });

  afterAll(async () => {
    await database.destroy();
  });

  it("says clearly that no image provider is configured when the kind is not registered", async () => {
    const error = await rejection(
      createImageTask(deps(taskKinds([])), {
        userId,
        input: { prompt, width: 1024, height: 1024 },
      }),
    );
    expect(isDomainError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      message:
        "No image provider is configured on this server: set IMAGE_PROVIDER to volcengine (with VOLCENGINE_ACCESS_KEY_ID and VOLCENGINE_SECRET_ACCESS_KEY) or openai (with OPENAI_API_KEY)",
      details: {
        retryable: false,
        variables: [
          "IMAGE_PROVIDER",
          "VOLCENGINE_ACCESS_KEY_ID",
          "VOLCENGINE_SECRET_ACCESS_KEY",
          "OPENAI_API_KEY",
        ],
      },
    });
    expect(imageProviderOf(taskKinds([]))).toBeNull();
  });

  it("queues the task once per idempotency key when a provider is configured", async () => {
    const kinds = taskKinds([kind]);
    expect(imageProviderOf(kinds)).toEqual({ id: "openai", model: "gpt-image-1" });
    const params = {
      userId,
      input: { prompt, width: 1024, height: 1024, count: 2 },
      idempotencyKey: randomUUID(),
    };

    const first = await createImageTask(deps(kinds), params);
    const again = await createImageTask(deps(kinds), params);

    expect(first.created).toBe(true);
    expect(first.task).toMatchObject({
      kind: IMAGE_GENERATE_KIND,
      status: "queued",
      maxAttempts: 3,
      input: params.input,
      idempotencyKey: params.idempotencyKey,
    });
    expect(again).toEqual({ task: first.task, created: false });

    const invalid = await rejection(
      createImageTask(deps(kinds), { userId, input: { prompt, width: 100, height: 1024 } }),
    );
    expect(invalid).toMatchObject({ code: "VALIDATION" });
  });

  it("refuses a prompt longer than the provider takes when the task is created, not when it runs", async () => {
    const limited = Object.assign(provider(), { maxPromptLength: 20 });
    const kinds = taskKinds([imageGenerateKind({ provider: limited, storage })]);
    const input = { prompt: "a".repeat(21), width: 1024, height: 1024 };
    const error = await rejection(createImageTask(deps(kinds), { userId, input }));
    expect(error).toMatchObject({
      code: "VALIDATION",
      details: { fieldErrors: { prompt: ["At most 20 characters for this image provider"] } },
    });
    const queued = await createImageTask(deps(kinds), {
      userId,
      input: { ...input, prompt: "a".repeat(20) },
    });
    expect(queued.created).toBe(true);
  });
});
