import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { DomainError } from "../src/errors";
import type { ImageFormat } from "../src/generate/card";
import { createCard, planCard } from "../src/generate/create-card";
import type { CardRenderer } from "../src/generate/ports";
import { readCardImage } from "../src/generate/read-card-image";
import { failure, quote, useCardsSuite } from "./generate-pipeline-support/cards-suite";
import { formatOf } from "./generate-pipeline-support/formats";
import { dataUrl, photoBytes, pixelBombPng } from "./generate-pipeline-support/images";

const s = useCardsSuite();

describe("createCard", () => {
  const formats: [ImageFormat, number][] = [
    ["png", 1],
    ["png", 2],
    ["webp", 1],
    ["webp", 2],
    ["jpeg", 1],
    ["jpeg", 2],
    ["avif", 1],
    ["svg", 1],
  ];
  for (const [format, scale] of formats) {
    it(`renders ${format} at scale ${scale}: stored bytes with the format's signature and size`, async () => {
      const card = await createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote(`Formats ${format}`, { format, scale, size: { preset: "og" } }),
      });
      expect([card.format, card.width, card.height]).toEqual([format, 1200 * scale, 630 * scale]);
      expect(card.cached).toBe(false);
      expect(card.etag).toBe(`"${card.key}"`);
      const ext = format === "jpeg" ? "jpg" : format;
      const image = await readCardImage(s.fixture.deps, {
        key: card.key,
        ext,
        viewerUserId: s.alice,
      });
      expect(formatOf(image.bytes)).toBe(format);
      expect(image.bytes.byteLength).toBe(card.bytes);
      expect(image.mime).toBe(card.mime);
      if (format !== "svg") {
        const meta = await sharp(image.bytes).metadata();
        expect([meta.width, meta.height]).toEqual([1200 * scale, 630 * scale]);
      }
      // The thumbnail is made on first read, not during the render.
      const thumbBlob = `cards/${card.key.slice(0, 2)}/${card.key}.thumb.webp`;
      expect(await s.fixture.deps.blobs.has(thumbBlob)).toBe(false);
      const thumbnail = await readCardImage(s.fixture.deps, {
        key: card.key,
        ext: "thumb.webp",
        viewerUserId: s.alice,
      });
      expect(thumbnail.mime).toBe("image/webp");
      expect((await sharp(thumbnail.bytes).metadata()).width).toBe(400);
      expect(await s.fixture.deps.blobs.has(thumbBlob)).toBe(true);
    });
  }

  it("answers an identical request from the stored bytes without rendering again", async () => {
    const before = s.renderer.jobs.length;
    const lookups = s.fixture.deps.metrics.lookups.length;
    const first = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Cached once"),
    });
    // The same card with the size spelled out and the fields in another order.
    const second = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: {
        ...quote("Cached once"),
        fields: { author: "Ada", quote: "Cached once" },
        size: { width: 1200, height: 630 },
      },
    });
    expect(s.renderer.jobs.length).toBe(before + 1);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.key).toBe(first.key);
    expect(second.etag).toBe(first.etag);
    // The same card again is the same entry in the owner's history, not a second one.
    expect(second.id).toBe(first.id);
    expect([second.width, second.height, second.bytes]).toEqual([
      first.width,
      first.height,
      first.bytes,
    ]);
    expect(s.fixture.deps.metrics.lookups.slice(lookups)).toEqual(["miss", "hit"]);

    // Another user's identical card shares the bytes too.
    const bobs = await createCard(s.fixture.deps, { userId: s.bob, input: quote("Cached once") });
    expect([bobs.cached, bobs.key]).toEqual([true, first.key]);
    expect(bobs.id).not.toBe(first.id);
    expect(s.renderer.jobs.length).toBe(before + 1);
  });

  it("makes an existing card public when it is requested again as public", async () => {
    const mine = await createCard(s.fixture.deps, { userId: s.alice, input: quote("Share me") });
    expect(mine.visibility).toBe("private");
    await expect(
      readCardImage(s.fixture.deps, { key: mine.key, ext: "png" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const shared = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Share me", { visibility: "public" }),
    });
    expect([shared.id, shared.visibility]).toEqual([mine.id, "public"]);
    const image = await readCardImage(s.fixture.deps, { key: mine.key, ext: "png" });
    expect(image.visibility).toBe("public");
  });

  it("plans the content address and ETag without rendering", async () => {
    const jobs = s.renderer.jobs.length;
    const plan = planCard(quote("Planned first"));
    expect(s.renderer.jobs.length).toBe(jobs);
    const card = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Planned first"),
    });
    expect([plan.key, plan.etag]).toEqual([card.key, card.etag]);
    expect(() => planCard(quote("x", { templateId: "no-such-template" }))).toThrow(DomainError);
  });

  it("renders again when the index names bytes that are no longer stored", async () => {
    const first = await createCard(s.fixture.deps, { userId: s.alice, input: quote("Lost bytes") });
    // As after a concurrent delete of the key's last card, between index read and record.
    await s.fixture.deps.blobs.delete(`cards/${first.key.slice(0, 2)}/${first.key}.png`);
    const jobs = s.renderer.jobs.length;
    const again = await createCard(s.fixture.deps, { userId: s.alice, input: quote("Lost bytes") });
    expect([again.cached, again.key]).toEqual([false, first.key]);
    expect(s.renderer.jobs.length).toBe(jobs + 1);
    const image = await readCardImage(s.fixture.deps, {
      key: first.key,
      ext: "png",
      viewerUserId: s.alice,
    });
    expect(formatOf(image.bytes)).toBe("png");
  });

  it("renders anew when the quality, format or text differs", async () => {
    const before = s.renderer.jobs.length;
    const a = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Quality", { format: "jpeg" }),
    });
    const b = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Quality", { format: "jpeg", quality: 30 }),
    });
    const c = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Quality", { format: "webp" }),
    });
    expect(new Set([a.key, b.key, c.key]).size).toBe(3);
    expect(s.renderer.jobs.length).toBe(before + 3);
    expect(b.bytes).toBeLessThan(a.bytes);
    expect(s.renderer.jobs.at(-3)?.quality).toBe(90);
    expect(s.renderer.jobs.at(-1)?.quality).toBe(82);
  });

  it("embeds a data-URL image and keys the card by the image's bytes", async () => {
    const photo = await photoBytes(900, 900);
    const input = quote("With a face", { fields: { quote: "With a face", avatar: "" } });
    const withPhoto = (bytes: Buffer) => ({
      ...input,
      fields: { quote: "With a face", avatar: dataUrl("image/jpeg", bytes) },
    });
    const card = await createCard(s.fixture.deps, { userId: s.alice, input: withPhoto(photo) });
    const job = s.renderer.jobs.at(-1);
    expect(job?.images.avatar?.mime).toBe("image/jpeg");
    const [row] = await s.fixture.database.db
      .select({ fields: schema.cards.fields })
      .from(schema.cards)
      .where(eq(schema.cards.id, card.id));
    expect(row?.fields.avatar).toMatch(/^sha256:[0-9a-f]{64}$/);

    const other = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: withPhoto(await photoBytes(901, 900)),
    });
    expect(other.key).not.toBe(card.key);
  });

  it("refuses a remote image URL, an upload and a pixel bomb, recording nothing", async () => {
    const rows = await s.rowCount();
    const files = (await s.blobFiles()).length;
    const remote = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote("x", { fields: { quote: "x", avatar: "https://example.com/a.png" } }),
      }),
    );
    expect(remote.code).toBe("VALIDATION");
    expect(remote.message).toMatch(/not downloaded from URLs/);
    const upload = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote("x", { fields: { quote: "x", avatar: "upload:42" } }),
      }),
    );
    expect(upload.code).toBe("VALIDATION");
    const bomb = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote("x", {
          fields: { quote: "x", avatar: dataUrl("image/png", await pixelBombPng()) },
        }),
      }),
    );
    expect(bomb.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await s.rowCount()).toBe(rows);
    expect((await s.blobFiles()).length).toBe(files);
  });

  it("validates the request and the template's fields", async () => {
    const unknown = await failure(
      createCard(s.fixture.deps, { userId: s.alice, input: { templateId: "nope", fields: {} } }),
    );
    expect(unknown.code).toBe("NOT_FOUND");

    const fields = await failure(
      createCard(s.fixture.deps, { userId: s.alice, input: { templateId: "quote", fields: {} } }),
    );
    expect(fields.code).toBe("VALIDATION");
    expect(fields.details).toMatchObject({ fieldErrors: { quote: [expect.any(String)] } });

    const tooBig = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote("x", { size: { width: 2400, height: 2400 }, scale: 3 }),
      }),
    );
    expect(tooBig.code).toBe("VALIDATION");
    expect(tooBig.details).toMatchObject({
      fieldErrors: { scale: [expect.stringMatching(/51,840,000 pixels; the most is 16,000,000/)] },
    });

    const text = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote("x", { fields: { quote: "x", a: "y".repeat(40_000) } }),
      }),
    );
    expect(text.code).toBe("VALIDATION");

    const scale = await failure(
      createCard(s.fixture.deps, { userId: s.alice, input: quote("x", { scale: 4 }) }),
    );
    expect(scale.details).toMatchObject({ fieldErrors: { scale: [expect.any(String)] } });
  });

  it("leaves no bytes behind when the card cannot be recorded", async () => {
    const files = await s.blobFiles();
    const error = await createCard(s.fixture.deps, {
      userId: "no-such-user",
      input: quote("Orphan"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await s.blobFiles()).toEqual(files);
  });

  it("records nothing when rendering fails", async () => {
    const rows = await s.rowCount();
    const files = await s.blobFiles();
    const broken: CardRenderer = {
      render: () => Promise.reject(new DomainError("TIMEOUT", "The card took too long")),
      queued: () => ({ standard: 0, avif: 0 }),
      close: () => Promise.resolve(),
    };
    const error = await failure(
      createCard(
        { ...s.fixture.deps, renderer: broken },
        { userId: s.alice, input: quote("Never") },
      ),
    );
    expect(error.code).toBe("TIMEOUT");
    expect(await s.rowCount()).toBe(rows);
    expect(await s.blobFiles()).toEqual(files);
  });
});
