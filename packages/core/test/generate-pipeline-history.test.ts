import { describe, expect, it } from "vitest";

import { cardHistory } from "../src/generate/card-history";
import { createCard } from "../src/generate/create-card";
import { deleteCard } from "../src/generate/delete-card";
import { listTemplates } from "../src/generate/list-templates";
import { readCardImage } from "../src/generate/read-card-image";
import { failure, quote, useCardsSuite } from "./generate-pipeline-support/cards-suite";
import { createUser } from "./generate-pipeline-support/fixtures";
import { formatOf } from "./generate-pipeline-support/formats";

const s = useCardsSuite();

describe("cardHistory", () => {
  it("pages through the user's own cards, newest first, with an opaque cursor", async () => {
    const carol = await createUser(s.fixture.database.db, "Carol");
    const made: string[] = [];
    for (let i = 1; i <= 5; i++) {
      made.push(
        (await createCard(s.fixture.deps, { userId: carol, input: quote(`Page ${i}`) })).id,
      );
    }
    await createCard(s.fixture.deps, { userId: s.bob, input: quote("Not Carol's") });

    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await cardHistory(s.fixture.deps, { userId: carol, limit: 2, cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...made].reverse());

    const [newest] = (await cardHistory(s.fixture.deps, { userId: carol, limit: 1 })).items;
    expect(newest?.thumbnailKey).toBe(`${newest?.key}.thumb.webp`);
    expect(newest?.image).toBe(`${newest?.key}.png`);
    expect(newest?.templateId).toBe("quote");
  });

  it("refuses a cursor it did not make", async () => {
    const error = await failure(cardHistory(s.fixture.deps, { userId: s.alice, cursor: "bm9wZQ" }));
    expect(error.code).toBe("VALIDATION");
  });
});

describe("deleteCard", () => {
  it("lets only the owner delete, and keeps the bytes while another card uses them", async () => {
    const mine = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Shared bytes"),
    });
    const theirs = await createCard(s.fixture.deps, {
      userId: s.bob,
      input: quote("Shared bytes"),
    });
    expect(theirs.key).toBe(mine.key);

    const denied = await failure(deleteCard(s.fixture.deps, { userId: s.bob, id: mine.id }));
    expect(denied.code).toBe("NOT_FOUND");

    await deleteCard(s.fixture.deps, { userId: s.alice, id: mine.id });
    const again = await failure(deleteCard(s.fixture.deps, { userId: s.alice, id: mine.id }));
    expect(again.code).toBe("NOT_FOUND");
    const image = await readCardImage(s.fixture.deps, {
      key: mine.key,
      ext: "png",
      viewerUserId: s.bob,
    });
    expect(formatOf(image.bytes)).toBe("png");

    // The image, and the thumbnail once it has been asked for.
    await readCardImage(s.fixture.deps, { key: mine.key, ext: "thumb.webp", viewerUserId: s.bob });
    const before = (await s.blobFiles()).filter((name) => name.startsWith(mine.key));
    expect(before).toHaveLength(2);
    await deleteCard(s.fixture.deps, { userId: s.bob, id: theirs.id });
    expect((await s.blobFiles()).filter((name) => name.startsWith(mine.key))).toEqual([]);

    // With the bytes gone, the same request renders again instead of trusting the index.
    const jobs = s.renderer.jobs.length;
    const remade = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Shared bytes"),
    });
    expect([remade.cached, remade.key]).toEqual([false, mine.key]);
    expect(s.renderer.jobs.length).toBe(jobs + 1);
  });
});

describe("readCardImage", () => {
  it("shows a private card to its owner only, exactly as if it did not exist to others", async () => {
    const card = await createCard(s.fixture.deps, { userId: s.alice, input: quote("Private") });
    expect(card.visibility).toBe("private");
    const owner = await readCardImage(s.fixture.deps, {
      key: card.key,
      ext: "png",
      viewerUserId: s.alice,
    });
    expect(owner.visibility).toBe("private");
    expect(owner.etag).toBe(card.etag);

    for (const viewerUserId of [undefined, s.bob]) {
      for (const ext of ["png", "thumb.webp"]) {
        const hidden = await failure(
          readCardImage(s.fixture.deps, { key: card.key, ext, viewerUserId }),
        );
        expect([hidden.code, hidden.message]).toEqual(["NOT_FOUND", "Card image not found"]);
      }
    }
    const missing = await failure(
      readCardImage(s.fixture.deps, { key: "0".repeat(64), ext: "png", viewerUserId: s.alice }),
    );
    expect(missing.message).toBe("Card image not found");
  });

  it("shows a public card to anyone, under its own extension only", async () => {
    const card = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: quote("Public", { visibility: "public", format: "webp" }),
    });
    const image = await readCardImage(s.fixture.deps, { key: card.key, ext: "webp" });
    expect([image.visibility, image.mime, formatOf(image.bytes)]).toEqual([
      "public",
      "image/webp",
      "webp",
    ]);
    const wrongExt = await failure(readCardImage(s.fixture.deps, { key: card.key, ext: "png" }));
    expect(wrongExt.code).toBe("NOT_FOUND");
    const badKey = await failure(readCardImage(s.fixture.deps, { key: "../../etc", ext: "webp" }));
    expect(badKey.code).toBe("NOT_FOUND");
  });
});

describe("listTemplates", () => {
  it("lists the engine's templates with their versions and image fields", () => {
    const quoteTemplate = listTemplates().find((t) => t.id === "quote");
    expect(quoteTemplate).toMatchObject({
      version: expect.any(Number) as unknown,
      imageFields: ["avatar"],
    });
  });
});
