import { createHash, randomUUID } from "node:crypto";

import { planCard, type CreateCardInput } from "@genflow/core/generate";
import sharp from "sharp";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { mutate, restError, signUp, startServer, type RunningServer } from "./support";

/**
 * The upload REST routes over real HTTP: POST /api/uploads (raw bytes; the bytes decide the type;
 * size, pixel and rate limits; sign-in and the cross-site check) and GET /api/uploads/<id> (the
 * owner only), their error envelopes, and cards made from an upload through POST /api/generate.
 */

const PUBLIC_URL = "http://localhost:3000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function serverEnv(overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    LOG_LEVEL: "warn",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
    RENDER_THREADS: "1",
    ...overrides,
  };
}

const UploadBody = z.object({
  id: z.string().regex(UUID),
  ref: z.string(),
  fileName: z.string().nullable(),
  mime: z.enum(["image/png", "image/jpeg", "image/webp"]),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  url: z.string(),
});

/** A PNG of a random colour, so no two tests upload the same bytes. */
async function uniquePng(width = 48, height = 32): Promise<Buffer> {
  const [r, g, b] = [0, 0, 0].map(() => Math.floor(Math.random() * 256));
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

function upload(
  url: string,
  bytes: Uint8Array,
  headers: Record<string, string> = {},
  query = "",
): Promise<Response> {
  return fetch(`${url}/api/uploads${query}`, {
    method: "POST",
    // As the app's own page sends it (cookie calls need a trusted origin).
    headers: { "content-type": "image/png", origin: PUBLIC_URL, ...headers },
    body: bytes,
  });
}

let s: RunningServer;
let owner: { cookie: string };
let other: { cookie: string };

beforeAll(async () => {
  s = await startServer(serverEnv());
  owner = await signUp(s.url);
  other = await signUp(s.url);
});

afterAll(async () => {
  await s.stop();
});

describe("POST /api/uploads", () => {
  it("answers 201 with the upload, and serves its bytes back at its URL", async () => {
    const bytes = await uniquePng(48, 32);
    const response = await upload(s.url, bytes, { cookie: owner.cookie }, "?filename=me.png");
    expect(response.status).toBe(201);
    const body = UploadBody.parse(await response.json());
    expect(body).toMatchObject({
      ref: `upload:${body.id}`,
      fileName: "me.png",
      mime: "image/png",
      bytes: bytes.byteLength,
      width: 48,
      height: 32,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      url: `${PUBLIC_URL}/api/uploads/${body.id}`,
    });
    expect(response.headers.get("location")).toBe(body.url);

    const served = await fetch(`${s.url}/api/uploads/${body.id}`, {
      headers: { cookie: owner.cookie },
    });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    const etag = served.headers.get("etag") ?? "";
    expect(etag).toBe(`"${body.sha256}"`);
    const again = await fetch(`${s.url}/api/uploads/${body.id}`, {
      headers: { cookie: owner.cookie, "if-none-match": etag },
    });
    expect(again.status).toBe(304);
  });

  it("answers the same bytes again with 200 and the upload the user already has", async () => {
    const bytes = await uniquePng();
    const first = UploadBody.parse(
      await (await upload(s.url, bytes, { cookie: owner.cookie })).json(),
    );
    const response = await upload(s.url, bytes, { cookie: owner.cookie });
    expect(response.status).toBe(200);
    expect(UploadBody.parse(await response.json()).id).toBe(first.id);
  });

  it("goes by the bytes, not the declared type", async () => {
    const jpeg = await sharp(await uniquePng())
      .jpeg()
      .toBuffer();
    const response = await upload(s.url, jpeg, {
      cookie: owner.cookie,
      "content-type": "image/webp",
    });
    expect(response.status).toBe(201);
    expect(UploadBody.parse(await response.json()).mime).toBe("image/jpeg");

    const gif = Buffer.from(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;",
      "latin1",
    );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>');
    for (const bytes of [gif, svg]) {
      const refused = await upload(s.url, bytes, { cookie: owner.cookie });
      expect(refused.status).toBe(400);
      expect(await restError(refused)).toMatchObject({
        code: "VALIDATION",
        message: "Only PNG, JPEG and WebP images can be uploaded",
      });
    }
  });

  it("refuses a body that is not declared as an image, naming the types it takes", async () => {
    for (const type of ["text/plain", "multipart/form-data; boundary=x", "image/gif"]) {
      const response = await upload(s.url, await uniquePng(), {
        cookie: owner.cookie,
        "content-type": type,
      });
      expect(response.status).toBe(400);
      const error = await restError(response);
      expect(error.code).toBe("VALIDATION");
      expect(error.message).toContain("image/png, image/jpeg or image/webp");
    }
  });

  it("refuses a pixel bomb with 413 naming the pixel limit", async () => {
    const bomb = await sharp({
      create: { width: 8000, height: 8000, channels: 3, background: "#000" },
    })
      .toColourspace("b-w")
      .png({ compressionLevel: 9 })
      .toBuffer();
    const response = await upload(s.url, bomb, { cookie: owner.cookie });
    expect(response.status).toBe(413);
    expect(await restError(response)).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { limitPixels: 25_000_000, width: 8000, height: 8000 },
    });
  });

  it("answers a caller who is not signed in with 401 and the envelope", async () => {
    const response = await upload(s.url, await uniquePng());
    expect(response.status).toBe(401);
    const error = await restError(response);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", details: null });
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
    const read = await fetch(`${s.url}/api/uploads/${randomUUID()}`);
    expect(read.status).toBe(401);
  });

  it("refuses a cookie-authenticated upload from another site", async () => {
    const response = await upload(s.url, await uniquePng(), {
      cookie: owner.cookie,
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
    expect(await restError(response)).toMatchObject({
      code: "FORBIDDEN",
      details: { reason: "untrusted_origin" },
    });
  });

  it("accepts an API key", async () => {
    const created = await mutate(s.url, "auth.apiKeys.create", { name: "up" }, owner);
    const key = z
      .object({ result: z.object({ data: z.object({ json: z.object({ key: z.string() }) }) }) })
      .parse(await created.json()).result.data.json.key;
    const response = await fetch(`${s.url}/api/uploads`, {
      method: "POST",
      headers: { "content-type": "image/png", authorization: `Bearer ${key}` },
      body: await uniquePng(),
    });
    expect(response.status).toBe(201);
  });
});

describe("GET /api/uploads/<id>", () => {
  it("shows an upload to its owner only: 404 for anyone else, as for an id that does not exist", async () => {
    const made = UploadBody.parse(
      await (await upload(s.url, await uniquePng(), { cookie: owner.cookie })).json(),
    );
    for (const path of [made.id, randomUUID(), "not-an-id"]) {
      const response = await fetch(`${s.url}/api/uploads/${path}`, {
        headers: { cookie: other.cookie },
      });
      expect(response.status).toBe(404);
      expect(await restError(response)).toMatchObject({
        code: "NOT_FOUND",
        message: "Upload not found",
      });
    }
  });
});

describe("cards from uploads over REST", () => {
  it("renders POST /api/generate with an upload reference, with the ETag of the same picture inline", async () => {
    const bytes = await uniquePng(120, 120);
    const made = UploadBody.parse(
      await (await upload(s.url, bytes, { cookie: owner.cookie })).json(),
    );
    const card = (avatar: string): CreateCardInput => ({
      templateId: "quote",
      fields: { quote: `From an upload ${made.id}`, avatar },
      size: { width: 400, height: 210 },
    });
    const response = await fetch(`${s.url}/api/generate`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: PUBLIC_URL, cookie: owner.cookie },
      body: JSON.stringify(card(made.ref)),
    });
    expect(response.status).toBe(201);
    const inline = `data:image/png;base64,${bytes.toString("base64")}`;
    expect(response.headers.get("etag")).toBe(planCard(card(inline)).etag);

    // Someone else naming it gets the field error, not the picture.
    const refused = await fetch(`${s.url}/api/generate`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: PUBLIC_URL, cookie: other.cookie },
      body: JSON.stringify(card(made.ref)),
    });
    expect(refused.status).toBe(400);
    expect(await restError(refused)).toMatchObject({
      code: "VALIDATION",
      details: { field: "avatar", fieldErrors: { avatar: [expect.any(String)] } },
    });

    // The uploads procedures list it; deleting it keeps the card but refuses new ones.
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ limit: 100 })));
    const list = await fetch(`${s.url}/trpc/generate.uploads.list?input=${input}`, {
      headers: { cookie: owner.cookie },
    });
    expect(JSON.stringify(await list.json())).toContain(made.id);
    const deleted = await mutate(s.url, "generate.uploads.delete", { id: made.id }, owner);
    expect(deleted.status).toBe(200);
    const gone = await fetch(`${s.url}/api/uploads/${made.id}`, {
      headers: { cookie: owner.cookie },
    });
    expect(gone.status).toBe(404);
    const image = await fetch(
      `${s.url}/api/images/${response.headers.get("etag")?.slice(1, -1)}.png`,
      {
        headers: { cookie: owner.cookie },
      },
    );
    expect(image.status).toBe(200);
  });
});

