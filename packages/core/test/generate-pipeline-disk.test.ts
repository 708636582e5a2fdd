import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";

let root: string;
let blobs: DiskBlobStorage;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "genflow-blobs-"));
  blobs = new DiskBlobStorage(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("disk blob storage", () => {
  it("stores, reads, replaces and deletes bytes under slash-separated keys", async () => {
    expect(await blobs.get("cards/ab/one.png")).toBeUndefined();
    expect(await blobs.has("cards/ab/one.png")).toBe(false);

    await blobs.put("cards/ab/one.png", new Uint8Array([1, 2, 3]), { contentType: "image/png" });
    expect(await blobs.has("cards/ab/one.png")).toBe(true);
    expect([...((await blobs.get("cards/ab/one.png")) ?? [])]).toEqual([1, 2, 3]);

    await blobs.put("cards/ab/one.png", new Uint8Array([4]), { contentType: "image/png" });
    expect([...((await blobs.get("cards/ab/one.png")) ?? [])]).toEqual([4]);
    // Writes go through a temporary file that is renamed into place: none is left over.
    expect(await readdir(path.join(root, "cards", "ab"))).toEqual(["one.png"]);

    await blobs.delete("cards/ab/one.png");
    await blobs.delete("cards/ab/one.png");
    expect(await blobs.has("cards/ab/one.png")).toBe(false);
  });

  it("refuses keys that could leave its folder", async () => {
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", ".hidden", ""]) {
      await expect(blobs.put(key, new Uint8Array([1]), { contentType: "x" })).rejects.toThrow(
        /invalid blob key/,
      );
    }
  });
});
