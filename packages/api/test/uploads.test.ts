import { randomUUID } from "node:crypto";

import { createUpload } from "@genflow/core/uploads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestHarness,
  failureOf,
  TEST_BASE_URL,
  type TestHarness,
  uniqueIp,
  uniquePng,
} from "./support";

/**
 * The `generate.uploads` procedures and upload references in card procedures, through the API
 * layer: who sees and deletes which upload, the URLs the router adds, and cards that name uploads.
 * The uploading itself (raw bytes over REST) is covered in apps/server.
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

async function uploadFor(userId: string) {
  const { upload } = await createUpload(h.services.uploads, { userId, bytes: uniquePng() });
  return upload;
}

describe("generate.uploads", () => {
  it("requires sign-in", async () => {
    const api = h.caller({ ip: uniqueIp() });
    expect((await failureOf(api.generate.uploads.list({}))).code).toBe("UNAUTHORIZED");
    const res = await h.http(
      "mutation",
      "generate.uploads.delete",
      { id: randomUUID() },
      {
        ip: uniqueIp(),
      },
    );
    expect(res.status).toBe(401);
  });

  it("lists the caller's own uploads newest first, a page at a time, with their URLs", async () => {
    const { user, cookie } = await h.signUp();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await uploadFor(user.id));
    await uploadFor(other.user.id);

    const api = h.caller({ cookie });
    const first = await api.generate.uploads.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await api.generate.uploads.list({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();

    const items = [...first.items, ...second.items];
    expect(items.map((item) => item.id).sort()).toEqual(made.map((upload) => upload.id).sort());
    const times = items.map((item) => item.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const item of items) {
      expect(item).toMatchObject({
        ref: `upload:${item.id}`,
        mime: "image/png",
        width: 32,
        height: 24,
        url: `${TEST_BASE_URL}/api/uploads/${item.id}`,
      });
    }
  });

  it("refuses a cursor it did not issue, naming the cursor", async () => {
    const res = await h.http(
      "query",
      "generate.uploads.list",
      { cursor: "nope" },
      {
        cookie: owner.cookie,
      },
    );
    expect(res.status).toBe(400);
    expect(res.error?.details?.fieldErrors).toMatchObject({ cursor: [expect.any(String)] });
  });

  it("lets only the owner delete an upload: NOT_FOUND for anyone else", async () => {
    const upload = await uploadFor(owner.user.id);
    const denied = await failureOf(
      h.caller({ cookie: other.cookie }).generate.uploads.delete({ id: upload.id }),
    );
    expect(denied.code).toBe("NOT_FOUND");

    const api = h.caller({ cookie: owner.cookie });
    await expect(api.generate.uploads.delete({ id: upload.id })).resolves.toEqual({
      id: upload.id,
    });
    const { items } = await api.generate.uploads.list({ limit: 100 });
    expect(items.map((item) => item.id)).not.toContain(upload.id);
    expect((await failureOf(api.generate.uploads.delete({ id: upload.id }))).code).toBe(
      "NOT_FOUND",
    );

    const invalid = await h.http(
      "mutation",
      "generate.uploads.delete",
      { id: "42" },
      {
        cookie: owner.cookie,
      },
    );
    expect(invalid.error?.code).toBe("VALIDATION");
    expect(invalid.error?.details?.fieldErrors).toMatchObject({ id: [expect.any(String)] });
  });
});

describe("upload references in card procedures", () => {
  it("makes, previews and records a card from the caller's upload", async () => {
    const upload = await uploadFor(owner.user.id);
    const api = h.caller({ cookie: owner.cookie });
    const input = {
      templateId: "quote",
      fields: { quote: `With my upload ${randomUUID()}`, avatar: upload.ref },
      size: { width: 400, height: 210 },
    };
    const preview = await api.generate.preview(input);
    expect(preview.svg).toContain("data:image/");
    const card = await api.generate.card(input);
    expect(card.key).toBe(preview.key);

    const { items } = await api.generate.history({ limit: 100 });
    expect(items.find((item) => item.id === card.id)?.fields.avatar).toBe(upload.ref);
  });

  it("refuses another user's upload with VALIDATION on the field, for cards and previews", async () => {
    const upload = await uploadFor(owner.user.id);
    const input = {
      templateId: "quote",
      fields: { quote: "Not mine", avatar: upload.ref },
      size: { width: 400, height: 210 },
    };
    for (const path of ["generate.card", "generate.preview"]) {
      const res = await h.http("mutation", path, input, { cookie: other.cookie });
      expect(res.status).toBe(400);
      expect(res.error).toMatchObject({
        code: "VALIDATION",
        details: { field: "avatar", fieldErrors: { avatar: [expect.any(String)] } },
      });
    }
  });
});
