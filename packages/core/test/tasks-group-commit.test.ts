import { describe, expect, it } from "vitest";

import { groupCommit } from "../src/tasks/group-commit";

describe("groupCommit", () => {
  it("sends calls made together in one flush, and calls made during a flush in the next", async () => {
    const flushes: number[][] = [];
    let release: (() => void) | undefined;
    const commit = groupCommit(async (items: number[]) => {
      flushes.push(items);
      if (flushes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((n) => n * 10);
    }, 3);

    const first = [commit(1), commit(2)];
    await Promise.resolve(); // the first flush starts once these calls are made
    await Promise.resolve();
    const during = [commit(3), commit(4), commit(5), commit(6)];
    release?.();
    expect(await Promise.all([...first, ...during])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(flushes).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it("rejects every call of a failed flush and goes on with the next", async () => {
    let calls = 0;
    const commit = groupCommit(async (items: string[]) => {
      calls += 1;
      await Promise.resolve();
      if (items.includes("bad")) throw new Error("flush failed");
      return items;
    }, 10);
    const results = await Promise.allSettled([commit("a"), commit("bad")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await commit("c")).toBe("c");
    expect(calls).toBe(2);
  });
});
