import { describe, expect, it } from "vitest";

import { formatCost, formatCount, formatMs } from "./format-stats";

describe("reply stats formatting", () => {
  it("shows short waits in milliseconds and longer ones in seconds", () => {
    expect(formatMs(120.4, "en")).toBe("120 ms");
    expect(formatMs(2_430, "en")).toBe("2.4 sec");
    expect(formatMs(95_000, "en")).toBe("95 sec");
  });

  it("groups token counts and keeps small costs readable", () => {
    expect(formatCount(12_345, "en")).toBe("12,345");
    expect(formatCost(0.000_123_4, "en")).toBe("0.000123");
    expect(formatCost(1.2345, "en")).toBe("1.23");
  });
});
