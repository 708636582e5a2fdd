import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { DomainError } from "../src/errors";
import { embedImage, imageDigest, readImageField } from "../src/generate/images";
import { CARD_MAX_IMAGE_BYTES } from "../src/generate/schemas";
import {
  dataUrl,
  photoBytes,
  pixelBombPng,
  transparentPngBytes,
} from "./generate-pipeline-support/images";

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error("expected a DomainError");
}

describe("reading image fields", () => {
  it("accepts PNG, JPEG and WebP data URLs and returns their bytes", async () => {
    const png = await transparentPngBytes(20, 10);
    const jpeg = await photoBytes(20, 10);
    const webp = await sharp(png).webp().toBuffer();
    expect(readImageField("a", dataUrl("image/png", png))).toEqual({
      mime: "image/png",
      bytes: png,
    });
    expect(readImageField("a", dataUrl("image/jpeg", jpeg)).mime).toBe("image/jpeg");
    expect(readImageField("a", dataUrl("image/webp", webp)).mime).toBe("image/webp");
  });

  it("goes by the bytes when the declared type is another accepted one", async () => {
    const jpeg = await photoBytes(20, 10);
    expect(readImageField("a", dataUrl("image/png", jpeg)).mime).toBe("image/jpeg");
  });

  it("never fetches a remote URL and says so", () => {
    for (const url of ["https://169.254.169.254/latest/meta-data", "http://localhost/x.png"]) {
      const error = refusal(() => readImageField("cover", url));
      expect(error.code).toBe("VALIDATION");
      expect(error.message).toMatch(/not downloaded from URLs/);
      expect(error.details).toEqual({
        field: "cover",
        fieldErrors: { cover: [error.message] },
      });
    }
  });

  it("names both accepted forms when a value is neither", () => {
    const error = refusal(() => readImageField("avatar", "me.png"));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toBe(
      `"avatar" must be an uploaded image (upload:<id>) or a data URL of a PNG, JPEG or WebP image (data:image/png;base64,…)`,
    );
  });

  it("refuses other data, SVG and malformed base64", () => {
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"/>`);
    expect(refusal(() => readImageField("a", dataUrl("image/svg+xml", svg))).code).toBe(
      "VALIDATION",
    );
    expect(refusal(() => readImageField("a", dataUrl("image/png", svg))).message).toMatch(
      /not a PNG, JPEG or WebP/,
    );
    expect(refusal(() => readImageField("a", "data:image/png;base64,@@@@")).message).toMatch(
      /not valid base64/,
    );
    expect(refusal(() => readImageField("a", "file:///etc/passwd")).code).toBe("VALIDATION");
    const gif = Buffer.from("GIF89a....");
    expect(refusal(() => readImageField("a", dataUrl("image/png", gif))).code).toBe("VALIDATION");
  });

  it("refuses an image above the size limit with PAYLOAD_TOO_LARGE, before decoding it", () => {
    const big = Buffer.alloc(CARD_MAX_IMAGE_BYTES + 3, 0);
    big.set([0x89, 0x50, 0x4e, 0x47]);
    const error = refusal(() => readImageField("cover", dataUrl("image/png", big)));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.details).toMatchObject({ field: "cover", limitBytes: CARD_MAX_IMAGE_BYTES });
  });

  it("digests the image bytes", async () => {
    const png = await transparentPngBytes(20, 10);
    const { createHash } = await import("node:crypto");
    expect(imageDigest({ mime: "image/png", bytes: png })).toBe(
      createHash("sha256").update(png).digest("hex"),
    );
  });
});

describe("embedding images", () => {
  it("shrinks a large photo until it just covers the card and re-encodes it as JPEG", async () => {
    const photo = await photoBytes(3000, 2000);
    const embedded = await embedImage(
      "cover",
      { mime: "image/jpeg", bytes: photo },
      { width: 1200, height: 630 },
    );
    expect(embedded.mime).toBe("image/jpeg");
    // "Covers": the smaller ratio reaches the box, the other side overhangs it.
    expect([embedded.width, embedded.height]).toEqual([1200, 800]);
    const meta = await sharp(Buffer.from(embedded.base64, "base64")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1200, 800]);
  });

  it("keeps transparency as PNG and never enlarges a small image", async () => {
    const png = await transparentPngBytes(40, 30);
    const embedded = await embedImage(
      "logo",
      { mime: "image/png", bytes: png },
      { width: 1200, height: 630 },
    );
    expect([embedded.mime, embedded.width, embedded.height]).toEqual(["image/png", 40, 30]);
  });

  it("refuses a pixel bomb by its header, with PAYLOAD_TOO_LARGE and its dimensions", async () => {
    const bomb = await pixelBombPng();
    expect(bomb.length).toBeLessThan(CARD_MAX_IMAGE_BYTES);
    const error = await embedImage(
      "cover",
      { mime: "image/png", bytes: bomb },
      { width: 1200, height: 630 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((error as DomainError).message).toMatch(/too many pixels \(8000×8000\)/);
  });

  it("refuses a corrupt image with VALIDATION", async () => {
    const png = await transparentPngBytes(40, 30);
    const corrupt = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]);
    const error = await embedImage(
      "logo",
      { mime: "image/png", bytes: corrupt },
      { width: 100, height: 100 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("VALIDATION");
    expect((error as DomainError).message).toBe(`"logo" could not be read as an image`);
  });
});
