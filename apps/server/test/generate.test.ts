import { randomUUID } from "node:crypto";

import { planCard, type CreateCardInput } from "@genflow/core/generate";
import sharp from "sharp";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { safeFilename } from "../src/generate-routes";
import { mutate, restError, signUp, startServer, type RunningServer } from "./support";

/**
 * The card REST routes over real HTTP: POST /api/generate (bytes, ETag, 304), POST /api/export
 * (a download), GET /api/images/<key>.<ext> (who may see which card, cache headers), their
 * error envelopes, the render queue and rate limits, and the card metrics.
 */

const PUBLIC_URL = "http://localhost:3000";
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEY = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLIC_CACHE = "public, max-age=31536000, immutable";
const PRIVATE_CACHE = "private, no-store";

/** Every test server shares Redis (when REDIS_URL is set) under a prefix of its own. */
function serverEnv(overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    LOG_LEVEL: "warn",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
    RENDER_THREADS: "1",
    ...overrides,
  };
}

/** A small quote card no other request has asked for. */
function quoteCard(overrides: Partial<CreateCardInput> = {}): CreateCardInput {
  return {
    templateId: "quote",
    fields: { quote: `Make it work, then make it fast. ${randomUUID()}`, author: "Tester" },
    size: { width: 400, height: 210 },
    ...overrides,
  };
}

function post(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    // As a browser on the app's own origin sends it (cookie calls need a trusted origin).
    headers: { "content-type": "application/json", origin: PUBLIC_URL, ...headers },
    body: JSON.stringify(body),
  });
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

const ApiKeyResult = z.object({
  result: z.object({ data: z.object({ json: z.object({ key: z.string() }) }) }),
});

async function createApiKey(url: string, cookie: string): Promise<string> {
  const response = await mutate(url, "auth.apiKeys.create", { name: "cards" }, { cookie });
  expect(response.status).toBe(200);
  return ApiKeyResult.parse(await response.json()).result.data.json.key;
}

const HistoryResult = z.object({
  result: z.object({
    data: z.object({
      json: z.object({ items: z.array(z.object({ id: z.string(), key: z.string() })) }),
    }),
  }),
});

async function historyOf(url: string, cookie: string) {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ limit: 100 })));
  const response = await fetch(`${url}/trpc/generate.history?input=${input}`, {
    headers: { cookie },
  });
  expect(response.status).toBe(200);
  return HistoryResult.parse(await response.json()).result.data.json.items;
}

/** The value of one sample line of the Prometheus text, or undefined when it is not there. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}) {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((label) => line.includes(label))) return Number(line.split(" ").at(-1));
  }
  return undefined;
}

async function metricsOf(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The `filename` (quoted or a token) and `filename*` parameters of a Content-Disposition header. */
function dispositionOf(header: string | null) {
  const value = header ?? "";
  const match = /;\s*filename=(?:"((?:[^"\\]|\\.)*)"|([^";\s]+))/.exec(value);
  const plain = match?.[1] ?? match?.[2];
  const extended = /;\s*filename\*=UTF-8''([^;]+)/i.exec(value)?.[1];
  return {
    type: value.split(";", 1)[0],
    filename: plain,
    filenameStar: extended === undefined ? undefined : decodeURIComponent(extended),
  };
}

/** Nothing internal in a response body: no stack frames, source paths or module names. */
function expectNoLeak(text: string) {
  expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  expect(text).not.toContain("node_modules");
  expect(text).not.toContain("/work/");
  expect(text).not.toContain(".ts:");
  expect(text).not.toMatch(/"stack"/);
}

let s: RunningServer;
let owner: { cookie: string };
let ownerKey: string;
let other: { cookie: string };

beforeAll(async () => {
  s = await startServer(serverEnv());
  owner = await signUp(s.url);
  other = await signUp(s.url);
  ownerKey = await createApiKey(s.url, owner.cookie);
});

afterAll(async () => {
  await s.stop();
});

/** An image URL on the test server (Content-Location names the configured public URL). */
const local = (url: string | null) => (url ?? "").replace(PUBLIC_URL, s.url);