describe("upload limits from the environment", () => {
  let limited: RunningServer;

  beforeAll(async () => {
    limited = await startServer(
      serverEnv({ UPLOAD_MAX_BYTES: "4096", RATE_LIMIT_UPLOADS_PER_MINUTE: "3" }),
    );
  });

  afterAll(async () => {
    await limited.stop();
  });

  it("refuses a body over UPLOAD_MAX_BYTES with 413 naming the limit", async () => {
    const user = await signUp(limited.url);
    const noise = await sharp(
      Buffer.from(Array.from({ length: 64 * 64 * 3 }, () => Math.floor(Math.random() * 256))),
      {
        raw: { width: 64, height: 64, channels: 3 },
      },
    )
      .png()
      .toBuffer();
    expect(noise.byteLength).toBeGreaterThan(4096);
    const response = await upload(limited.url, noise, { cookie: user.cookie });
    expect(response.status).toBe(413);
    expect(await restError(response)).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "The image is too large; uploads may be at most 4 KB",
      details: { limitBytes: 4096 },
    });
  });

  it("counts uploads per user against RATE_LIMIT_UPLOADS_PER_MINUTE", async () => {
    const user = await signUp(limited.url);
    for (let i = 0; i < 3; i++) {
      expect((await upload(limited.url, await uniquePng(), { cookie: user.cookie })).status).toBe(
        201,
      );
    }
    const response = await upload(limited.url, await uniquePng(), { cookie: user.cookie });
    expect(response.status).toBe(429);
    expect(await restError(response)).toMatchObject({
      code: "LIMIT_EXCEEDED",
      details: { policy: "uploads", limit: 3 },
    });
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another user still may.
    const second = await signUp(limited.url);
    expect((await upload(limited.url, await uniquePng(), { cookie: second.cookie })).status).toBe(
      201,
    );
  });
});
