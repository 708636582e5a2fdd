import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32, deflateSync } from "node:zlib";

import { OpenAiImageProvider } from "@genflow/core/image-providers";
import { readTaskFile, taskKinds } from "@genflow/core/tasks";
import { builtInTaskKinds } from "@genflow/core/tasks/built-in";
import { IMAGE_GENERATE_KIND, imageGenerateKind } from "@genflow/core/tasks/image-generate";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createTestHarness, failureOf, TEST_BASE_URL, type TestHarness } from "./support";

/**
 * `generate.image` and `generate.imageProvider` through the API: a server without an image
 * provider says so (before and when asked for images); one whose `image.generate` kind talks to
 * a local OpenAI-compatible stand-in queues the task, runs it in the harness's runner and serves
 * the images at the URLs in its output. What the kind stores is covered in core.
 */

const API_KEY = "sk-test-generate-image-0000";

/** A solid-colour RGB PNG, written by hand (this package does not depend on an image library). */
function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill(rgb).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(Array<Buffer>(height).fill(row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** `POST /v1/images/generations` answering `n` base64 images, or `status` when set. */
interface FakeOpenAi {
  url: string;
  images: Buffer[];
  bodies: Record<string, unknown>[];
  status: number;
  close(): Promise<void>;
}

async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const state = { images: [] as Buffer[], bodies: [] as Record<string, unknown>[], status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      state.bodies.push(body);
      const ok =
        req.url === "/v1/images/generations" && req.headers.authorization === `Bearer ${API_KEY}`;
      const status = ok ? state.status : 401;
      res.writeHead(status, { "Content-Type": "application/json" });
      if (status !== 200) {
        res.end(JSON.stringify({ error: { message: "Invalid prompt", code: null } }));
        return;
      }
      const n = typeof body.n === "number" ? body.n : 1;
      const data = Array.from({ length: n }, (_, i) => ({
        b64_json: state.images[i % state.images.length]?.toString("base64"),
      }));
      res.end(JSON.stringify({ created: 1, data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

const image = { prompt: "a lighthouse at dusk", width: 1024, height: 1024 };

describe("without an image provider", () => {
  let h: TestHarness;
  let owner: Awaited<ReturnType<TestHarness["signUp"]>>;

  beforeAll(async () => {
    h = await createTestHarness();
    owner = await h.signUp();
  });

  afterAll(async () => {
    await h.close();
  });

  it("generate.imageProvider reports that none is configured", async () => {
    expect(await h.caller({ cookie: owner.cookie }).generate.imageProvider()).toEqual({
      configured: false,
      provider: null,
      model: null,
    });
    expect((await failureOf(h.caller().generate.imageProvider())).code).toBe("UNAUTHORIZED");
  });

  it("generate.image answers 503 UNAVAILABLE naming what to configure, and queues nothing", async () => {
    const res = await h.http("mutation", "generate.image", { image }, { cookie: owner.cookie });

    expect(res.status).toBe(503);
    expect(res.error?.code).toBe("UNAVAILABLE");
    expect(res.error?.message).toBe(
      "No image provider is configured on this server: set IMAGE_PROVIDER to volcengine (with VOLCENGINE_ACCESS_KEY_ID and VOLCENGINE_SECRET_ACCESS_KEY) or openai (with OPENAI_API_KEY)",
    );
    expect(res.error?.details).toEqual({
      retryable: false,
      variables: [
        "IMAGE_PROVIDER",
        "VOLCENGINE_ACCESS_KEY_ID",
        "VOLCENGINE_SECRET_ACCESS_KEY",
        "OPENAI_API_KEY",
      ],
    });
    const { items } = await h.caller({ cookie: owner.cookie }).tasks.list({});
    expect(items).toEqual([]);
  });

  it("checks the input first: a bad request is VALIDATION with field errors", async () => {
    const res = await h.http(
      "mutation",
      "generate.image",
      { image: { ...image, width: 100, count: 9 } },
      { cookie: owner.cookie },
    );
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe("VALIDATION");
    expect(Object.keys(res.error?.details?.fieldErrors ?? {})).toEqual(["image"]);
  });

  it("builtInTaskKinds registers image.generate only with a provider", () => {
    const storage = h.tasks.storage;
    const generate = h.services.generate;
    expect(
      builtInTaskKinds({ generate, storage, imageProvider: null }).has(IMAGE_GENERATE_KIND),
    ).toBe(false);
    const provider = new OpenAiImageProvider({ apiKey: API_KEY });
    const kinds = builtInTaskKinds({ generate, storage, imageProvider: provider });
    expect([...kinds.keys()].sort()).toEqual(["cards.batch", IMAGE_GENERATE_KIND]);
  });
});

describe("with an OpenAI-compatible provider", () => {
  let h: TestHarness;
  let fake: FakeOpenAi;
  let owner: Awaited<ReturnType<TestHarness["signUp"]>>;
  const red = solidPng(1024, 1024, [200, 30, 30]);
  const blue = solidPng(1024, 1024, [30, 30, 200]);

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    h = await createTestHarness({
      taskKinds: ({ storage }) =>
        taskKinds([
          imageGenerateKind({
            provider: new OpenAiImageProvider({ apiKey: API_KEY, baseUrl: fake.url }),
            storage,
          }),
        ]),
    });
    owner = await h.signUp();
  });

  afterAll(async () => {
    await h.close();
    await fake.close();
  });

  beforeEach(() => {
    fake.images = [red, blue];
    fake.bodies.length = 0;
    fake.status = 200;
  });

  async function settled(id: string) {
    const api = h.caller({ cookie: owner.cookie });
    for (let i = 0; i < 500; i += 1) {
      const task = await api.tasks.byId({ id });
      if (!["queued", "running"].includes(task.status)) return task;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`task ${id} did not finish`);
  }

  it("generate.imageProvider names the provider and model", async () => {
    expect(await h.caller({ cookie: owner.cookie }).generate.imageProvider()).toEqual({
      configured: true,
      provider: "openai",
      model: "gpt-image-1",
    });
  });

  it("queues a task once per key that ends with its images served at their URLs", async () => {
    const api = h.caller({ cookie: owner.cookie });
    const idempotencyKey = randomUUID();

    const first = await api.generate.image({ image: { ...image, count: 2 }, idempotencyKey });
    const again = await api.generate.image({ image: { ...image, count: 2 }, idempotencyKey });

    expect(first.created).toBe(true);
    expect(first.task).toMatchObject({ kind: IMAGE_GENERATE_KIND, maxAttempts: 3 });
    expect(first.task.input).toEqual({ ...image, count: 2 });
    expect(again.created).toBe(false);
    expect(again.task.id).toBe(first.task.id);

    const task = await settled(first.task.id);
    expect(task.status).toBe("succeeded");
    expect(fake.bodies).toEqual([
      { model: "gpt-image-1", prompt: image.prompt, n: 2, size: "1024x1024" },
    ]);
    const files = (task.output?.["files"] ?? []) as Record<string, unknown>[];
    const base = `${TEST_BASE_URL}/api/tasks/${task.id}/files`;
    expect(files.map((f) => [f["name"], f["url"], f["thumbnailUrl"]])).toEqual([
      ["image-1.png", `${base}/image-1.png`, `${base}/image-1-thumb.webp`],
      ["image-2.png", `${base}/image-2.png`, `${base}/image-2-thumb.webp`],
      ["images.zip", `${base}/images.zip`, undefined],
    ]);
    expect(task.output).toMatchObject({ provider: "openai", model: "gpt-image-1" });

    // The names in the URLs are the files the task serves to its owner.
    const read = (name: string) =>
      readTaskFile(h.services, { userId: owner.user.id, input: { taskId: task.id, name } });
    const first1 = await read("image-1.png");
    expect(first1.contentType).toBe("image/png");
    expect(Buffer.from(first1.bytes).equals(red)).toBe(true);
    expect(Buffer.from((await read("image-2.png")).bytes).equals(blue)).toBe(true);
    expect((await read("image-1-thumb.webp")).contentType).toBe("image/webp");
    expect((await read("images.zip")).contentType).toBe("application/zip");
  });

  it("fails the task at once, without retrying, when the provider rejects the prompt", async () => {
    fake.status = 400;
    const { task: queued } = await h
      .caller({ cookie: owner.cookie })
      .generate.image({ image: { ...image, prompt: "something not allowed" } });

    const task = await settled(queued.id);

    expect(task.status).toBe("failed");
    expect(task.attempts).toBe(1);
    expect(task.error).toEqual({
      code: "VALIDATION",
      message: "The OpenAI-compatible image API rejected the request (HTTP 400): Invalid prompt",
    });
    expect(task.output).toBeNull();
  });
});
