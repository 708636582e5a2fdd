import { describe, expect, it } from "vitest";

import { appendPiece, branchTo, leafOf, newestLeafUnder, siblingsOf } from "./tree";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

/**
 * u1 → a1 → u2 → a2
 *          ↘ a2b (regenerated, newer)
 *    ↘ u2e (edit of u2, newest) → a3
 */
const messages = [
  { id: "u1", parentId: null, createdAt: at(0) },
  { id: "a1", parentId: "u1", createdAt: at(1) },
  { id: "u2", parentId: "a1", createdAt: at(2) },
  { id: "a2", parentId: "u2", createdAt: at(3) },
  { id: "a2b", parentId: "u2", createdAt: at(4) },
  { id: "u2e", parentId: "a1", createdAt: at(5) },
  { id: "a3", parentId: "u2e", createdAt: at(6) },
];
const ids = (list: { id: string }[]) => list.map((m) => m.id);

describe("conversation tree", () => {
  it("follows parents from the leaf up to the first message", () => {
    expect(ids(branchTo(messages, "a2"))).toEqual(["u1", "a1", "u2", "a2"]);
    expect(ids(branchTo(messages, "a3"))).toEqual(["u1", "a1", "u2e", "a3"]);
    expect(branchTo(messages, null)).toEqual([]);
  });

  it("lists the versions of a message oldest first", () => {
    const a2b = messages[4];
    const u2 = messages[2];
    if (!a2b || !u2) throw new Error("fixture");
    expect(ids(siblingsOf(messages, a2b))).toEqual(["a2", "a2b"]);
    expect(ids(siblingsOf(messages, u2))).toEqual(["u2", "u2e"]);
  });

  it("switches to the newest leaf under a version", () => {
    expect(newestLeafUnder(messages, "u2")).toBe("a2b");
    expect(newestLeafUnder(messages, "u2e")).toBe("a3");
    expect(newestLeafUnder(messages, "a2")).toBe("a2");
    expect(newestLeafUnder(messages, "u1")).toBe("a3");
  });

  it("keeps the branch shown, or falls back to the newest leaf", () => {
    expect(leafOf(messages, "a2")).toBe("a2");
    expect(leafOf(messages, "gone")).toBe("a3");
    expect(leafOf([], null)).toBeNull();
  });

  it("appends each streamed piece once, whatever overlaps", () => {
    expect(appendPiece("", "w1", 2)).toBe("w1");
    expect(appendPiece("w1", " w2", 5)).toBe("w1 w2");
    // Already there (stored text was ahead of the stream).
    expect(appendPiece("w1 w2", " w2", 5)).toBe("w1 w2");
    // Partly there.
    expect(appendPiece("w1 w", " w2 w3", 8)).toBe("w1 w2 w3");
  });
});
