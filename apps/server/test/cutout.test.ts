import { randomUUID } from "node:crypto";

import sharp from "sharp";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  mutate,
  query,
  restError,
  signUp,
  startServer,
  trpcError,
  type RunningServer,
} from "./support";

/**
 * Background removal over real HTTP with the real models: `POST /api/cutout` (multipart in, image
 * out), `cutout.process` with a file in multipart form data, the stored files and who may fetch
 * them, every limit and bad input with its envelope, and a busy engine's queue and timeout.
 */

const ORIGIN = "http://localhost:3000";

/** A dark-red disc on a pale background: the subject is in the middle, the corners are not. */
function discPhoto(width = 320, height = 240, format: "jpeg" | "png" = "jpeg") {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#e8eef2"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) * 0.3}" fill="#b71c1c"/></svg>`;
  const image = sharp(Buffer.from(svg));
  return (format === "png" ? image.png() : image.jpeg({ quality: 90 })).toBuffer();
}

async function alphaAt(bytes: Uint8Array, x: number, y: number) {
  const { data, info } = await sharp(bytes)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return data[(y * info.width + x) * 4 + 3] ?? -1;
}

function form(image: Uint8Array | null, options?: unknown, name = "photo.jpg") {
  const body = new FormData();
  if (image) body.append("image", new Blob([image]), name);
  if (options !== undefined) {
    body.append("options", typeof options === "string" ? options : JSON.stringify(options));
  }
  return body;
}

function postCutout(url: string, body: FormData | string, headers: Record<string, string>) {
  return fetch(`${url}/api/cutout`, {
    method: "POST",
    body,
    headers: { origin: ORIGIN, ...headers },
  });
}