describe("POST /api/generate", () => {
  it("answers 201 with the PNG bytes, its ETag and where it is served", async () => {
    const input = quoteCard({ scale: 2 });
    const response = await post(s.url, "/api/generate", input, { cookie: owner.cookie });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("image/png");

    const bytes = await bytesOf(response);
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: "png", width: 800, height: 420 });

    const etag = response.headers.get("etag") ?? "";
    const key = etag.slice(1, -1);
    expect(key).toMatch(KEY);
    expect(etag).toBe(`"${key}"`);
    expect(etag).toBe(planCard(input).etag);
    expect(response.headers.get("content-location")).toBe(`${PUBLIC_URL}/api/images/${key}.png`);
    expect(response.headers.get("x-card-id")).toMatch(UUID);
    expect(response.headers.get("x-card-cached")).toBe("false");
  });

  it("marks a private card private, no-store and same-origin", async () => {
    const response = await post(s.url, "/api/generate", quoteCard(), { cookie: owner.cookie });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe(PRIVATE_CACHE);
    expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });

  it("marks a public card cacheable for a year, immutable and embeddable cross-origin", async () => {
    const response = await post(s.url, "/api/generate", quoteCard({ visibility: "public" }), {
      cookie: owner.cookie,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe(PUBLIC_CACHE);
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
  });

  it("answers 304 with an empty body when If-None-Match holds the card's ETag", async () => {
    const input = quoteCard();
    const first = await post(s.url, "/api/generate", input, { cookie: owner.cookie });
    expect(first.status).toBe(201);
    const etag = first.headers.get("etag") ?? "";

    for (const ifNoneMatch of [etag, `W/${etag}`, `"something-else", ${etag}`]) {
      const again = await post(s.url, "/api/generate", input, {
        cookie: owner.cookie,
        "if-none-match": ifNoneMatch,
      });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect((await bytesOf(again)).byteLength).toBe(0);
    }

    const stale = await post(s.url, "/api/generate", input, {
      cookie: owner.cookie,
      "if-none-match": '"an-older-card"',
    });
    expect(stale.status).toBe(201);
    expect(stale.headers.get("x-card-cached")).toBe("true");
    expect(stale.headers.get("x-card-id")).toBe(first.headers.get("x-card-id"));
  });

  it("answers If-None-Match before rendering: nothing drawn, nothing recorded", async () => {
    const user = await signUp(s.url);
    const input = quoteCard();
    const before = sample(await metricsOf(s.url), "card_cache_lookups_total", { result: "miss" });
    const response = await post(s.url, "/api/generate", input, {
      cookie: user.cookie,
      "if-none-match": planCard(input).etag,
    });
    expect(response.status).toBe(304);
    const after = sample(await metricsOf(s.url), "card_cache_lookups_total", { result: "miss" });
    expect(after).toBe(before);
    expect(await historyOf(s.url, user.cookie)).toEqual([]);
  });

  it("refuses a cookie-authenticated call from another site, before rendering", async () => {
    const { cookie } = await signUp(s.url);
    const response = await post(s.url, "/api/generate", quoteCard(), {
      cookie,
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
    expect(await restError(response)).toMatchObject({
      code: "FORBIDDEN",
      details: { reason: "untrusted_origin" },
    });
    const exported = await post(
      s.url,
      "/api/export",
      { card: quoteCard() },
      {
        cookie,
        origin: "https://evil.example",
      },
    );
    expect(exported.status).toBe(403);
  });

  it("accepts an API key", async () => {
    const response = await post(s.url, "/api/generate", quoteCard(), {
      authorization: `Bearer ${ownerKey}`,
    });
    expect(response.status).toBe(201);
    const id = response.headers.get("x-card-id");
    expect((await historyOf(s.url, owner.cookie)).map((card) => card.id)).toContain(id);
  });

  it("answers an anonymous caller with 401 and the envelope", async () => {
    for (const path of ["/api/generate", "/api/export"]) {
      const response = await post(s.url, path, quoteCard());
      expect(response.status).toBe(401);
      const error = await restError(response);
      expect(error).toMatchObject({ code: "UNAUTHORIZED", details: null });
      expect(error.requestId).toBe(response.headers.get("x-request-id"));
    }
  });

  it("answers malformed JSON with 400 VALIDATION, without stack or paths", async () => {
    const response = await fetch(`${s.url}/api/generate`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: owner.cookie },
      body: '{"templateId": "quote", ',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expectNoLeak(text);
    const error = await restError(new Response(text));
    expect(error).toMatchObject({ code: "VALIDATION", message: "Malformed JSON in request body" });
  });

  it("answers a body that is not JSON with 400 VALIDATION, without stack or paths", async () => {
    const response = await fetch(`${s.url}/api/generate`, {
      method: "POST",
      headers: { "content-type": "text/plain", cookie: owner.cookie, origin: PUBLIC_URL },
      body: JSON.stringify(quoteCard()),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expectNoLeak(text);
    expect((await restError(new Response(text))).code).toBe("VALIDATION");
  });

  it("answers invalid fields with 400 and field errors naming them", async () => {
    const response = await post(
      s.url,
      "/api/generate",
      quoteCard({ fields: { quote: 42 }, format: "gif" as "png" }),
      { cookie: owner.cookie },
    );
    expect(response.status).toBe(400);
    const error = await restError(response);
    expect(error.code).toBe("VALIDATION");
    expect(error.details).toMatchObject({
      fieldErrors: { format: [expect.stringMatching(/^Must be one of: "png", /)] },
    });

    const field = await post(s.url, "/api/generate", quoteCard({ fields: { quote: 42 } }), {
      cookie: owner.cookie,
    });
    expect(field.status).toBe(400);
    expect((await restError(field)).details).toMatchObject({
      fieldErrors: { quote: ["Expected a string"] },
    });
  });

  it("answers an unknown template with 404 NOT_FOUND", async () => {
    const response = await post(s.url, "/api/generate", quoteCard({ templateId: "nope" }), {
      cookie: owner.cookie,
    });
    expect(response.status).toBe(404);
    expect((await restError(response)).code).toBe("NOT_FOUND");
  });
});

describe("SVG cards", () => {
  const injection = `</text><script>alert(1)</script><text>`;

  it("escapes markup in field values: no <script> in the SVG, a restrictive CSP", async () => {
    const response = await post(
      s.url,
      "/api/generate",
      quoteCard({
        format: "svg",
        visibility: "public",
        fields: {
          quote: injection,
          author: `<script>alert(2)</script>`,
          source: `"><svg onload=x>`,
        },
      }),
      { cookie: owner.cookie },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'/);
    expect(csp).not.toMatch(/script-src/);
    const svg = await response.text();
    expect(svg).toMatch(/<svg[\s>]/);
    expect(svg.toLowerCase()).not.toContain("<script");
    // No element carries an event handler (the text may, escaped, as text).
    expect(svg).not.toMatch(/<[^>]*\son\w+\s*=/i);
    // Still one well-formed SVG document of the card's size.
    expect(await sharp(Buffer.from(svg)).metadata()).toMatchObject({
      format: "svg",
      width: 400,
      height: 210,
    });

    const served = await fetch(local(response.headers.get("content-location")));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/svg+xml");
    expect(served.headers.get("content-security-policy")).toBe(csp);
    expect((await served.text()).toLowerCase()).not.toContain("<script");
  });
});

describe("GET /api/images/<key>.<ext>", () => {
  let publicCard: { url: string; etag: string; bytes: Buffer; key: string };
  let privateCard: { url: string; etag: string; key: string };

  beforeAll(async () => {
    const pub = await post(s.url, "/api/generate", quoteCard({ visibility: "public" }), {
      cookie: owner.cookie,
    });
    const etag = pub.headers.get("etag") ?? "";
    publicCard = {
      url: pub.headers.get("content-location") ?? "",
      etag,
      key: etag.slice(1, -1),
      bytes: await bytesOf(pub),
    };
    const priv = await post(s.url, "/api/generate", quoteCard(), { cookie: owner.cookie });
    await priv.arrayBuffer();
    const privEtag = priv.headers.get("etag") ?? "";
    privateCard = {
      url: priv.headers.get("content-location") ?? "",
      etag: privEtag,
      key: privEtag.slice(1, -1),
    };
  });

  it("serves a public card to anyone, immutable and embeddable cross-origin", async () => {
    const response = await fetch(local(publicCard.url));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe(PUBLIC_CACHE);
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("etag")).toBe(publicCard.etag);
    const bytes = await bytesOf(response);
    expect(bytes.equals(publicCard.bytes)).toBe(true);
    expect(response.headers.get("content-length")).toBe(String(bytes.byteLength));
  });

  it("answers 304 with an empty body to If-None-Match", async () => {
    const response = await fetch(local(publicCard.url), {
      headers: { "if-none-match": publicCard.etag },
    });
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(publicCard.etag);
    expect((await bytesOf(response)).byteLength).toBe(0);
  });

  it("serves the history thumbnail as WebP", async () => {
    const response = await fetch(`${s.url}/api/images/${publicCard.key}.thumb.webp`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(response.headers.get("etag")).toBe(`"${publicCard.key}.thumb"`);
    const meta = await sharp(await bytesOf(response)).metadata();
    expect(meta).toMatchObject({ format: "webp", width: 400 });
  });

  it("hides a private card from anonymous callers and other users: 404 as for an unknown key", async () => {
    const unknown = await fetch(`${s.url}/api/images/${"0".repeat(64)}.png`);
    expect(unknown.status).toBe(404);
    const { requestId: _unknownId, ...unknownError } = await restError(unknown);
    expect(unknownError).toEqual({
      code: "NOT_FOUND",
      message: "Card image not found",
      details: null,
    });

    const viewers: Record<string, string>[] = [{}, { cookie: other.cookie }];
    for (const headers of viewers) {
      const response = await fetch(local(privateCard.url), { headers });
      expect(response.status).toBe(404);
      const { requestId, ...error } = await restError(response);
      expect(error).toEqual(unknownError);
      expect(requestId).toBe(response.headers.get("x-request-id"));
    }
    const thumb = await fetch(`${s.url}/api/images/${privateCard.key}.thumb.webp`);
    expect(thumb.status).toBe(404);
  });

  it("serves a private card to its owner, by session or API key, private and no-store", async () => {
    const viewers: Record<string, string>[] = [
      { cookie: owner.cookie },
      { authorization: `Bearer ${ownerKey}` },
    ];
    for (const headers of viewers) {
      const response = await fetch(local(privateCard.url), { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe(PRIVATE_CACHE);
      expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(response.headers.get("etag")).toBe(privateCard.etag);
      expect([...(await bytesOf(response)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    }
    const revalidated = await fetch(local(privateCard.url), {
      headers: { cookie: owner.cookie, "if-none-match": privateCard.etag },
    });
    expect(revalidated.status).toBe(304);
  });

  it("stops serving a public card at once when it is made private or deleted", async () => {
    const card = quoteCard({ visibility: "public" });
    const made = await post(s.url, "/api/generate", card, { cookie: owner.cookie });
    expect(made.status).toBe(201);
    await made.arrayBuffer();
    const url = local(made.headers.get("content-location") ?? "");
    // Served twice to anyone: the second time from the server's memory.
    for (let i = 0; i < 2; i += 1) {
      const served = await fetch(url);
      expect(served.status).toBe(200);
      await served.arrayBuffer();
    }

    const hidden = await post(
      s.url,
      "/api/generate",
      { ...card, visibility: "private" },
      {
        cookie: owner.cookie,
      },
    );
    expect(hidden.status).toBe(201);
    await hidden.arrayBuffer();
    const afterHiding = await fetch(url);
    expect(afterHiding.status).toBe(404);
    await afterHiding.arrayBuffer();

    const shown = await post(s.url, "/api/generate", card, { cookie: owner.cookie });
    await shown.arrayBuffer();
    const again = await fetch(url);
    expect(again.status).toBe(200);
    await again.arrayBuffer();

    const id = shown.headers.get("x-card-id") ?? "";
    const deleted = await mutate(s.url, "generate.delete", { id }, { cookie: owner.cookie });
    expect(deleted.status).toBe(200);
    const afterDelete = await fetch(url);
    expect(afterDelete.status).toBe(404);
    await afterDelete.arrayBuffer();
  });

  it("answers names that are not <key>.<ext> with the 404 envelope", async () => {
    const key = publicCard.key;
    const names = [
      "..%2F..%2Fpackage.json",
      "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      `${key}.gif`,
      `${key}.jpg`, // a PNG card under another format's extension
      `${key}.PNG`,
      `${key.toUpperCase()}.png`,
      `${key}`,
      `${key.slice(0, 63)}.png`,
      `${key}.png.thumb.webp`,
    ];
    for (const name of names) {
      const response = await fetch(`${s.url}/api/images/${name}`);
      expect(response.status, name).toBe(404);
      const text = await response.text();
      expectNoLeak(text);
      expect((await restError(new Response(text))).code).toBe("NOT_FOUND");
    }
  });
});

describe("POST /api/export", () => {
  const design = () => ({
    templateId: "quote",
    fields: { quote: `Export me ${randomUUID()}` },
    size: { width: 400, height: 210 },
    visibility: "private",
  });

  it("answers with an attachment sized to the requested width", async () => {
    const response = await post(
      s.url,
      "/api/export",
      { card: design(), width: 800, filename: "My card" },
      { cookie: owner.cookie },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("image/png");
    const disposition = dispositionOf(response.headers.get("content-disposition"));
    expect(disposition).toMatchObject({ type: "attachment", filename: "My card.png" });
    const meta = await sharp(await bytesOf(response)).metadata();
    expect(meta).toMatchObject({ format: "png", width: 800, height: 420 });
    expect(response.headers.get("content-location")).toMatch(
      new RegExp(`^${PUBLIC_URL}/api/images/[0-9a-f]{64}\\.png$`),
    );
  });

  it("names the file after the template when no name is given, with the format's extension", async () => {
    const response = await post(
      s.url,
      "/api/export",
      { card: design(), format: "jpeg" },
      { cookie: owner.cookie },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(dispositionOf(response.headers.get("content-disposition")).filename).toBe("quote.jpg");
    await response.arrayBuffer();
  });

  it("never lets the file name be a path", async () => {
    for (const filename of ["../../etc/passwd", "..\\..\\boot.ini", "....//x", "a/../b"]) {
      const response = await post(
        s.url,
        "/api/export",
        { card: design(), filename },
        { cookie: owner.cookie },
      );
      expect(response.status, filename).toBe(201);
      const { type, filename: name } = dispositionOf(response.headers.get("content-disposition"));
      expect(type).toBe("attachment");
      expect(name, filename).toBeDefined();
      expect(name, filename).toMatch(/\.png$/);
      expect(name, filename).not.toMatch(/[/\\]/);
      expect(name, filename).not.toMatch(/^\./);
      await response.arrayBuffer();
    }
  });

  it("keeps a Chinese file name in filename* with an ASCII fallback", async () => {
    const response = await post(
      s.url,
      "/api/export",
      { card: design(), filename: "我的分享卡片" },
      { cookie: owner.cookie },
    );
    expect(response.status).toBe(201);
    const header = response.headers.get("content-disposition") ?? "";
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const disposition = dispositionOf(header);
    expect(disposition.type).toBe("attachment");
    expect(disposition.filenameStar).toBe("我的分享卡片.png");
    expect(disposition.filename).toMatch(/\.png$/);
    await response.arrayBuffer();
  });

  it("refuses a width outside [card width, 3 × card width] with VALIDATION naming width", async () => {
    for (const width of [399, 1201]) {
      const response = await post(
        s.url,
        "/api/export",
        { card: design(), width },
        { cookie: owner.cookie },
      );
      expect(response.status, String(width)).toBe(400);
      const error = await restError(response);
      expect(error.code).toBe("VALIDATION");
      const fieldErrors = error.details?.fieldErrors as Record<string, string[]> | undefined;
      expect(fieldErrors?.width?.[0]).toContain("from 400 to 1200");
    }
  });

  it("names width when the requested width makes too many pixels", async () => {
    const { cookie } = await signUp(s.url);
    const response = await post(
      s.url,
      "/api/export",
      { card: { ...design(), size: { width: 2400, height: 2400 } }, width: 7200 },
      { cookie },
    );
    expect(response.status).toBe(400);
    const error = await restError(response);
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys((error.details?.fieldErrors as object | undefined) ?? {})).toEqual([
      "width",
    ]);
  });

  it("refuses width together with scale", async () => {
    const response = await post(
      s.url,
      "/api/export",
      { card: design(), width: 800, scale: 2 },
      { cookie: owner.cookie },
    );
    expect(response.status).toBe(400);
    const error = await restError(response);
    expect(error.code).toBe("VALIDATION");
    expect(error.details).toMatchObject({ fieldErrors: { width: [expect.any(String)] } });
  });
});

describe("a caller that goes away mid-render", () => {
  it("stops the render, and it is neither logged as a failure nor counted as INTERNAL", async () => {
    const requestId = `gone-${randomUUID()}`;
    const controller = new AbortController();
    // An AVIF export three times the card's width: a render that takes a while.
    const request = fetch(`${s.url}/api/export`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: PUBLIC_URL,
        cookie: owner.cookie,
        "x-request-id": requestId,
      },
      body: JSON.stringify({
        card: quoteCard({ size: { preset: "og" } }),
        format: "avif",
        width: 3600,
      }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    await expect(request).rejects.toThrow();
    // The host notices the closed connection and stops the render; wait for its request line.
    await vi.waitFor(() => expect(s.logs.forRequest(requestId).length).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = s.logs.forRequest(requestId);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(sample(await metricsOf(s.url), "errors_total", { code: "INTERNAL" })).toBeUndefined();
  });
});

describe("/metrics", () => {
  it("exposes the four card metrics after a render", async () => {
    const input = quoteCard();
    const first = await post(s.url, "/api/generate", input, { cookie: owner.cookie });
    expect(first.status).toBe(201);
    const again = await post(s.url, "/api/generate", input, { cookie: owner.cookie });
    expect(again.status).toBe(201);

    const metrics = await metricsOf(s.url);
    for (const name of [
      "card_render_duration_seconds",
      "card_render_queue_length",
      "card_cache_lookups_total",
      "card_render_rejections_total",
    ]) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
    expect(
      sample(metrics, "card_render_duration_seconds_count", { template: "quote", format: "png" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, "card_render_queue_length", { lane: "standard" })).toBe(0);
    expect(sample(metrics, "card_cache_lookups_total", { result: "miss" })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(metrics, "card_cache_lookups_total", { result: "hit" })).toBeGreaterThanOrEqual(
      1,
    );
  });
});

describe("the render queue", () => {
  let busy: RunningServer;

  beforeAll(async () => {
    // One thread and room for one waiting render.
    busy = await startServer(serverEnv({ RENDER_THREADS: "1", RENDER_QUEUE: "1" }));
  });

  afterAll(async () => {
    await busy.stop();
  });

  it("refuses renders beyond it with 429 LIMIT_EXCEEDED and Retry-After, and counts them", async () => {
    const { cookie } = await signUp(busy.url);
    // Large enough that renders overlap while the others arrive.
    const inputs = Array.from({ length: 8 }, () => quoteCard({ size: { preset: "og" }, scale: 2 }));
    const responses = await Promise.all(
      inputs.map((input) => post(busy.url, "/api/generate", input, { cookie })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
    expect(statuses).toContain(201);
    expect(statuses).toContain(429);

    for (const response of responses) {
      if (response.status !== 429) {
        await response.arrayBuffer();
        continue;
      }
      const retryAfter = Number(response.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
      const error = await restError(response);
      expect(error.code).toBe("LIMIT_EXCEEDED");
      expect(error.details?.lane).toBe("standard");
      expect(error.details?.retryAfterMs).toBeGreaterThan(0);
    }

    const rejected = statuses.filter((status) => status === 429).length;
    const metrics = await metricsOf(busy.url);
    expect(
      sample(metrics, "card_render_rejections_total", { lane: "standard", reason: "queue_full" }),
    ).toBe(rejected);
  });
});

describe("a render queue of zero", () => {
  let noQueue: RunningServer;

  beforeAll(async () => {
    noQueue = await startServer(serverEnv({ RENDER_THREADS: "1", RENDER_QUEUE: "0" }));
  });

  afterAll(async () => {
    await noQueue.stop();
  });

  it("still renders when a thread is free: zero means nothing waits, not nothing runs", async () => {
    const { cookie } = await signUp(noQueue.url);
    for (const text of ["First on an idle pool", "Second on an idle pool"]) {
      const response = await post(
        noQueue.url,
        "/api/generate",
        quoteCard({ fields: { quote: text } }),
        {
          cookie,
        },
      );
      expect(response.status, text).toBe(201);
      await response.arrayBuffer();
    }
  });
});

describe("the generate and images rate limits", () => {
  let limited: RunningServer;

  beforeAll(async () => {
    limited = await startServer(
      serverEnv({ RATE_LIMIT_GENERATE_PER_MINUTE: "1", RATE_LIMIT_IMAGES_PER_MINUTE: "1" }),
    );
  });

  afterAll(async () => {
    await limited.stop();
  });

  it("answers 429 LIMIT_EXCEEDED with Retry-After once a user has used it up", async () => {
    const { cookie } = await signUp(limited.url);
    const first = await post(limited.url, "/api/generate", quoteCard(), { cookie });
    expect(first.status).toBe(201);
    await first.arrayBuffer();

    for (const path of ["/api/generate", "/api/export"]) {
      const body = path === "/api/export" ? { card: quoteCard() } : quoteCard();
      const response = await post(limited.url, path, body, { cookie });
      expect(response.status, path).toBe(429);
      const retryAfter = Number(response.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const error = await restError(response);
      expect(error).toMatchObject({
        code: "LIMIT_EXCEEDED",
        details: { policy: "generate", limit: 1 },
      });
    }

    const metrics = await metricsOf(limited.url);
    expect(sample(metrics, "rate_limit_rejections_total", { policy: "generate" })).toBe(2);

    // Per user: someone else still gets a card.
    const someoneElse = await signUp(limited.url);
    const theirs = await post(limited.url, "/api/generate", quoteCard(), {
      cookie: someoneElse.cookie,
    });
    expect(theirs.status).toBe(201);
  });

  it("answers image reads beyond the images policy with 429 LIMIT_EXCEEDED and Retry-After", async () => {
    const { cookie } = await signUp(limited.url);
    const created = await post(limited.url, "/api/generate", quoteCard({ visibility: "public" }), {
      cookie,
    });
    expect(created.status).toBe(201);
    const url = (created.headers.get("content-location") ?? "").replace(PUBLIC_URL, limited.url);

    const first = await fetch(url);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const second = await fetch(url);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await restError(second)).toMatchObject({
      code: "LIMIT_EXCEEDED",
      details: { policy: "images", limit: 1 },
    });
    // Unknown keys count too: they cannot be probed past the limit.
    const unknown = await fetch(`${limited.url}/api/images/${"0".repeat(64)}.png`);
    expect(unknown.status).toBe(429);
  });
});

describe("download names", () => {
  it("are never paths, hidden files or disguised by formatting characters", () => {
    expect(safeFilename("../../etc/passwd")).toBe("etc passwd");
    expect(safeFilename("....//x")).toBe("x");
    expect(safeFilename(" .hidden ")).toBe("hidden");
    expect(safeFilename("a\u202Egnp.exe")).toBe("a gnp.exe");
    expect(safeFilename("我的分享卡片")).toBe("我的分享卡片");
    expect(safeFilename("\u0000\u0007")).toBe("card");
  });
});
