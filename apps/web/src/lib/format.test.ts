import { describe, expect, it } from "vitest";

import { formatDuration, formatRelative } from "./format";

const now = Date.UTC(2026, 0, 15, 12, 0, 0);

describe("formatRelative", () => {
  it("picks the largest unit that fits, in the UI language", () => {
    expect(formatRelative(new Date(now - 5 * 60_000), "en", now)).toBe("5 minutes ago");
    expect(formatRelative(new Date(now - 2 * 3600_000), "en", now)).toBe("2 hours ago");
    expect(formatRelative(new Date(now + 3 * 24 * 3600_000), "en", now)).toBe("in 3 days");
    expect(formatRelative(new Date(now - 5 * 60_000), "zh-CN", now)).toBe("5分钟前");
  });

  it("says 'now' for the current moment", () => {
    expect(formatRelative(new Date(now), "en", now)).toBe("now");
  });
});

describe("formatDuration", () => {
  it("rounds to the one unit that reads best, in the UI language", () => {
    expect(formatDuration(45_200, "en")).toBe("45 sec");
    expect(formatDuration(3 * 60_000 + 20_000, "en")).toBe("3 min");
    expect(formatDuration(90 * 60_000, "en")).toBe("1.5 hr");
    expect(formatDuration(3 * 60_000, "zh-CN")).toBe("3分钟");
  });

  it("never says a wait takes no time", () => {
    expect(formatDuration(0, "en")).toBe("1 sec");
    expect(formatDuration(120, "en")).toBe("1 sec");
  });
});