describe("background removal over HTTP", () => {
  let running: RunningServer;
  let cookie: string;

  beforeAll(async () => {
    running = await startServer({
      LOG_LEVEL: "warn",
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
    });
    ({ cookie } = await signUp(running.url));
  }, 120_000);

  afterAll(async () => {
    await running.stop();
  });

  it("POST /api/cutout answers the subject on transparency, with its timings", async () => {
    const response = await postCutout(running.url, form(await discPhoto(), { tier: "quality" }), {
      cookie,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("server-timing")).toMatch(/infer;dur=\d/);
    expect(response.headers.get("x-cutout-model")).toBe("isnet-medium");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({
      width: 320,
      height: 240,
      hasAlpha: true,
    });
    expect(await alphaAt(bytes, 160, 120)).toBeGreaterThan(200);
    expect(await alphaAt(bytes, 5, 5)).toBeLessThan(30);
  }, 120_000);

  it("cutout.process takes a file as form data, keeps the cut-out, and serves its files to the owner only", async () => {
    const response = await fetch(`${running.url}/trpc/cutout.process`, {
      method: "POST",
      body: form(await discPhoto(300, 200, "png"), { tier: "fast", output: "mask" }, "disc.png"),
      headers: { cookie, origin: ORIGIN },
    });
    expect(response.status).toBe(200);
    const body = superjson.deserialize<{
      status: string;
      cutout: { id: string; fileName: string; maskUrl: string; thumbnailUrl: string };
      output: { url: string; width: number; height: number };
      timings: { inferMs: number };
    }>(((await response.json()) as { result: { data: never } }).result.data);
    expect(body).toMatchObject({
      status: "done",
      cutout: { fileName: "disc.png" },
      output: { width: 300, height: 200 },
    });
    expect(body.timings.inferMs).toBeGreaterThan(0);
    const path = new URL(body.output.url).pathname;
    const file = await fetch(`${running.url}${path}`, { headers: { cookie } });
    expect(file.status).toBe(200);
    expect(file.headers.get("cache-control")).toContain("immutable");
    expect((await sharp(new Uint8Array(await file.arrayBuffer())).metadata()).channels).toBe(1);

    // The thumbnail of the subject, made when first asked for.
    const thumbnail = await fetch(`${running.url}${new URL(body.cutout.thumbnailUrl).pathname}`, {
      headers: { cookie },
    });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    expect(await sharp(new Uint8Array(await thumbnail.arrayBuffer())).metadata()).toMatchObject({
      format: "webp",
      hasAlpha: true,
    });

    const stranger = await signUp(running.url);
    const hidden = await fetch(`${running.url}${path}`, { headers: { cookie: stranger.cookie } });
    expect(hidden.status).toBe(404);
    expect((await restError(hidden)).code).toBe("NOT_FOUND");

    const composed = await mutate(
      running.url,
      "cutout.compose",
      {
        id: body.cutout.id,
        options: { background: { type: "color", color: "#00ff00" }, format: "webp" },
      },
      { cookie },
    );
    expect(composed.status).toBe(200);
    const list = await query(
      running.url,
      `cutout.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`,
      { cookie },
    );
    const items = superjson.deserialize<{ items: { id: string; outputs: unknown[] }[] }>(
      ((await list.json()) as { result: { data: never } }).result.data,
    ).items;
    expect(items.find((item) => item.id === body.cutout.id)?.outputs).toHaveLength(2);
  }, 120_000);

  it("refuses bad photos, options and requests with the error envelope", async () => {
    const truncated = (await discPhoto()).subarray(0, 600);
    // A PNG header that claims 30000×30000 pixels.
    const bomb = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    bomb.writeUInt32BE(30_000, 16);
    bomb.writeUInt32BE(30_000, 20);
    const cases: [FormData, number, string][] = [
      [form(null, {}), 400, "VALIDATION"],
      [form(new Uint8Array(), {}), 400, "VALIDATION"],
      [form(Buffer.from("not a picture at all"), {}, "photo.png"), 400, "VALIDATION"],
      [form(truncated, {}), 400, "VALIDATION"],
      [form(bomb, {}, "bomb.png"), 400, "VALIDATION"],
      [form(await discPhoto(), "{not json"), 400, "VALIDATION"],
      [form(await discPhoto(), { tier: "slow" }), 400, "VALIDATION"],
      [form(await discPhoto(), { background: { type: "color", color: "red" } }), 400, "VALIDATION"],
      [form(new Uint8Array(26 * 1024 * 1024), {}), 413, "PAYLOAD_TOO_LARGE"],
    ];
    for (const [body, status, code] of cases) {
      const response = await postCutout(running.url, body, { cookie });
      expect(response.status).toBe(status);
      const error = await restError(response);
      expect(error.code).toBe(code);
      expect(error.requestId).toBeTruthy();
      expect(JSON.stringify(error)).not.toMatch(/\/tmp|\/work|node_modules|at \w+ \(/);
    }
    const bad = await postCutout(running.url, form(await discPhoto(), { tier: "slow" }), {
      cookie,
    });
    expect((await restError(bad)).details).toMatchObject({
      fieldErrors: { "options.tier": [expect.any(String)] },
    });

    const json = await postCutout(running.url, "{}", {
      cookie,
      "content-type": "application/json",
    });
    expect(json.status).toBe(400);
    const anonymous = await postCutout(running.url, form(await discPhoto(), {}), {});
    expect(anonymous.status).toBe(401);
    const foreign = await postCutout(running.url, form(await discPhoto(), {}), {
      cookie,
      origin: "https://evil.example",
    });
    expect(foreign.status).toBe(403);

    const trpcForm = await fetch(`${running.url}/trpc/cutout.process`, {
      method: "POST",
      body: form(null, {}),
      headers: { cookie, origin: ORIGIN },
    });
    expect(trpcForm.status).toBe(400);
    expect((await trpcError(trpcForm)).details).toMatchObject({
      fieldErrors: { image: [expect.any(String)] },
    });
    const otherProcedure = await fetch(`${running.url}/trpc/cutout.compose`, {
      method: "POST",
      body: form(null, {}),
      headers: { cookie, origin: ORIGIN },
    });
    expect(otherProcedure.status).toBe(400);
  }, 120_000);

  it("lists its models without paths, and /readyz reports them", async () => {
    const response = await query(running.url, "cutout.models", { cookie });
    const text = await response.text();
    expect(text).not.toContain("genflow-test-models");
    const models = superjson.deserialize<{
      models: {
        id: string;
        tier: string | null;
        licence: string;
        loaded: boolean;
        error: string | null;
      }[];
    }>((JSON.parse(text) as { result: { data: never } }).result.data).models;
    expect(models.find((model) => model.tier === "quality")).toMatchObject({
      id: "isnet-medium",
      loaded: true,
      error: null,
    });
    expect(models.find((model) => model.tier === "quality")?.licence).toContain("AGPL-3.0");
    const ready = await fetch(`${running.url}/readyz`);
    expect(
      ((await ready.json()) as { components: Record<string, { ok: boolean }> }).components[
        "cutout"
      ],
    ).toEqual({ ok: true });
  });
});

describe("a busy engine", () => {
  let running: RunningServer;
  let cookie: string;

  beforeAll(async () => {
    running = await startServer({
      LOG_LEVEL: "warn",
      CUTOUT_QUEUE_MAX: "1",
      CUTOUT_TIMEOUT_MS: "1000",
      RATE_LIMIT_CUTOUT_PER_MINUTE: "1000",
    });
    ({ cookie } = await signUp(running.url));
  }, 120_000);

  afterAll(async () => {
    await running.stop();
  });

  it("refuses photos past its queue with 429 and Retry-After, and times out slow ones", async () => {
    const photo = await discPhoto();
    // The first inference loads the model, which alone takes longer than the 1 s allowed.
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        postCutout(running.url, form(photo, { tier: "fast" }), { cookie }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 429 || status === 408)).toBe(true);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(Number(refused[0]?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await restError(refused[0] as Response)).code).toBe("LIMIT_EXCEEDED");
    const slow = responses.find((response) => response.status === 408);
    expect(slow && (await restError(slow)).code).toBe("TIMEOUT");
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/cutout_rejections_total\{reason="queue_full"\} [1-9]/);
    expect(metrics).toMatch(/cutout_rejections_total\{reason="timeout"\} [1-9]/);
  }, 120_000);
});
