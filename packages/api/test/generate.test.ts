import { randomUUID } from "node:crypto";

import type { CreateCardInput } from "@genflow/core/generate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestHarness, failureOf, TEST_BASE_URL, type TestHarness, uniqueIp } from "./support";

/**
 * The `generate` procedures through the API layer: authentication, the URLs and ETags the
 * router adds to what the core returns, history and deletion per user, the error envelope for
 * invalid requests, and the `generate` rate limit. Rendering itself is covered in core.
 */

let h: TestHarness;
let owner: Awaited<ReturnType<TestHarness["signUp"]>>;
let other: Awaited<ReturnType<TestHarness["signUp"]>>;

beforeAll(async () => {
  h = await createTestHarness();
  owner = await h.signUp();
  other = await h.signUp();
});

afterAll(async () => {
  await h.close();
});

const KEY = /^[0-9a-f]{64}$/;

/** A small quote card whose text no other test uses, so it is never already rendered. */
function quoteCard(overrides: Partial<CreateCardInput> = {}): CreateCardInput {
  return {
    templateId: "quote",
    fields: { quote: `Ship small things, often. ${randomUUID()}`, author: "Tester" },
    size: { width: 400, height: 210 },
    ...overrides,
  };
}

/** The error envelope of a call made the way the HTTP host makes it (through the formatter). */
async function envelopeOf(
  type: "query" | "mutation",
  path: string,
  input: unknown,
  cookie = owner.cookie,
) {
  const res = await h.http(type, path, input, { cookie });
  if (!res.error) throw new Error(`expected ${path} to fail, but it returned ${res.status}`);
  const fieldErrors = (res.error.details?.fieldErrors ?? {}) as Record<string, string[]>;
  return { status: res.status, ...res.error, fieldErrors };
}

async function historyOf(cookie: string) {
  return h.caller({ cookie }).generate.history({ limit: 100 });
}

describe("generate.templates", () => {
  it("lists the four templates to anyone, each with its fields as a JSON Schema", async () => {
    const { templates } = await h.caller().generate.templates();
    expect(templates.map((t) => t.id).sort()).toEqual(
      ["announcement", "article-cover", "profile-stats", "quote"].sort(),
    );
    for (const template of templates) {
      expect(template.jsonSchema).toMatchObject({ type: "object" });
      const properties = template.jsonSchema.properties as Record<string, unknown>;
      // Every field the sample fills in is described by the schema.
      for (const field of Object.keys(template.sample)) expect(properties).toHaveProperty(field);
      expect(template.themes.length).toBeGreaterThan(0);
    }
    const quote = templates.find((t) => t.id === "quote");
    expect(quote?.jsonSchema.required).toContain("quote");
    expect(quote?.imageFields).toEqual(["avatar"]);
  });
});

