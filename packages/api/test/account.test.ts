import { createHash, randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { cardBlobKey, type CreateCardInput } from "@genflow/core/generate";
import { createTask, defineTaskKind, taskKinds } from "@genflow/core/tasks";
import { createUpload } from "@genflow/core/uploads";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import {
  cookieHeaderFrom,
  createTestHarness,
  failureOf,
  type TestHarness,
  uniqueIp,
  uniquePng,
} from "./support";

/**
 * `auth.deleteAccount`: who may delete, what goes (rows, files, sessions, keys) and what stays
 * (another account's card that shares an image).
 */

/** Aborted handlers, by task id. */
const aborted = new Set<string>();

/** Writes a file, or with `hold` waits until its signal aborts. */
const note = defineTaskKind({
  name: "test.note",
  input: z.object({ hold: z.boolean() }),
  concurrency: 2,
  maxAttempts: 1,
  timeoutMs: 30_000,
  backoff: { baseMs: 10, maxMs: 50 },
  async run({ task, input, signal }) {
    if (input.hold) {
      await new Promise<void>((_, reject) => {
        signal.addEventListener("abort", () => {
          aborted.add(task.id);
          reject(signal.reason as Error);
        });
      });
    }
    const key = `tasks/${task.id}/note.txt`;
    await h.tasks.storage.put(key, Buffer.from("hello"), { contentType: "text/plain" });
    return { files: [{ name: "note.txt", key, bytes: 5, contentType: "text/plain" }] };
  },
});

let h: TestHarness;
let admin: Awaited<ReturnType<TestHarness["signUp"]>>;

beforeAll(async () => {
  h = await createTestHarness({ taskKinds: new Map([...taskKinds([note])]) });
  // The first account is the installation's administrator.
  admin = await h.signUp();
});

afterAll(async () => {
  await h.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const sharedCard: CreateCardInput = {
  templateId: "quote",
  fields: { quote: "Made by two people, stored once.", author: "Both" },
  size: { width: 400, height: 210 },
};

async function rowsOf(userId: string) {
  const count = async (
    table: typeof schema.cards | typeof schema.uploads | typeof schema.articles,
  ) => (await h.db.select().from(table).where(eq(table.userId, userId))).length;
  return {
    users: (await h.db.select().from(schema.user).where(eq(schema.user.id, userId))).length,
    cards: await count(schema.cards),
    uploads: await count(schema.uploads),
    articles: await count(schema.articles),
    sessions: (await h.db.select().from(schema.session).where(eq(schema.session.userId, userId)))
      .length,
  };
}

describe("auth.deleteAccount", () => {
  it("removes the account, its rows, files, sessions and keys; a shared card image stays", async () => {
    const leaving = await h.signUp();
    const staying = await h.signUp();
    const api = h.caller({ cookie: leaving.cookie });
    const own = await api.generate.card({
      ...sharedCard,
      fields: { quote: "Only mine.", author: "Leaving" },
    });
    const shared = await api.generate.card(sharedCard);
    const kept = await h.caller({ cookie: staying.cookie }).generate.card(sharedCard);
    expect(kept.key).toBe(shared.key);
    const { upload } = await createUpload(h.services.uploads, {
      userId: leaving.user.id,
      bytes: uniquePng(),
    });
    await api.articles.create({ title: "Goodbye", body: "So long." });
    const { key: apiKey } = await api.auth.apiKeys.create({ name: "script" });
    const task = async (hold: boolean) =>
      (
        await createTask(h.services, {
          userId: leaving.user.id,
          input: { kind: "test.note", input: { hold } },
        })
      ).task.id;
    const [done, running] = [await task(false), await task(true)];
    const statusOf = async (id: string) => (await api.tasks.byId({ id })).status;
    for (let i = 0; i < 200 && (await statusOf(done)) !== "succeeded"; i += 1) await sleep(20);
    for (let i = 0; i < 200 && (await statusOf(running)) !== "running"; i += 1) await sleep(20);
    expect(await h.tasks.storage.has(`tasks/${done}/note.txt`)).toBe(true);
    const blobs = h.services.generate.blobs;
    const ownImage = cardBlobKey(own.key, "png");
    expect(await blobs.has(ownImage)).toBe(true);
    expect(await h.services.uploads.blobs.has(`uploads/${upload.id}`)).toBe(true);
    expect(await rowsOf(leaving.user.id)).toMatchObject({ users: 1, cards: 2, uploads: 1 });
    // Signed in on another device too, its resolution cached.
    const elsewhere = h.request({ ip: uniqueIp() });
    await elsewhere.api.auth.signIn({ email: leaving.email, password: leaving.password });
    const otherDevice = cookieHeaderFrom(elsewhere.responseHeaders.getSetCookie()) ?? "";
    expect(await h.caller({ cookie: otherDevice }).auth.session()).not.toBeNull();

    const { api: deleting, responseHeaders } = h.request({ cookie: leaving.cookie });
    expect(await deleting.auth.deleteAccount({ password: leaving.password })).toEqual({ ok: true });
    expect(responseHeaders.getSetCookie().some((c) => /session_token=;/.test(c))).toBe(true);

    expect(await rowsOf(leaving.user.id)).toEqual({
      users: 0,
      cards: 0,
      uploads: 0,
      articles: 0,
      sessions: 0,
    });
    expect(await blobs.has(ownImage)).toBe(false);
    expect(await h.services.uploads.blobs.has(`uploads/${upload.id}`)).toBe(false);
    expect(await h.tasks.storage.has(`tasks/${done}/note.txt`)).toBe(false);
    // The running task's handler was told to stop.
    for (let i = 0; i < 200 && !aborted.has(running); i += 1) await sleep(20);
    expect(aborted.has(running)).toBe(true);
    // The other account's card keeps the image both cards used.
    expect(await blobs.has(cardBlobKey(shared.key, "png"))).toBe(true);
    expect(await h.caller({ cookie: staying.cookie }).generate.history({})).toMatchObject({
      items: [{ id: kept.id }],
    });

    // Every session and the key stop working at once.
    expect(await h.caller({ cookie: leaving.cookie }).auth.session()).toBeNull();
    expect(await h.caller({ cookie: otherDevice }).auth.session()).toBeNull();
    const withKey = h.caller({ apiKey });
    expect((await failureOf(withKey.auth.apiKeys.list())).code).toBe("UNAUTHORIZED");
    // Signing in again fails as for any unknown account.
    const signIn = await failureOf(
      h.caller().auth.signIn({ email: leaving.email, password: leaving.password }),
    );
    expect(signIn.code).toBe("UNAUTHORIZED");
  });

  // Two transactions at once need a Postgres server; the embedded database has one connection.
  it.skipIf(!process.env.DATABASE_URL)(
    "takes a card another session is adding while it deletes, image and all",
    async () => {
      const leaving = await h.signUp();
      const api = h.caller({ cookie: leaving.cookie });
      const first = await api.generate.card({
        ...sharedCard,
        fields: { quote: "The first.", author: "Leaving" },
      });
      const [template] = await h.db
        .select()
        .from(schema.cards)
        .where(eq(schema.cards.id, first.id));
      const lateKey = createHash("sha256").update(randomUUID()).digest("hex");
      const blobs = h.services.generate.blobs;
      await blobs.put(cardBlobKey(lateKey, "png"), uniquePng(), { contentType: "image/png" });

      // Another session's card, written but not yet committed when the deletion starts.
      let commit = () => undefined as void;
      const committed = new Promise<void>((resolve) => {
        commit = resolve;
      });
      const adding = h.db.transaction(async (tx) => {
        await tx.insert(schema.cards).values({
          ...(template as typeof schema.cards.$inferSelect),
          id: randomUUID(),
          key: lateKey,
        });
        await committed;
      });
      const deleting = api.auth.deleteAccount({ password: leaving.password });
      const waiting = async () => {
        const rows = await h.db.execute<{ n: number }>(
          sql`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`,
        );
        return (rows as { n: number }[])[0]?.n ?? 0;
      };
      for (let i = 0; i < 250 && (await waiting()) === 0; i += 1) await sleep(20);
      expect(await waiting()).toBeGreaterThan(0);
      commit();
      await adding;
      expect(await deleting).toEqual({ ok: true });

      expect(await rowsOf(leaving.user.id)).toMatchObject({ users: 0, cards: 0 });
      expect(await blobs.has(cardBlobKey(first.key, "png"))).toBe(false);
      expect(await blobs.has(cardBlobKey(lateKey, "png"))).toBe(false);
    },
  );

  it("refuses a wrong password and keeps everything", async () => {
    const user = await h.signUp();
    const api = h.caller({ cookie: user.cookie });
    await api.articles.create({ title: "Still here", body: "Yes." });
    const { code, error } = await failureOf(
      api.auth.deleteAccount({ password: `${user.password}!` }),
    );
    expect(code).toBe("FORBIDDEN");
    expect(error.message).toBe("The password is not right");
    expect(await rowsOf(user.user.id)).toMatchObject({ users: 1, articles: 1, sessions: 1 });
    expect(await api.auth.session()).toMatchObject({ user: { id: user.user.id } });
  });

  it("limits wrong passwords as sign-in does", async () => {
    const user = await h.signUp();
    const api = h.caller({ cookie: user.cookie });
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      codes.push((await failureOf(api.auth.deleteAccount({ password: "guess" }))).code);
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill("FORBIDDEN"));
    expect(codes[5]).toBe("LIMIT_EXCEEDED");
    expect(await rowsOf(user.user.id)).toMatchObject({ users: 1 });
  });

  it("needs the browser session, not an API key", async () => {
    const user = await h.signUp();
    const { key } = await h.caller({ cookie: user.cookie }).auth.apiKeys.create({ name: "ci" });
    const { code } = await failureOf(
      h.caller({ apiKey: key }).auth.deleteAccount({ password: user.password }),
    );
    expect(code).toBe("FORBIDDEN");
    expect(await rowsOf(user.user.id)).toMatchObject({ users: 1 });
  });

  it("keeps the only administrator while other accounts exist", async () => {
    const { code } = await failureOf(
      h.caller({ cookie: admin.cookie }).auth.deleteAccount({ password: admin.password }),
    );
    expect(code).toBe("CONFLICT");
    expect(await rowsOf(admin.user.id)).toMatchObject({ users: 1, sessions: 1 });
  });

  it("answers VALIDATION without a password and UNAUTHORIZED when signed out", async () => {
    const user = await h.signUp();
    expect(
      (await failureOf(h.caller({ cookie: user.cookie }).auth.deleteAccount({ password: "" })))
        .code,
    ).toBe("VALIDATION");
    expect((await failureOf(h.caller().auth.deleteAccount({ password: "x" }))).code).toBe(
      "UNAUTHORIZED",
    );
  });
});
