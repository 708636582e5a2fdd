import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { cardHistory } from "../src/generate/card-history";
import { resolveCardUploads } from "../src/generate/card-uploads";
import { createCard, planCard } from "../src/generate/create-card";
import { previewCard } from "../src/generate/preview-card";
import { readCardImage } from "../src/generate/read-card-image";
import type { CreateCardInput } from "../src/generate/schemas";
import { createUpload, DEFAULT_UPLOAD_LIMITS, deleteUpload, type UploadDeps } from "../src/uploads";
import { failure, quote, useCardsSuite } from "./generate-pipeline-support/cards-suite";
import { formatOf } from "./generate-pipeline-support/formats";
import { dataUrl, photoBytes, pixelBombPng } from "./generate-pipeline-support/images";

/**
 * Cards made with uploaded images (`upload:<id>` in an image field), through the real render
 * worker: the same content address as the same picture sent as a data URL, the upload's bytes
 * in the render, history that keeps the reference, and only the caller's own uploads.
 */

const s = useCardsSuite();

const uploadDeps = (): UploadDeps => ({ ...s.fixture.deps, limits: DEFAULT_UPLOAD_LIMITS });

/** A photo no other test uses. */
const freshPhoto = () => photoBytes(300 + Math.floor(Math.random() * 400), 300);

const withAvatar = (text: string, avatar: string): CreateCardInput =>
  quote(text, { fields: { quote: text, author: "Ada", avatar } });

async function planned(userId: string, input: CreateCardInput) {
  return planCard(input, await resolveCardUploads(s.fixture.deps, userId, input));
}

describe("cards with uploaded images", () => {
  it("address the card by the upload's bytes, exactly as the same picture sent as a data URL", async () => {
    const photo = await freshPhoto();
    const { upload } = await createUpload(uploadDeps(), { userId: s.alice, bytes: photo });
    const text = `Same face ${randomUUID()}`;
    const byUpload = withAvatar(text, upload.ref);
    const byDataUrl = withAvatar(text, dataUrl("image/jpeg", photo));

    const plan = await planned(s.alice, byUpload);
    expect(plan.key).toBe(planCard(byDataUrl).key);
    expect(plan.storedFields.avatar).toBe(upload.ref);
    expect(plan.contentFields.avatar).toBe(`sha256:${upload.sha256}`);
    // The upload's reference is not part of the address, so the case of its id is not either.
    expect((await planned(s.alice, withAvatar(text, upload.ref.toUpperCase()))).key).toBe(plan.key);

    const jobs = s.renderer.jobs.length;
    const card = await createCard(s.fixture.deps, { userId: s.alice, input: byUpload });
    expect([card.key, card.cached]).toEqual([plan.key, false]);
    // The render got the upload's bytes, as it would get a data URL's.
    expect(s.renderer.jobs).toHaveLength(jobs + 1);
    const job = s.renderer.jobs.at(-1);
    expect(job?.images.avatar?.mime).toBe("image/jpeg");
    expect(Buffer.from(job?.images.avatar?.bytes ?? []).equals(photo)).toBe(true);
    expect(job?.card.fields.avatar).toBe(`sha256:${upload.sha256}`);

    // Bob sends the same picture inline: the same card, already rendered.
    const theirs = await createCard(s.fixture.deps, { userId: s.bob, input: byDataUrl });
    expect([theirs.key, theirs.cached]).toEqual([card.key, true]);
    expect(s.renderer.jobs).toHaveLength(jobs + 1);

    // Alice's history keeps the reference (to reopen the card with its picture); Bob's the digest.
    const mine = (await cardHistory(s.fixture.deps, { userId: s.alice, limit: 100 })).items;
    expect(mine.find((item) => item.id === card.id)?.fields.avatar).toBe(upload.ref);
    const his = (await cardHistory(s.fixture.deps, { userId: s.bob, limit: 100 })).items;
    expect(his.find((item) => item.id === theirs.id)?.fields.avatar).toBe(
      `sha256:${upload.sha256}`,
    );
  });

  it("previews with the upload's picture and the card's address", async () => {
    const { upload } = await createUpload(uploadDeps(), {
      userId: s.alice,
      bytes: await freshPhoto(),
    });
    const input = withAvatar(`Preview face ${randomUUID()}`, upload.ref);
    const preview = await previewCard(s.fixture.deps, { userId: s.alice, input });
    expect(preview.svg).toContain("data:image/jpeg;base64,");
    expect(preview.key).toBe((await planned(s.alice, input)).key);

    const refused = await failure(previewCard(s.fixture.deps, { userId: s.bob, input }));
    expect(refused.details).toMatchObject({ field: "avatar" });
  });

  it("refuses another user's upload, a missing one and a malformed reference alike, on the field", async () => {
    const { upload } = await createUpload(uploadDeps(), {
      userId: s.alice,
      bytes: await freshPhoto(),
    });
    const rows = await s.rowCount();
    const files = (await s.blobFiles()).length;
    const jobs = s.renderer.jobs.length;
    const message = `"avatar" does not name one of your uploaded images; upload the image again`;
    for (const [userId, ref] of [
      [s.bob, upload.ref],
      [s.alice, `upload:${randomUUID()}`],
      [s.alice, "upload:42"],
      [s.alice, `upload:${upload.id}/../x`],
    ] as const) {
      const error = await failure(
        createCard(s.fixture.deps, { userId, input: withAvatar("Not yours", ref) }),
      );
      expect(error.code).toBe("VALIDATION");
      expect(error.message).toBe(message);
      expect(error.details).toEqual({ field: "avatar", fieldErrors: { avatar: [message] } });
    }
    expect(await s.rowCount()).toBe(rows);
    expect((await s.blobFiles()).length).toBe(files);
    expect(s.renderer.jobs.length).toBe(jobs);
  });

  it("keeps cards made from a deleted upload, and refuses to make new ones from it", async () => {
    const { upload } = await createUpload(uploadDeps(), {
      userId: s.alice,
      bytes: await freshPhoto(),
    });
    const card = await createCard(s.fixture.deps, {
      userId: s.alice,
      input: withAvatar(`Before deletion ${randomUUID()}`, upload.ref),
    });
    await deleteUpload(uploadDeps(), { userId: s.alice, id: upload.id });

    const image = await readCardImage(s.fixture.deps, {
      key: card.key,
      ext: "png",
      viewerUserId: s.alice,
    });
    expect(formatOf(image.bytes)).toBe("png");
    const error = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: withAvatar(`After deletion ${randomUUID()}`, upload.ref),
      }),
    );
    expect(error.details).toMatchObject({ field: "avatar" });
  });

  it("still holds uploads to the card's own pixel limit when drawing them", async () => {
    // An upload limit looser than the card's lets the picture in; the render still refuses it.
    const loose = { ...uploadDeps(), limits: { ...DEFAULT_UPLOAD_LIMITS, maxPixels: 100e6 } };
    const { upload } = await createUpload(loose, { userId: s.alice, bytes: await pixelBombPng() });
    const error = await failure(
      createCard(s.fixture.deps, { userId: s.alice, input: withAvatar("Bomb", upload.ref) }),
    );
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.details).toMatchObject({ field: "avatar", width: 8000, height: 8000 });
  });

  it("counts upload references against the image limit of a request", async () => {
    const error = await failure(
      createCard(s.fixture.deps, {
        userId: s.alice,
        input: quote("Many", {
          fields: {
            quote: "Many",
            ...Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`extra${i}`, `upload:${i}`])),
          },
        }),
      }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.details).toMatchObject({
      formErrors: [],
      fieldErrors: { fields: ["Send at most 4 images"] },
    });
  });
});
