import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
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

  it("lists the keys under a prefix with when they were written, without writes under way", async () => {
    const list = async (prefix: string) => {
      const found: string[] = [];
      for await (const { key, modifiedAt } of blobs.list(prefix)) {
        expect(Math.abs(modifiedAt.getTime() - Date.now())).toBeLessThan(60_000);
        found.push(key);
      }
      return found.sort();
    };
    await blobs.put("tasks/a/one.zip", new Uint8Array([1]), { contentType: "x" });
    await blobs.put("tasks/a/b/two.png", new Uint8Array([2]), { contentType: "x" });
    await blobs.put("tasks-other/three", new Uint8Array([3]), { contentType: "x" });
    await writeFile(
      path.join(root, "tasks", "a", "one.zip.6f1c2a4e-8d1b-4c3e-9a7f-0b5d2e6f8a91.tmp"),
      "x",
    );

    expect(await list("tasks/")).toEqual(["tasks/a/b/two.png", "tasks/a/one.zip"]);
    expect(await list("tasks/a/b/")).toEqual(["tasks/a/b/two.png"]);
    expect(await list("nothing/")).toEqual([]);
    await expect(list("tasks")).rejects.toThrow(/invalid blob prefix/);
    await expect(list("../")).rejects.toThrow(/invalid blob key/);
  });

  it("refuses keys that could leave its folder", async () => {
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", ".hidden", ""]) {
      await expect(blobs.put(key, new Uint8Array([1]), { contentType: "x" })).rejects.toThrow(
        /invalid blob key/,
      );
    }
  });
});
