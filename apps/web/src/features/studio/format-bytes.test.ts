import { describe, expect, it } from "vitest";

import { formatBytes } from "./format-bytes";

describe("formatBytes", () => {
  it("counts in binary multiples, like the server's limits, in the UI language", () => {
    expect(formatBytes(512, "en")).toBe("512 byte");
    expect(formatBytes(4056, "en")).toBe("4 kB");
    expect(formatBytes(5 * 1024 * 1024, "en")).toBe("5 MB");
    expect(formatBytes(7_500_000, "zh-CN")).toBe("7.2 MB");
  });
});