describe("generate.card", () => {
  it("requires sign-in: anonymous callers get UNAUTHORIZED for every card procedure", async () => {
    const api = h.caller({ ip: uniqueIp() });
    expect((await failureOf(api.generate.card(quoteCard()))).code).toBe("UNAUTHORIZED");
    expect((await failureOf(api.generate.preview(quoteCard()))).code).toBe("UNAUTHORIZED");
    expect((await failureOf(api.generate.history({}))).code).toBe("UNAUTHORIZED");
    expect((await failureOf(api.generate.delete({ id: randomUUID() }))).code).toBe("UNAUTHORIZED");

    const res = await h.http("mutation", "generate.card", quoteCard(), { ip: uniqueIp() });
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe("UNAUTHORIZED");
  });

  it("renders for a session: url under the public URL, etag = quoted key, the card's size", async () => {
    const card = await h.caller({ cookie: owner.cookie }).generate.card({
      templateId: "quote",
      fields: { quote: `Default size ${randomUUID()}` },
    });
    expect(card.key).toMatch(KEY);
    expect(card.etag).toBe(`"${card.key}"`);
    expect(card.url).toBe(`${TEST_BASE_URL}/api/images/${card.key}.png`);
    expect(card).toMatchObject({
      width: 1200,
      height: 630,
      format: "png",
      mime: "image/png",
      cached: false,
      visibility: "private",
    });
    expect(card.bytes).toBeGreaterThan(0);
    expect(card.createdAt).toBeInstanceOf(Date);
  });

  it("scales the output and names the file by format", async () => {
    const card = await h
      .caller({ cookie: owner.cookie })
      .generate.card(quoteCard({ scale: 2, format: "jpeg", visibility: "public" }));
    expect(card).toMatchObject({ width: 800, height: 420, format: "jpeg", mime: "image/jpeg" });
    expect(card.visibility).toBe("public");
    expect(card.url).toBe(`${TEST_BASE_URL}/api/images/${card.key}.jpg`);
  });

  it("builds URLs from the configured public URL", async () => {
    const { key } = await h.caller({ cookie: owner.cookie }).auth.apiKeys.create({ name: "url" });
    const elsewhere = h.serve({ baseURL: "https://cards.example.com/" });
    const card = await elsewhere.caller({ apiKey: key }).generate.card(quoteCard());
    expect(card.url).toBe(`https://cards.example.com/api/images/${card.key}.png`);
    const { items } = await elsewhere.caller({ apiKey: key }).generate.history({ limit: 1 });
    expect(items[0]?.thumbnailUrl).toBe(
      `https://cards.example.com/api/images/${card.key}.thumb.webp`,
    );
  });

  it("accepts an API key and records the card for the key's owner", async () => {
    const { cookie } = await h.signUp();
    const { key } = await h.caller({ cookie }).auth.apiKeys.create({ name: "cards" });
    const card = await h.caller({ apiKey: key, origin: null }).generate.card(quoteCard());
    expect(card.cached).toBe(false);

    const history = await historyOf(cookie);
    expect(history.items.map((item) => item.id)).toEqual([card.id]);
  });

  it("answers the same request again from the stored card: cached, same id, one history entry", async () => {
    const { cookie } = await h.signUp();
    const input = quoteCard();
    const first = await h.caller({ cookie }).generate.card(input);
    const again = await h.caller({ cookie }).generate.card(input);
    expect(first.cached).toBe(false);
    expect(again).toMatchObject({
      cached: true,
      id: first.id,
      key: first.key,
      etag: first.etag,
      url: first.url,
      width: first.width,
      height: first.height,
      bytes: first.bytes,
    });
    const history = await historyOf(cookie);
    expect(history.items.map((item) => item.id)).toEqual([first.id]);
  });

  it("gives another user the already rendered bytes as a card of their own", async () => {
    const input = quoteCard();
    const mine = await h.caller({ cookie: owner.cookie }).generate.card(input);
    const theirs = await h.caller({ cookie: other.cookie }).generate.card(input);
    expect(theirs.cached).toBe(true);
    expect(theirs.key).toBe(mine.key);
    expect(theirs.id).not.toBe(mine.id);
  });
});

describe("generate.preview", () => {
  it("returns the card as SVG and records nothing in the history", async () => {
    const { cookie } = await h.signUp();
    const input = quoteCard({ fields: { quote: `Preview only ${randomUUID()}` } });
    const preview = await h.caller({ cookie }).generate.preview(input);
    expect(preview.svg.trimStart()).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    expect(preview.svg).toContain("</svg>");
    expect(preview).toMatchObject({ width: 400, height: 210 });
    expect(preview.key).toMatch(KEY);
    expect((await historyOf(cookie)).items).toEqual([]);

    // The key is the address the same request gets as a card, and that card was not stored.
    const card = await h.caller({ cookie }).generate.card(input);
    expect(card.key).toBe(preview.key);
    expect(card.cached).toBe(false);
  });

  it("validates like a card", async () => {
    const { code } = await failureOf(
      h.caller({ cookie: owner.cookie }).generate.preview(quoteCard({ templateId: "nope" })),
    );
    expect(code).toBe("NOT_FOUND");
  });
});

