import { describe, expect, it } from "vitest";

import { listNeedsRefetch, patchTaskPages, removeTaskFromPages } from "./task-cache";
import type { TaskPages } from "./task-cache";
import type { TaskItem } from "./types";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 15, 12, minute));

function task(id: string, overrides: Partial<TaskItem> = {}): TaskItem {
  return {
    id,
    kind: "cards.batch",
    status: "queued",
    priority: 0,
    attempts: 0,
    maxAttempts: 2,
    progress: 0,
    progressMessage: null,
    input: {},
    output: null,
    error: null,
    idempotencyKey: null,
    canceledBy: null,
    cancelRequested: false,
    workerId: null,
    runAfter: at(0),
    createdAt: at(0),
    startedAt: null,
    heartbeatAt: null,
    finishedAt: null,
    lastSeq: 1,
    ...overrides,
  };
}

function pages(items: TaskItem[][], nextCursor: string | null = null): TaskPages {
  return {
    pages: items.map((page, i) => ({
      items: page,
      nextCursor: i === items.length - 1 ? nextCursor : "c",
    })),
    pageParams: items.map((_, i) => (i === 0 ? undefined : `c${i}`)),
  };
}

describe("patchTaskPages", () => {
  it("puts the newer task in place, on whichever page it is", () => {
    const data = pages([[task("a", { createdAt: at(3) })], [task("b", { createdAt: at(1) })]]);
    const running = task("b", { status: "running", progress: 40, lastSeq: 3, createdAt: at(1) });
    const patched = patchTaskPages(data, running);
    expect(patched.pages[1]?.items[0]).toBe(running);
    // The untouched page is shared, not copied.
    expect(patched.pages[0]).toBe(data.pages[0]);
  });

  it("keeps a cached copy that is already newer (events replayed after a refetch)", () => {
    const data = pages([[task("a", { status: "succeeded", lastSeq: 9 })]]);
    expect(patchTaskPages(data, task("a", { status: "running", lastSeq: 4 }))).toBe(data);
  });

  it("returns the same object for a task it does not hold", () => {
    const data = pages([[task("a")]]);
    expect(patchTaskPages(data, task("z"))).toBe(data);
  });
});

describe("removeTaskFromPages", () => {
  it("drops the deleted task and leaves the rest", () => {
    const data = pages([[task("a"), task("b")], [task("c")]]);
    const removed = removeTaskFromPages(data, "b");
    expect(removed.pages.map((page) => page.items.map((item) => item.id))).toEqual([["a"], ["c"]]);
    expect(removeTaskFromPages(data, "nope")).toBe(data);
  });
});

describe("listNeedsRefetch", () => {
  const list = pages([[task("a", { createdAt: at(5) }), task("b", { createdAt: at(4) })]], "more");

  it("refetches for a new task that belongs in the list", () => {
    const created = { type: "created", task: task("n", { createdAt: at(9) }) };
    expect(listNeedsRefetch(list, {}, created)).toBe(true);
    expect(listNeedsRefetch(list, { kind: "cards.batch" }, created)).toBe(true);
  });

  it("does not refetch for tasks another filter keeps out", () => {
    const created = { type: "created", task: task("n", { createdAt: at(9) }) };
    expect(listNeedsRefetch(list, { kind: "image.generate" }, created)).toBe(false);
    expect(listNeedsRefetch(list, { status: ["failed"] }, created)).toBe(false);
  });

  it("refetches when a status change brings a task into a filtered list", () => {
    const failed = { type: "failed", task: task("n", { status: "failed", createdAt: at(9) }) };
    expect(listNeedsRefetch(list, { status: ["failed"] }, failed)).toBe(true);
  });

  it("never refetches for progress, for tasks it holds, or for tasks further down", () => {
    const progress = { type: "progress", task: task("n", { status: "running", createdAt: at(9) }) };
    expect(listNeedsRefetch(list, {}, progress)).toBe(false);
    expect(
      listNeedsRefetch(list, {}, { type: "succeeded", task: task("a", { createdAt: at(5) }) }),
    ).toBe(false);
    const older = { type: "retried", task: task("old", { createdAt: at(1) }) };
    expect(listNeedsRefetch(list, {}, older)).toBe(false);
    // …unless the list is complete: then an older task is missing, not further down.
    expect(listNeedsRefetch(pages([[task("a", { createdAt: at(5) })]]), {}, older)).toBe(true);
  });

  it("ignores updates without a task", () => {
    expect(listNeedsRefetch(list, {}, { type: "created", task: null })).toBe(false);
  });
});
