import { describe, expect, it } from "vitest";

import { mergeResults, photoStates, resultOfLog, resultsOfOutput } from "./batch-items";
import type { BatchResult, BatchUpload } from "./batch-items";

const upload = (key: string, change: Partial<BatchUpload> = {}): BatchUpload => ({
  key,
  name: `${key}.png`,
  size: 1000,
  status: "uploaded",
  progress: 1,
  uploadId: `upload-${key}`,
  error: null,
  ...change,
});

describe("reading the task", () => {
  it("reads a photo's log entry, done or failed, and skips other entries", () => {
    expect(resultOfLog({ message: "Photo 1 done", index: 0, cutoutId: "c1" })).toEqual({
      index: 0,
      cutoutId: "c1",
      output: null,
      error: null,
    });
    expect(
      resultOfLog({
        message: "Photo 2: not an image",
        index: 1,
        error: { code: "VALIDATION", message: "The file is not an image" },
      }),
    ).toEqual({ index: 1, cutoutId: null, output: null, error: "The file is not an image" });
    expect(resultOfLog({ message: "Retrying" })).toBeNull();
    expect(resultOfLog({ message: "odd", index: -1, cutoutId: "c" })).toBeNull();
  });

  it("reads the output's items with their file names", () => {
    expect(
      resultsOfOutput({
        items: [
          { index: 0, fileName: "a.png", cutoutId: "c1", output: "image-1.png", error: null },
          { index: 1, fileName: "b.png", cutoutId: null, output: null, error: { message: "Bad" } },
          "nonsense",
        ],
      }),
    ).toEqual([
      { index: 0, cutoutId: "c1", output: "image-1.png", error: null },
      { index: 1, cutoutId: null, output: null, error: "Bad" },
    ]);
    expect(resultsOfOutput(null)).toEqual([]);
  });

  it("prefers the output's results to the log's", () => {
    const log = new Map<number, BatchResult>([
      [0, { index: 0, cutoutId: "c1", output: null, error: null }],
    ]);
    const merged = mergeResults(log, [{ index: 0, cutoutId: "c1", output: "x.png", error: null }]);
    expect(merged.get(0)?.output).toBe("x.png");
  });
});

describe("photoStates", () => {
  it("shows uploads in progress, failed and waiting before the task exists", () => {
    const states = photoStates(
      [
        upload("a", { status: "uploading", progress: 0.4, uploadId: null }),
        upload("b", { status: "failed", error: "Too large", uploadId: null }),
        upload("c", { status: "waiting", uploadId: null }),
      ],
      null,
      new Map(),
      null,
    );
    expect(states).toEqual([
      { kind: "uploading", progress: 0.4 },
      { kind: "uploadFailed", message: "Too large" },
      { kind: "waiting" },
    ]);
  });

  it("follows the task: done, failed, the one being cut out, and those queued behind it", () => {
    const uploads = [
      upload("a"),
      upload("bad", { status: "failed", uploadId: null }),
      upload("b"),
      upload("c"),
      upload("d"),
    ];
    // The failed upload was never sent: the task's indexes count only the sent photos.
    const sent = ["upload-a", "upload-b", "upload-c", "upload-d"];
    const results = new Map<number, BatchResult>([
      [0, { index: 0, cutoutId: "c-a", output: "image-1.png", error: null }],
      [1, { index: 1, cutoutId: null, output: null, error: "Not a photo" }],
    ]);
    expect(photoStates(uploads, sent, results, "running").map((state) => state.kind)).toEqual([
      "done",
      "uploadFailed",
      "failed",
      "working",
      "queued",
    ]);
    expect(photoStates(uploads, sent, results, "running")[0]).toEqual({
      kind: "done",
      cutoutId: "c-a",
      thumbnail: "/api/cutouts/c-a/thumb.webp",
    });
  });

  it("marks the photos a stopped task never reached", () => {
    const states = photoStates(
      [upload("a"), upload("b")],
      ["upload-a", "upload-b"],
      new Map([[0, { index: 0, cutoutId: "c-a", output: null, error: null }]]),
      "canceled",
    );
    expect(states.map((state) => state.kind)).toEqual(["done", "skipped"]);
  });
});
