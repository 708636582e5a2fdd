import { setTimeout as delay } from "node:timers/promises";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { DomainError } from "../src/errors";
import {
  ImageProviderError,
  isRetryableImageError,
  VolcEngineImageProvider,
  type ImageRequest,
  type VolcEngineImageProviderOptions,
} from "../src/image-providers";
import {
  FAKE_AK,
  FAKE_SK,
  startFakeVolcEngine,
  type FakeVolcEngine,
} from "./image-providers-support/fake-volcengine";
import { closedPortUrl } from "./image-providers-support/http-server";
import { tinyJpeg } from "./image-providers-support/images";

/**
 * The VolcEngine adapter against a local stand-in that verifies every request's signature:
 * submit → poll → decoded images, the provider's error codes, HTTP failures, abort and deadline.
 */

let fake: FakeVolcEngine;
let red: Buffer;
let blue: Buffer;

beforeAll(async () => {
  fake = await startFakeVolcEngine();
  red = await tinyJpeg("#cc0000");
  blue = await tinyJpeg("#0000cc");
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  fake.images = [red, blue];
});

const provider = (options: Partial<VolcEngineImageProviderOptions> = {}) =>
  new VolcEngineImageProvider({
    accessKeyId: FAKE_AK,
    secretAccessKey: FAKE_SK,
    baseUrl: fake.url,
    pollIntervalMs: 5,
    deadlineMs: 5_000,
    requestTimeoutMs: 2_000,
    ...options,
  });

const request: ImageRequest = { prompt: "a red fox in snow", width: 1328, height: 1328, count: 1 };
const run = () => ({ signal: new AbortController().signal });

async function failure(promise: Promise<unknown>): Promise<ImageProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageProviderError);
  return error as ImageProviderError;
}

describe("VolcEngine: submit, poll, images", () => {
  it("submits a signed task, polls it through in_queue and generating, and decodes the image", async () => {
    const progress: [number, string][] = [];
    const images = await provider().generate(
      { ...request, seed: 42, negativePrompt: "blurry" },
      { signal: new AbortController().signal, onProgress: (p, m) => progress.push([p, m]) },
    );

    expect(images).toEqual([{ bytes: red, mime: "image/jpeg", seed: 42 }]);
    expect(fake.requests.map((r) => [r.action, r.verdict])).toEqual([
      ["CVSync2AsyncSubmitTask", "ok"],
      ["CVSync2AsyncGetResult", "ok"],
      ["CVSync2AsyncGetResult", "ok"],
      ["CVSync2AsyncGetResult", "ok"],
    ]);
    expect(fake.requests[0]?.body).toEqual({
      req_key: "jimeng_t2i_v31",
      prompt: "a red fox in snow",
      width: 1328,
      height: 1328,
      seed: 42,
    });
    expect(fake.requests[1]?.body).toEqual({
      req_key: "jimeng_t2i_v31",
      task_id: expect.stringMatching(/^\d+$/) as unknown,
      req_json: '{"return_url":false}',
    });

    const percents = progress.map(([p]) => p);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual([100, "1 image ready"]);
    expect(progress.map(([, m]) => m)).toContain("Generating at VolcEngine");
  });

  it("makes one task per image, seeds counting up from the given one", async () => {
    const images = await provider().generate({ ...request, count: 2, seed: 7 }, run());

    expect(images).toEqual([
      { bytes: red, mime: "image/jpeg", seed: 7 },
      { bytes: blue, mime: "image/jpeg", seed: 8 },
    ]);
    const submits = fake.requests.filter((r) => r.action === "CVSync2AsyncSubmitTask");
    expect(submits.map((r) => (r.body as { seed: number }).seed)).toEqual([7, 8]);
  });

  it("asks for a random seed (-1) when none is given and leaves the image's seed unset", async () => {
    const [image] = await provider().generate(request, run());
    expect((fake.requests[0]?.body as { seed: number }).seed).toBe(-1);
    expect(image?.seed).toBeUndefined();
  });

  it("downloads image_urls when the result has no base64", async () => {
    fake.answerUrls = true;
    const images = await provider().generate(request, run());
    expect(images).toEqual([{ bytes: red, mime: "image/jpeg", seed: undefined }]);
  });

  it("sends the configured req_key and passes every request through the rate gate", async () => {
    let gated = 0;
    await provider({
      reqKey: "jimeng_t2i_v30",
      rateGate: async () => {
        gated++;
        await Promise.resolve();
      },
    }).generate(request, run());
    expect((fake.requests[0]?.body as { req_key: string }).req_key).toBe("jimeng_t2i_v30");
    expect(gated).toBe(fake.requests.length);
  });
});

describe("VolcEngine: the request is checked before anything is sent", () => {
  it.each([
    ["too small an area", { width: 256, height: 256 }],
    ["too large an area", { width: 2048, height: 2049 }],
    ["wider than 3:1", { width: 2048, height: 600 }],
    ["five images", { count: 5 }],
    ["an empty prompt", { prompt: "   " }],
    ["a prompt past 800 characters", { prompt: "x".repeat(801) }],
  ])("rejects %s as VALIDATION", async (_name, change) => {
    const error = await provider()
      .generate({ ...request, ...change }, run())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "VALIDATION" });
    expect(isRetryableImageError(error)).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it("accepts exactly 3:1", async () => {
    await expect(
      provider().generate({ ...request, width: 1536, height: 512 }, run()),
    ).resolves.toHaveLength(1);
  });
});

