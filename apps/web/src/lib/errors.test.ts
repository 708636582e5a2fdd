import { describe, expect, it } from "vitest";

import { readApiFailure } from "./errors";

describe("readApiFailure", () => {
  it("reads code, message, request id, field errors and retry time from the envelope", () => {
    const error = {
      message: "Invalid input",
      data: {
        code: "VALIDATION",
        message: "Invalid input",
        requestId: "req-123",
        httpStatus: 400,
        details: {
          formErrors: [],
          fieldErrors: { password: ["Use at least 8 characters"], email: [42, "Invalid email"] },
          retryAfterMs: 1500,
        },
      },
    };
    expect(readApiFailure(error)).toEqual({
      code: "VALIDATION",
      message: "Invalid input",
      requestId: "req-123",
      fieldErrors: { password: ["Use at least 8 characters"], email: ["Invalid email"] },
      retryAfterMs: 1500,
    });
  });

  it("treats an error without an envelope as a network failure", () => {
    expect(readApiFailure(new TypeError("Failed to fetch"))).toEqual({
      code: "NETWORK",
      message: "",
      requestId: null,
      fieldErrors: {},
      retryAfterMs: null,
    });
  });

  it("tolerates envelopes without details", () => {
    const failure = readApiFailure({
      data: { code: "NOT_FOUND", message: "API key not found", requestId: "r", details: null },
    });
    expect(failure.code).toBe("NOT_FOUND");
    expect(failure.fieldErrors).toEqual({});
    expect(failure.retryAfterMs).toBeNull();
  });
});
