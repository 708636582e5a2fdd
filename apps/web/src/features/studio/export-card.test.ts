import { describe, expect, it } from "vitest";

import { readApiFailure } from "../../lib/errors";
import { exportCard, filenameFromDisposition } from "./export-card";
import type { ExportRequest } from "./export-card";

const request: ExportRequest = {
  card: {
    templateId: "quote",
    fields: { quote: "Hi" },
    size: { preset: "og" },
    theme: { preset: "light" },
    visibility: "private",
  },
  format: "webp",
  scale: 2,
  filename: "hi",
};

describe("filenameFromDisposition", () => {
  it("prefers the UTF-8 name and falls back to the plain one", () => {
    expect(
      filenameFromDisposition(
        `attachment; filename="??.webp"; filename*=UTF-8''%E4%BD%A0%E5%A5%BD.webp`,
        "x",
      ),
    ).toBe("你好.webp");
    expect(filenameFromDisposition('attachment; filename="my card.webp"', "x")).toBe(
      "my card.webp",
    );
    expect(filenameFromDisposition("attachment; filename=card.png", "x")).toBe("card.png");
    expect(filenameFromDisposition(null, "fallback.png")).toBe("fallback.png");
    expect(filenameFromDisposition("attachment", "fallback.png")).toBe("fallback.png");
  });
});

describe("exportCard", () => {
  it("posts the design and output to /api/export and names the file as the server does", async () => {
    const sent: { url: unknown; init: RequestInit | undefined }[] = [];
    const fetchImpl: typeof fetch = (url, init) => {
      sent.push({ url, init });
      return Promise.resolve(
        new Response(new Uint8Array([82, 73, 70, 70]), {
          status: 201,
          headers: { "content-disposition": 'attachment; filename="hi.webp"' },
        }),
      );
    };
    const file = await exportCard(request, fetchImpl);
    expect(file.filename).toBe("hi.webp");
    expect(file.blob.size).toBe(4);
    expect(sent).toMatchObject([
      { url: "/api/export", init: { method: "POST", credentials: "same-origin" } },
    ]);
    const body = sent[0]?.init?.body;
    expect(typeof body === "string" ? JSON.parse(body) : null).toEqual(request);
  });

  it("throws the server's envelope, readable like any API failure", async () => {
    const fetchImpl: typeof fetch = () =>
      Promise.resolve(
        Response.json(
          {
            error: {
              code: "VALIDATION",
              message: "The export request is not valid",
              details: { fieldErrors: { quote: ["Required"] } },
              requestId: "req-9",
            },
          },
          { status: 400 },
        ),
      );
    const error = await exportCard(request, fetchImpl).catch((caught: unknown) => caught);
    expect(readApiFailure(error)).toEqual({
      code: "VALIDATION",
      message: "The export request is not valid",
      requestId: "req-9",
      fieldErrors: { quote: ["Required"] },
      retryAfterMs: null,
    });
  });

  it("reads a failure to reach the server as a network failure", async () => {
    const fetchImpl: typeof fetch = () => Promise.reject(new TypeError("Failed to fetch"));
    const error = await exportCard(request, fetchImpl).catch((caught: unknown) => caught);
    expect(readApiFailure(error).code).toBe("NETWORK");
  });
});