describe("VolcEngine: failures", () => {
  it("maps a signature VolcEngine cannot verify to a non-retryable UNAVAILABLE without secrets", async () => {
    const error = await failure(
      provider({ secretAccessKey: "d3Jvbmdfc2VjcmV0X2FjY2Vzc19rZXk=" }).generate(request, run()),
    );
    expect(fake.requests.map((r) => r.verdict)).toEqual(["SignatureDoesNotMatch"]);
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      retryable: false,
      httpStatus: 401,
      providerCode: "SignatureDoesNotMatch",
      details: { provider: "volcengine", retryable: false, requestId: "20250101000000FAKEGATEWAY" },
    });
    expect(error.message).toBe(
      "VolcEngine rejected the request's credentials (SignatureDoesNotMatch)",
    );
  });

  it("scrubs the access key the gateway echoes for an unknown key", async () => {
    const accessKeyId = "AKLTunknownkeyid999999";
    const error = await failure(provider({ accessKeyId }).generate(request, run()));
    expect(error.providerCode).toBe("InvalidAccessKey");
    const everything = JSON.stringify({ message: error.message, details: error.details });
    expect(everything).toContain("[redacted]");
    expect(everything).not.toContain(accessKeyId);
    expect(everything).not.toContain(FAKE_SK);
  });

  it("points at the clock when VolcEngine finds the signature's time too far off", async () => {
    const error = await failure(
      provider({ clock: { now: () => new Date(Date.now() - 3_600_000) } }).generate(request, run()),
    );
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      retryable: false,
      providerCode: "InvalidTimestamp",
    });
    expect(error.message).toContain("check the server clock");
  });

  it.each([
    [50413, 400, "CVSync2AsyncSubmitTask", "VALIDATION", false],
    [50412, 400, "CVSync2AsyncSubmitTask", "VALIDATION", false],
    [50511, 400, "CVSync2AsyncGetResult", "VALIDATION", true],
    [50429, 429, "CVSync2AsyncSubmitTask", "LIMIT_EXCEEDED", true],
    [50430, 429, "CVSync2AsyncGetResult", "LIMIT_EXCEEDED", true],
    [50500, 500, "CVSync2AsyncGetResult", "UNAVAILABLE", false],
    [50520, 400, "CVSync2AsyncSubmitTask", "UNAVAILABLE", false],
    [59999, 503, "CVSync2AsyncSubmitTask", "UNAVAILABLE", true],
  ])(
    "maps business code %i (HTTP %i, on %s) to %s, retryable %s",
    async (code, status, action, domainCode, retryable) => {
      fake.override = (call) =>
        call.action === action
          ? {
              status,
              json: {
                code,
                data: null,
                message: "Post Text Risk Not Pass",
                request_id: "20251128141821FAKE",
                status: code,
              },
            }
          : undefined;
      const error = await failure(provider().generate(request, run()));
      expect(error).toMatchObject({
        code: domainCode,
        retryable,
        providerCode: code,
        httpStatus: status,
        details: { providerMessage: "Post Text Risk Not Pass", requestId: "20251128141821FAKE" },
      });
    },
  );

  it("passes on VolcEngine's Retry-After with a rate limit", async () => {
    fake.override = () => ({
      status: 429,
      headers: { "Retry-After": "3" },
      json: { code: 50429, data: null, message: "Request Has Reached API Limit, Please Try Later" },
    });
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", retryAfterMs: 3000, retryable: true });
  });

  it("treats an HTTP 5xx without a readable body as retryable UNAVAILABLE", async () => {
    fake.override = (call) =>
      call.action === "CVSync2AsyncGetResult" && call.polls === 1
        ? { status: 502, text: "<html>Bad Gateway</html>" }
        : undefined;
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true, httpStatus: 502 });
    expect(error.message).toBe("VolcEngine failed (HTTP 502)");
  });

  it("reports a task VolcEngine no longer knows as retryable", async () => {
    fake.override = (call) =>
      call.action === "CVSync2AsyncGetResult"
        ? { status: 200, json: { code: 10000, data: { status: "expired" }, message: "Success" } }
        : undefined;
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true, providerCode: "expired" });
  });

  it("rejects a done task whose bytes are not an image", async () => {
    fake.images = [Buffer.from("definitely not a jpeg")];
    const error = await failure(provider().generate(request, run()));
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
    expect(error.message).toContain("not a PNG, JPEG or WebP");
  });

  it("maps an unreachable endpoint to retryable UNAVAILABLE", async () => {
    const error = await failure(
      provider({ baseUrl: await closedPortUrl() }).generate(request, run()),
    );
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
  });
});

describe("VolcEngine: abort and deadline", () => {
  it("stops polling when the caller aborts, rejecting with the abort reason", async () => {
    fake.statuses = ["in_queue", "generating"];
    const controller = new AbortController();
    const started = Date.now();
    const generation = provider({ pollIntervalMs: 10 }).generate(request, {
      signal: controller.signal,
      onProgress: (_p, message) => {
        if (message === "Generating at VolcEngine") controller.abort();
      },
    });

    await expect(generation).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(2_000);
    const sent = fake.requests.length;
    expect(sent).toBeGreaterThanOrEqual(3);
    await delay(80);
    expect(fake.requests).toHaveLength(sent);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled by the user"));
    await expect(provider().generate(request, { signal: controller.signal })).rejects.toThrow(
      "cancelled by the user",
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("gives up with a retryable TIMEOUT once the deadline passes", async () => {
    fake.statuses = ["in_queue", "generating"];
    const started = Date.now();
    const error = await failure(
      provider({ pollIntervalMs: 20, deadlineMs: 150 }).generate(request, run()),
    );
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_500);
    // A poll sent just before the deadline may still reach the server after the error (its
    // arrival lags on a busy machine); after that, nothing more: at one poll per 20 ms a provider
    // that kept going would send several in the next 120 ms.
    await delay(60);
    const sent = fake.requests.length;
    await delay(120);
    expect(fake.requests).toHaveLength(sent);
  });
});
