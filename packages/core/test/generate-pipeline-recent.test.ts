import { schema, type Database } from "@genflow/db";
import { eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import { createCard } from "../src/generate/create-card";
import { deleteCard } from "../src/generate/delete-card";
import { getTemplate } from "../src/generate/engine";
import type { GenerateDeps } from "../src/generate/ports";
import { createRecentCards, type RecentCards } from "../src/generate/recent-cards";
import { createdCardImage, readCardImage } from "../src/generate/read-card-image";
import type { CardImage } from "../src/generate/schemas";
import { createUpload, DEFAULT_UPLOAD_LIMITS } from "../src/uploads";
import { quote, useCardsSuite } from "./generate-pipeline-support/cards-suite";
import { dataUrl, photoBytes } from "./generate-pipeline-support/images";

const s = useCardsSuite();

/** Two server processes on one database and blob store, each with its own memory. */
interface Process {
  deps: GenerateDeps;
  recent: RecentCards;
  /** Database round trips (queries and transactions) this process made. */
  queries: () => number;
}

/** How a quote card without pictures names them (see `imageRefs` in create-card.ts). */
const NO_PICTURES = JSON.stringify(getTemplate("quote")?.imageFields.map(() => null) ?? []);

let pubsub: MemoryPubSub;
let a: Process;
let b: Process;

/** Counts what reaches the database through `db`. */
function counting(db: Database): { db: Database; count: () => number } {
  let n = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (
        ["select", "insert", "update", "delete", "execute", "transaction"].includes(
          String(property),
        )
      )
        n += 1;
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return { db: counted, count: () => n };
}

async function startProcess(): Promise<Process> {
  const recent = await createRecentCards({ pubsub });
  const { db, count } = counting(s.fixture.deps.db);
  return { deps: { ...s.fixture.deps, db, pubsub, recent }, recent, queries: count };
}

beforeAll(async () => {
  pubsub = new MemoryPubSub();
  a = await startProcess();
  b = await startProcess();
});

afterAll(async () => {
  await a.recent.close();
  await b.recent.close();
});

describe("recent cards", () => {
  it("answers a repeat request from memory: no database, no render, the same card", async () => {
    const input = quote("Remembered once", { visibility: "private" });
    const first = await createCard(a.deps, { userId: s.alice, input });
    const renders = s.renderer.jobs.length;
    const queries = a.queries();

    const again = await createCard(a.deps, { userId: s.alice, input });
    expect(again).toEqual({ ...first, cached: true });
    expect(a.queries()).toBe(queries);
    expect(s.renderer.jobs.length).toBe(renders);

    // The bytes come from memory too, identical to what is stored.
    const image = await createdCardImage(a.deps, again);
    const stored = await readCardImage(s.fixture.deps, {
      key: again.key,
      ext: "png",
      viewerUserId: s.alice,
    });
    expect(Buffer.from(image.bytes).equals(Buffer.from(stored.bytes))).toBe(true);
    expect(image).toMatchObject({ mime: "image/png", visibility: "private", etag: again.etag });
  });

  it("is per user: another user's identical request is recorded in their own history", async () => {
    const input = quote("Shared words");
    const mine = await createCard(a.deps, { userId: s.alice, input });
    const theirs = await createCard(a.deps, { userId: s.bob, input });
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.key).toBe(mine.key);
    const rows = await s.fixture.deps.db
      .select({ userId: schema.cards.userId })
      .from(schema.cards)
      .where(eq(schema.cards.key, mine.key));
    expect(rows.map((r) => r.userId).sort()).toEqual([s.alice, s.bob].sort());
  });

  it("a visibility change in one process is seen by the next request in every other", async () => {
    const input = quote("Now you see it", { visibility: "private" });
    const card = await createCard(b.deps, { userId: s.alice, input });
    await createCard(b.deps, { userId: s.alice, input });
    expect(b.recent.card(s.alice, card.key, NO_PICTURES)?.visibility).toBe("private");

    const shown = await createCard(a.deps, {
      userId: s.alice,
      input: { ...input, visibility: "public" },
    });
    expect(shown).toMatchObject({ id: card.id, visibility: "public" });
    expect(b.recent.card(s.alice, card.key, NO_PICTURES)).toBeUndefined();

    // Asked for privately again in b: the database is consulted and the row changes back.
    const queries = b.queries();
    const hidden = await createCard(b.deps, { userId: s.alice, input });
    expect(b.queries()).toBeGreaterThan(queries);
    expect(hidden).toMatchObject({ id: card.id, visibility: "private", cached: true });
    const [row] = await s.fixture.deps.db
      .select({ visibility: schema.cards.visibility })
      .from(schema.cards)
      .where(eq(schema.cards.id, card.id));
    expect(row?.visibility).toBe("private");
  });

  it("the same picture named another way (an upload after a data URL) is recorded as named", async () => {
    const photo = await photoBytes(320, 240);
    const text = `Named twice ${randomUUID()}`;
    const input = (avatar: string) =>
      quote(text, { fields: { quote: text, author: "Ada", avatar } });
    const inline = await createCard(a.deps, {
      userId: s.alice,
      input: input(dataUrl("image/jpeg", photo)),
    });
    const { upload } = await createUpload(
      { ...s.fixture.deps, limits: DEFAULT_UPLOAD_LIMITS },
      { userId: s.alice, bytes: photo },
    );
    const renders = s.renderer.jobs.length;
    const uploaded = await createCard(a.deps, { userId: s.alice, input: input(upload.ref) });
    expect(uploaded).toMatchObject({ id: inline.id, key: inline.key, cached: true });
    expect(s.renderer.jobs.length).toBe(renders);
    const [row] = await s.fixture.deps.db
      .select({ fields: schema.cards.fields })
      .from(schema.cards)
      .where(eq(schema.cards.id, inline.id));
    expect((row?.fields as Record<string, unknown>).avatar).toBe(upload.ref);

    // Now remembered as an upload: the next identical request needs nothing else.
    const queries = a.queries();
    await createCard(a.deps, { userId: s.alice, input: input(upload.ref) });
    expect(a.queries()).toBe(queries + 1); // the upload's lookup
  });

  it("a card deleted in one process is rendered and recorded anew by the next request in another", async () => {
    const input = quote("Gone and back");
    const card = await createCard(b.deps, { userId: s.alice, input });
    const image = await createdCardImage(b.deps, card);
    b.recent.rememberPublicImage(`${card.key}.png`, image);
    expect(b.recent.bytes(`${card.key}.png`)).toBeDefined();

    await deleteCard(a.deps, { userId: s.alice, id: card.id });
    expect(b.recent.card(s.alice, card.key, NO_PICTURES)).toBeUndefined();
    expect(b.recent.bytes(`${card.key}.png`)).toBeUndefined();
    expect(b.recent.publicImage(`${card.key}.png`)).toBeUndefined();

    const renders = s.renderer.jobs.length;
    const again = await createCard(b.deps, { userId: s.alice, input });
    expect(again.id).not.toBe(card.id);
    expect(again.cached).toBe(false);
    expect(s.renderer.jobs.length).toBe(renders + 1);
  });
});