describe("generate.history", () => {
  it("pages newest first with nextCursor, with image and thumbnail URLs", async () => {
    const { cookie } = await h.signUp();
    const api = h.caller({ cookie });
    const created = [];
    for (let i = 0; i < 3; i += 1) created.push(await api.generate.card(quoteCard()));

    const first = await api.generate.history({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await api.generate.history({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();

    const items = [...first.items, ...second.items];
    expect(items.map((item) => item.id).sort()).toEqual(created.map((c) => c.id).sort());
    const times = items.map((item) => item.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const item of items) {
      expect(item).toMatchObject({ templateId: "quote", format: "png", width: 400, height: 210 });
      expect(item.url).toBe(`${TEST_BASE_URL}/api/images/${item.key}.png`);
      expect(item.thumbnailUrl).toBe(`${TEST_BASE_URL}/api/images/${item.key}.thumb.webp`);
    }
  });

  it("shows each user only their own cards", async () => {
    const { cookie } = await h.signUp();
    await h.caller({ cookie: other.cookie }).generate.card(quoteCard());
    expect((await historyOf(cookie)).items).toEqual([]);
  });

  it("refuses a cursor it did not issue with VALIDATION naming the cursor", async () => {
    const error = await envelopeOf("query", "generate.history", { cursor: "not-a-cursor" });
    expect(error.status).toBe(400);
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors.cursor).toEqual([expect.any(String)]);
  });
});

describe("generate.delete", () => {
  it("lets only the owner delete: NOT_FOUND for anyone else, then gone from the history", async () => {
    const { cookie } = await h.signUp();
    const card = await h.caller({ cookie }).generate.card(quoteCard());

    const denied = await failureOf(h.caller({ cookie: other.cookie }).generate.delete(card));
    expect(denied.code).toBe("NOT_FOUND");
    expect((await historyOf(cookie)).items.map((item) => item.id)).toEqual([card.id]);

    await expect(h.caller({ cookie }).generate.delete({ id: card.id })).resolves.toEqual({
      id: card.id,
    });
    expect((await historyOf(cookie)).items).toEqual([]);
    expect((await failureOf(h.caller({ cookie }).generate.delete({ id: card.id }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("renders a deleted card again rather than answering from bytes that are gone", async () => {
    const { cookie } = await h.signUp();
    const input = quoteCard();
    const card = await h.caller({ cookie }).generate.card(input);
    await h.caller({ cookie }).generate.delete({ id: card.id });
    const again = await h.caller({ cookie }).generate.card(input);
    expect(again.cached).toBe(false);
    expect(again.key).toBe(card.key);
    expect(again.id).not.toBe(card.id);
  });

  it("refuses an id that is not a UUID with VALIDATION", async () => {
    const error = await envelopeOf("mutation", "generate.delete", { id: "42" });
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors.id).toEqual([expect.any(String)]);
  });
});

describe("invalid card requests", () => {
  const card = (input: unknown) => envelopeOf("mutation", "generate.card", input);

  it("names a template field of the wrong type in details.fieldErrors", async () => {
    const error = await card(quoteCard({ fields: { quote: 42, author: "A" } }));
    expect(error.status).toBe(400);
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain("quote");
    expect(error.fieldErrors.quote).toEqual([expect.any(String)]);
    expect(error.fieldErrors).not.toHaveProperty("author");
    expect(error.requestId).toMatch(/^test-http-/);
  });

  it("names a missing required template field", async () => {
    const error = await card({ templateId: "article-cover", fields: { site: "x" } });
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors.title).toEqual([expect.any(String)]);
  });

  it("names request fields of the wrong shape (template id, theme colour)", async () => {
    const error = await card({
      templateId: 7,
      fields: {},
      theme: { preset: "light", primary: "blue" },
    });
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(error.fieldErrors).sort()).toEqual(["templateId", "theme"]);
  });

  it("answers an unknown template with NOT_FOUND", async () => {
    const error = await card(quoteCard({ templateId: "no-such-template" }));
    expect(error.status).toBe(404);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toMatch(/template/i);
  });

  it("refuses a size × scale above the pixel limit with the pixel count in the message", async () => {
    const error = await card(quoteCard({ size: { width: 2400, height: 2400 }, scale: 3 }));
    expect(error.code).toBe("VALIDATION");
    const [message] = error.fieldErrors.scale ?? [];
    expect(message).toContain("51,840,000 pixels");
    expect(message).toContain("16,000,000");
  });

  it("accepts the same size × scale as SVG, which has no pixels", async () => {
    const result = await h
      .caller({ cookie: owner.cookie })
      .generate.card(quoteCard({ size: { width: 2400, height: 2400 }, scale: 3, format: "svg" }));
    expect(result).toMatchObject({ format: "svg", width: 2400, height: 2400 });
  });

  it("refuses a remote image URL, saying images are not downloaded and to send a data URL", async () => {
    const error = await card(
      quoteCard({ fields: { quote: "Hi", avatar: "https://example.com/me.png" } }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain('"avatar"');
    expect(error.message).toContain("not downloaded from URLs");
    expect(error.message).toContain("data URL");
    expect(error.details).toMatchObject({ field: "avatar" });
  });

  it("refuses an image field that is not a PNG, JPEG or WebP data URL", async () => {
    const gif = `data:image/gif;base64,${Buffer.from("GIF89a").toString("base64")}`;
    const error = await card(quoteCard({ fields: { quote: "Hi", avatar: gif } }));
    expect(error.code).toBe("VALIDATION");
    expect(error.details).toMatchObject({ field: "avatar" });
  });
});

describe("the generate rate limit", () => {
  let limited: TestHarness;

  beforeAll(async () => {
    limited = await createTestHarness({ policies: { generate: { points: 1, durationSec: 60 } } });
  });

  afterAll(async () => {
    await limited.close();
  });

  it("answers LIMIT_EXCEEDED with Retry-After once a user has used up the policy", async () => {
    const user = await limited.signUp();
    const ok = await limited.http("mutation", "generate.card", quoteCard(), {
      cookie: user.cookie,
    });
    expect(ok.status).toBe(200);

    const res = await limited.http("mutation", "generate.card", quoteCard(), {
      cookie: user.cookie,
    });
    expect(res.status).toBe(429);
    expect(res.error).toMatchObject({
      code: "LIMIT_EXCEEDED",
      details: { policy: "generate", limit: 1 },
    });
    expect(res.error?.details?.retryAfterMs).toBeGreaterThan(0);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.metrics.rateLimitedPolicies).toContain("generate");
  });

  it("counts per user: another user still gets their card", async () => {
    const first = await limited.signUp();
    const second = await limited.signUp();
    await limited.caller({ cookie: first.cookie }).generate.card(quoteCard());
    const { code } = await failureOf(
      limited.caller({ cookie: first.cookie }).generate.card(quoteCard()),
    );
    expect(code).toBe("LIMIT_EXCEEDED");
    const card = await limited.caller({ cookie: second.cookie }).generate.card(quoteCard());
    expect(card.key).toMatch(KEY);
  });

  it("does not count previews, history or deletes against the generate policy", async () => {
    const user = await limited.signUp();
    const api = limited.caller({ cookie: user.cookie });
    await api.generate.preview(quoteCard());
    await api.generate.history({});
    const card = await api.generate.card(quoteCard());
    expect(card.cached).toBe(false);
    // The policy is used up now; reading and deleting still work.
    expect((await failureOf(api.generate.card(quoteCard()))).code).toBe("LIMIT_EXCEEDED");
    await expect(api.generate.delete({ id: card.id })).resolves.toEqual({ id: card.id });
    expect((await api.generate.history({})).items).toEqual([]);
  });
});
