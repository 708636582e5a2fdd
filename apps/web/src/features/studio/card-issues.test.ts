import { describe, expect, it } from "vitest";

import { cardIssuesOf } from "./card-issues";

function apiError(code: string, message: string, details: unknown) {
  return { message, data: { code, message, requestId: "req-1", details } };
}

describe("cardIssuesOf", () => {
  it("puts the template's field errors on the fields", () => {
    const issues = cardIssuesOf(
      apiError("VALIDATION", 'The fields do not fit the "article-cover" template', {
        fieldErrors: { title: ["Required"] },
      }),
      ["title", "description"],
    );
    expect(issues.fields).toEqual({ title: ["Required"] });
    expect(issues.failure).toBeNull();
  });

  it("puts size, theme and scale errors on those settings", () => {
    const issues = cardIssuesOf(
      apiError("VALIDATION", "Invalid input", {
        formErrors: [],
        fieldErrors: { size: ["At least 200"], scale: ["At most 3"] },
      }),
      ["title"],
    );
    expect(issues.settings).toEqual({
      size: ["At least 200"],
      scale: ["At most 3"],
    });
    expect(issues.failure).toBeNull();
  });

  it("names the image field an unusable image came in", () => {
    const message = '"cover" is too large: images may be at most 5 MB';
    const issues = cardIssuesOf(
      apiError("PAYLOAD_TOO_LARGE", message, { field: "cover", limitBytes: 5 }),
      ["title", "cover"],
    );
    expect(issues.fields).toEqual({ cover: [message] });
    expect(issues.failure).toBeNull();
  });

  it("keeps failures no control explains, with their request id", () => {
    const issues = cardIssuesOf(apiError("UNAVAILABLE", "Busy", null), ["title"]);
    expect(issues.failure).toMatchObject({ code: "UNAVAILABLE", requestId: "req-1" });
    const partly = cardIssuesOf(
      apiError("VALIDATION", "Invalid input", {
        fieldErrors: { title: ["Required"], fields: ["Send at most 4 images"] },
      }),
      ["title"],
    );
    expect(partly.fields).toEqual({ title: ["Required"] });
    expect(partly.failure?.fieldErrors).toEqual({
      title: ["Required"],
      fields: ["Send at most 4 images"],
    });
  });
});
