import { describe, expect, it } from "vitest";

import {
  BATCH_MAX_FILES,
  CUTOUT_MAX_BYTES,
  UPLOAD_MAX_BYTES,
  isPhotoFile,
  isUploadable,
  photoProblem,
  selectBatch,
} from "./photo-files";

const file = (name: string, type: string, size = 1000) => ({ name, type, size });

describe("photoProblem", () => {
  it("takes every photo type the server decodes", () => {
    for (const type of ["jpeg", "png", "webp", "avif", "heic", "heif", "tiff", "gif"]) {
      expect(photoProblem(file(`photo.${type}`, `image/${type}`)), type).toBeNull();
    }
  });

  it("recognises a HEIC photo by its extension when the browser gives no type", () => {
    expect(isPhotoFile(file("IMG_0042.HEIC", ""))).toBe(true);
    expect(isPhotoFile(file("scan.tif", "application/octet-stream"))).toBe(true);
    expect(isPhotoFile(file("notes.txt", ""))).toBe(false);
  });

  it("refuses other files, whatever their name says", () => {
    expect(photoProblem(file("drawing.svg", "image/svg+xml"))).toBe("wrongType");
    expect(photoProblem(file("photo.png.pdf", "application/pdf"))).toBe("wrongType");
  });

  it("refuses a photo over 25 MiB, and takes one of exactly 25 MiB", () => {
    expect(photoProblem(file("big.jpg", "image/jpeg", CUTOUT_MAX_BYTES + 1))).toBe("tooLarge");
    expect(photoProblem(file("edge.jpg", "image/jpeg", CUTOUT_MAX_BYTES))).toBeNull();
  });
});

describe("isUploadable", () => {
  it("sends PNG, JPEG and WebP up to 10 MiB as uploads", () => {
    expect(isUploadable(file("a.png", "image/png", UPLOAD_MAX_BYTES))).toBe(true);
    expect(isUploadable(file("a.webp", "image/webp"))).toBe(true);
  });

  it("sends larger photos and other types as form data instead", () => {
    expect(isUploadable(file("a.jpg", "image/jpeg", UPLOAD_MAX_BYTES + 1))).toBe(false);
    expect(isUploadable(file("a.heic", "image/heic"))).toBe(false);
    expect(isUploadable(file("a.heic", ""))).toBe(false);
  });
});

describe("selectBatch", () => {
  it("keeps uploadable photos in order and says why the others are refused", () => {
    const photos = [
      file("one.png", "image/png"),
      file("two.heic", "image/heic"),
      file("three.jpg", "image/jpeg", UPLOAD_MAX_BYTES + 1),
      file("four.webp", "image/webp"),
    ];
    const { accepted, refused } = selectBatch(photos);
    expect(accepted.map((f) => f.name)).toEqual(["one.png", "four.webp"]);
    expect(refused.map(({ file: f, problem }) => [f.name, problem])).toEqual([
      ["two.heic", "wrongType"],
      ["three.jpg", "tooLarge"],
    ]);
  });

  it("refuses photos past the batch limit as too many", () => {
    const photos = Array.from({ length: BATCH_MAX_FILES + 2 }, (_, i) =>
      file(`p${i}.png`, "image/png"),
    );
    const { accepted, refused } = selectBatch(photos);
    expect(accepted).toHaveLength(BATCH_MAX_FILES);
    expect(refused.map((entry) => entry.problem)).toEqual(["tooMany", "tooMany"]);
  });
});