describe("createRecentCards", () => {
  const key = (c: string) => c.repeat(64);
  const image = (bytes: number, visibility: "public" | "private" = "public"): CardImage => ({
    bytes: new Uint8Array(bytes),
    mime: "image/png",
    visibility,
    etag: '"x"',
  });

  it("keeps public images only, within its byte budget, and forgets a key's every name", async () => {
    const recent = await createRecentCards({ pubsub: new MemoryPubSub(), maxBytes: 2000 });
    recent.rememberPublicImage(`${key("a")}.png`, image(100, "private"));
    expect(recent.publicImage(`${key("a")}.png`)).toBeUndefined();

    recent.rememberPublicImage(`${key("a")}.png`, image(100));
    recent.rememberPublicImage(`${key("a")}.thumb.webp`, image(50));
    recent.rememberBytes(`${key("a")}.png`, new Uint8Array(100));
    recent.rememberPublicImage(`${key("b")}.png`, image(100));
    await recent.forget(key("a"));
    expect(recent.publicImage(`${key("a")}.png`)).toBeUndefined();
    expect(recent.publicImage(`${key("a")}.thumb.webp`)).toBeUndefined();
    expect(recent.bytes(`${key("a")}.png`)).toBeUndefined();
    expect(recent.publicImage(`${key("b")}.png`)).toBeDefined();

    // Half the budget is for images: a bigger one pushes the oldest out.
    recent.rememberPublicImage(`${key("c")}.png`, image(950));
    expect(recent.publicImage(`${key("b")}.png`)).toBeUndefined();
    expect(recent.publicImage(`${key("c")}.png`)).toBeDefined();
    await recent.close();
  });

  it("ignores malformed messages from other processes", async () => {
    const bus = new MemoryPubSub();
    const recent = await createRecentCards({ pubsub: bus });
    recent.rememberBytes(`${key("d")}.png`, new Uint8Array(10));
    await bus.publish("generate:card-changed", { key: "not a key" });
    await bus.publish("generate:card-changed", "nonsense");
    expect(recent.bytes(`${key("d")}.png`)).toBeDefined();
    await recent.close();
  });

  it("forgets entries after its time to live", async () => {
    const recent = await createRecentCards({ pubsub: new MemoryPubSub(), ttlMs: 20 });
    recent.rememberBytes(`${key("e")}.png`, new Uint8Array(10));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(recent.bytes(`${key("e")}.png`)).toBeUndefined();
    await recent.close();
  });
});
