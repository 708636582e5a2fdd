import { randomUUID } from "node:crypto";

import sharp from "sharp";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { mutate, restError, signUp, startServer, type RunningServer } from "./support";

/**
 * Articles over real HTTP: a cover picture uploaded with POST /api/uploads and served at the
 * article's `coverUrl` to whoever may read the article — anyone once it is public, nobody else
 * while it is a draft — with the error envelope otherwise.
 */

const PUBLIC_URL = "http://localhost:3000";

let s: RunningServer;
let author: { cookie: string };
let reader: { cookie: string };

beforeAll(async () => {
  s = await startServer({
    LOG_LEVEL: "warn",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
    RENDER_THREADS: "1",
  });
  author = await signUp(s.url);
  reader = await signUp(s.url);
});

afterAll(async () => {
  await s.stop();
});

const Result = z.object({ result: z.object({ data: z.unknown() }) });
const ArticleOut = z.object({
  id: z.string(),
  slug: z.string(),
  version: z.number(),
  coverUrl: z.string().nullable(),
});

async function call(path: string, input: unknown, cookie: string) {
  const response = await mutate(s.url, path, input, { cookie });
  expect(response.status).toBe(200);
  const { result } = Result.parse(await response.json());
  return ArticleOut.parse(
    superjson.deserialize(result.data as Parameters<typeof superjson.deserialize>[0]),
  );
}

/** The path and query of a URL the server made with its public address. */
const local = (url: string) => `${s.url}${new URL(url).pathname}`;

describe("article covers over HTTP", () => {
  it("serves the cover to whoever may read the article, and only to them", async () => {
    const png = await sharp({
      create: { width: 64, height: 36, channels: 3, background: "#884422" },
    })
      .png()
      .toBuffer();
    const uploaded = await fetch(`${s.url}/api/uploads`, {
      method: "POST",
      headers: { "content-type": "image/png", origin: PUBLIC_URL, cookie: author.cookie },
      body: png,
    });
    expect(uploaded.status).toBe(201);
    const { id: uploadId } = z.object({ id: z.string() }).parse(await uploaded.json());

    const article = await call(
      "articles.create",
      { title: "With a cover", cover: { kind: "upload", id: uploadId } },
      author.cookie,
    );
    expect(article.coverUrl).toBe(`${PUBLIC_URL}/api/articles/${article.id}/cover/${uploadId}`);
    const coverUrl = local(article.coverUrl ?? "");

    const own = await fetch(coverUrl, { headers: { cookie: author.cookie } });
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await own.arrayBuffer()).equals(png)).toBe(true);

    // A draft's cover is its author's alone; the envelope says no more than "not found".
    const hidden = await fetch(coverUrl, { headers: { cookie: reader.cookie } });
    expect(hidden.status).toBe(404);
    expect(await restError(hidden)).toMatchObject({ code: "NOT_FOUND" });

    await call("articles.publish", { id: article.id }, author.cookie);
    expect((await fetch(coverUrl, { headers: { cookie: reader.cookie } })).status).toBe(200);
    expect((await fetch(coverUrl)).status).toBe(404);
    await call("articles.publish", { id: article.id, isPublic: true }, author.cookie);
    const anyone = await fetch(coverUrl);
    expect(anyone.status).toBe(200);
    expect(anyone.headers.get("x-content-type-options")).toBe("nosniff");

    // Someone else's upload is no cover.
    const borrowed = await mutate(
      s.url,
      "articles.create",
      { title: "Borrowed", cover: { kind: "upload", id: uploadId } },
      { cookie: reader.cookie },
    );
    expect(borrowed.status).toBe(400);
  });
});
