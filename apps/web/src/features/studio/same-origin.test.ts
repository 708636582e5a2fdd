import { describe, expect, it } from "vitest";

import { sameOriginPath } from "./same-origin";

describe("sameOriginPath", () => {
  it("keeps the path and query of an absolute API URL", () => {
    expect(sameOriginPath("https://cards.example.com/api/images/abc.png?v=1")).toBe(
      "/api/images/abc.png?v=1",
    );
    expect(sameOriginPath("/api/images/abc.png")).toBe("/api/images/abc.png");
  });
});
