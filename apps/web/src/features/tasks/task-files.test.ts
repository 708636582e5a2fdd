import { describe, expect, it } from "vitest";

import { downloadHref, fileHref, splitTaskFiles, taskFilesOf } from "./task-files";

const origin = "http://localhost:3000/api/tasks/7c9e";

describe("taskFilesOf", () => {
  it("reads the files of an image task, with thumbnails and sizes", () => {
    const files = taskFilesOf({
      files: [
        {
          name: "image-1.png",
          url: `${origin}/files/image-1.png`,
          contentType: "image/png",
          bytes: 2048,
          thumbnailUrl: `${origin}/files/image-1-thumb.webp`,
          width: 1024,
          height: 1536,
        },
        { name: "images.zip", url: `${origin}/files/images.zip`, contentType: "application/zip" },
      ],
    });
    expect(files).toEqual([
      {
        name: "image-1.png",
        url: `${origin}/files/image-1.png`,
        contentType: "image/png",
        bytes: 2048,
        thumbnailUrl: `${origin}/files/image-1-thumb.webp`,
        width: 1024,
        height: 1536,
      },
      {
        name: "images.zip",
        url: `${origin}/files/images.zip`,
        contentType: "application/zip",
        bytes: null,
        thumbnailUrl: null,
        width: null,
        height: null,
      },
    ]);
  });

  it("leaves out entries it cannot serve and tolerates outputs without files", () => {
    expect(taskFilesOf(null)).toEqual([]);
    expect(taskFilesOf({ files: "cards.zip" })).toEqual([]);
    expect(taskFilesOf({ files: [null, { name: "a.png" }, { url: "/x" }, 3] })).toEqual([]);
  });
});

describe("splitTaskFiles", () => {
  it("tells pictures from archives (by type, or a .zip name)", () => {
    const files = taskFilesOf({
      files: [
        { name: "cards.zip", url: "/z", contentType: "application/octet-stream" },
        { name: "image-2.webp", url: "/i", contentType: "image/webp" },
        { name: "log.txt", url: "/t", contentType: "text/plain" },
      ],
    });
    const { images, archives, others } = splitTaskFiles(files);
    expect(images.map((f) => f.name)).toEqual(["image-2.webp"]);
    expect(archives.map((f) => f.name)).toEqual(["cards.zip"]);
    expect(others.map((f) => f.name)).toEqual(["log.txt"]);
  });
});

describe("file links", () => {
  it("load from this origin, and ask for an attachment when downloading", () => {
    expect(fileHref(`${origin}/files/images.zip`)).toBe("/api/tasks/7c9e/files/images.zip");
    expect(downloadHref(`${origin}/files/image-1.png`)).toBe(
      "/api/tasks/7c9e/files/image-1.png?download=1",
    );
    expect(downloadHref("/api/tasks/1/files/a.png?v=2")).toBe(
      "/api/tasks/1/files/a.png?v=2&download=1",
    );
  });
});
