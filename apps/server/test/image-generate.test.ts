import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import sharp from "sharp";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { mutate, signUp, startServer, type RunningServer } from "./support";

/**
 * AI images end to end over real HTTP: a server started with IMAGE_PROVIDER=openai pointed at a
 * local OpenAI-compatible stand-in reports its provider, queues `generate.image`, runs the task
 * in its own runner, and serves the images, thumbnails and zip to their owner only. The API key
 * appears in no log line.
 */

const API_KEY = `sk-e2e-${randomUUID()}`;

let fake: { url: string; server: Server; requests: number };
let s: RunningServer;
let owner: { cookie: string };
let other: { cookie: string };
let png: Buffer;

beforeAll(async () => {
  png = await sharp({
    create: { width: 1024, height: 1024, channels: 3, background: "#2255aa" },
  })
    .png()
    .toBuffer();
  const server = createServer((req, res) => {
    fake.requests += 1;
    req.resume();
    req.on("end", () => {
      const ok =
        req.url === "/v1/images/generations" && req.headers.authorization === `Bearer ${API_KEY}`;
      res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify(
          ok ? { created: 1, data: [{ b64_json: png.toString("base64") }] } : { error: {} },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    server,
    requests: 0,
  };
  s = await startServer({
    LOG_LEVEL: "info",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
    IMAGE_PROVIDER: "openai",
    OPENAI_API_KEY: API_KEY,
    OPENAI_BASE_URL: fake.url,
    IMAGE_PROVIDER_QPS: "20",
  });
  owner = await signUp(s.url);
  other = await signUp(s.url);
});

afterAll(async () => {
  await s.stop();
  fake.server.closeAllConnections();
  await new Promise((resolve) => fake.server.close(resolve));
});

const Task = z.object({
  id: z.string(),
  status: z.string(),
  output: z
    .object({
      files: z.array(
        z.object({ name: z.string(), url: z.string(), thumbnailUrl: z.string().optional() }),
      ),
    })
    .nullable(),
});

async function queryJson(path: string, input: unknown, cookie: string): Promise<unknown> {
  const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
  const response = await fetch(`${s.url}/trpc/${path}?input=${encoded}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { result: { data: { json: unknown } } };
  return body.result.data.json;
}

/** A URL from the API (on PUBLIC_URL) as it reaches this test server. */
const local = (url: string) => `${s.url}${new URL(url).pathname}`;

describe("AI images over HTTP", () => {
  it("reports the configured provider", async () => {
    expect(await queryJson("generate.imageProvider", undefined, owner.cookie)).toEqual({
      configured: true,
      provider: "openai",
      model: "gpt-image-1",
    });
  });

  it("makes the images in the background and serves them to their owner", async () => {
    const created = await mutate(
      s.url,
      "generate.image",
      { image: { prompt: "a blue square", width: 1024, height: 1024 } },
      { cookie: owner.cookie },
    );
    expect(created.status).toBe(200);
    const { task: queued } = z
      .object({ result: z.object({ data: z.object({ json: z.object({ task: Task }) }) }) })
      .parse(await created.json()).result.data.json;

    let task = queued;
    for (let i = 0; i < 300 && ["queued", "running"].includes(task.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      task = Task.parse(await queryJson("tasks.byId", { id: queued.id }, owner.cookie));
    }
    expect(task.status).toBe("succeeded");
    const [image, zip] = task.output?.files ?? [];
    expect(image?.name).toBe("image-1.png");
    expect(zip?.name).toBe("images.zip");

    const got = await fetch(local(image?.url ?? ""), { headers: { cookie: owner.cookie } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);

    const thumb = await fetch(local(image?.thumbnailUrl ?? ""), {
      headers: { cookie: owner.cookie },
    });
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 384, 384]);

    const archive = await fetch(local(zip?.url ?? ""), { headers: { cookie: owner.cookie } });
    expect(archive.headers.get("content-type")).toBe("application/zip");
    expect(archive.headers.get("content-disposition")).toMatch(
      /^attachment; filename="images.zip"/,
    );

    // Someone else gets nothing, not even a hint that the file exists.
    const stranger = await fetch(local(image?.url ?? ""), { headers: { cookie: other.cookie } });
    expect(stranger.status).toBe(404);

    expect(fake.requests).toBe(1);
    expect(s.logs.lines.some((line) => line.msg === "image provider ready")).toBe(true);
    expect(s.logs.raw.join("\n")).not.toContain(API_KEY);
  });
});
