import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createGenflowClient, isGenflowError } from "../src";
import { endpointOf } from "../src/create-client";
import { isRetryableFailure, resolveHeaders, withTimeout } from "../src/transport";

/**
 * A real HTTP server whose behaviour per path is chosen by the test:
 * /slow answers after 200 ms, /never never answers, /drop kills the connection once the request
 * is in, anything else answers at once with the request's headers as JSON.
 */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/never") return;
    if (req.url === "/drop") {
      req.socket.resetAndDestroy();
      return;
    }
    const answer = () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.headers));
    };
    if (req.url === "/slow") setTimeout(answer, 200);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** What httpBatchLink hands to the retry policy when `fetch` itself rejects. */
async function failureOf(request: Promise<unknown>): Promise<TRPCClientError<never>> {
  try {
    await request;
  } catch (error) {
    if (error instanceof Error) return TRPCClientError.from(error);
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("endpointOf", () => {
  it("appends /trpc to a server URL and keeps one that already has it", () => {
    expect(endpointOf("https://genflow.example.com")).toBe("https://genflow.example.com/trpc");
    expect(endpointOf("https://genflow.example.com/")).toBe("https://genflow.example.com/trpc");
    expect(endpointOf("https://example.com/genflow/")).toBe("https://example.com/genflow/trpc");
    expect(endpointOf("http://localhost:3000/trpc")).toBe("http://localhost:3000/trpc");
    expect(() => endpointOf("not a url")).toThrow();
  });
});

describe("resolveHeaders", () => {
  it("merges the caller's headers with the API key and drops undefined values", async () => {
    expect(await resolveHeaders({ "X-Trace": "abc", cookie: undefined }, "gf_key")).toEqual({
      "x-trace": "abc",
      authorization: "Bearer gf_key",
    });
    let calls = 0;
    const dynamic = () => {
      calls += 1;
      return Promise.resolve({ "x-call": String(calls) });
    };
    expect(await resolveHeaders(dynamic, undefined)).toEqual({ "x-call": "1" });
    expect(await resolveHeaders(dynamic, undefined)).toEqual({ "x-call": "2" });
  });

  it("lets the API key win over a caller-supplied Authorization header", async () => {
    expect(await resolveHeaders({ Authorization: "Basic x" }, "gf_key")).toEqual({
      authorization: "Bearer gf_key",
    });
  });
});

describe("withTimeout", () => {
  it("fails a request that outlives the limit with a TimeoutError", async () => {
    const timed = withTimeout(fetch, 100);
    const started = Date.now();
    const error = await timed(`${base}/never`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("TimeoutError");
    expect((error as DOMException).message).toContain("100 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("lets a request within the limit through, and the caller's signal still cancels", async () => {
    const timed = withTimeout(fetch, 2_000);
    const response = await timed(`${base}/slow`, { headers: { "x-probe": "1" } });
    expect(await response.json()).toMatchObject({ "x-probe": "1" });

    const controller = new AbortController();
    const pending = timed(`${base}/never`, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("AbortError");
  });

  it("applies no limit when timeoutMs is 0", async () => {
    const untimed = withTimeout(fetch, 0);
    expect(untimed).toBe(fetch);
    const response = await withTimeout(fetch, 0)(`${base}/slow`);
    expect(response.status).toBe(200);
  });
});

describe("isRetryableFailure", () => {
  it("retries queries and mutations when the connection was refused", async () => {
    const error = await failureOf(fetch(`http://127.0.0.1:${await closedPort()}/`));
    expect(isRetryableFailure("query", error)).toBe(true);
    expect(isRetryableFailure("mutation", error)).toBe(true);
    expect(isRetryableFailure("subscription", error)).toBe(false);
  });

  it("retries only queries when the connection dropped after the request was sent", async () => {
    const error = await failureOf(fetch(`${base}/drop`, { method: "POST", body: "{}" }));
    expect(isRetryableFailure("query", error)).toBe(true);
    expect(isRetryableFailure("mutation", error)).toBe(false);
  });

  it("never retries timeouts, aborts or answers from the server", async () => {
    const timeout = await failureOf(withTimeout(fetch, 50)(`${base}/never`));
    expect(isRetryableFailure("query", timeout)).toBe(false);
    const abort = await failureOf(fetch(`${base}/never`, { signal: AbortSignal.abort() }));
    expect(isRetryableFailure("query", abort)).toBe(false);

    const answered = TRPCClientError.from({
      error: { code: -32603, message: "boom", data: { code: "INTERNAL", httpStatus: 500 } },
    });
    expect(isRetryableFailure("query", answered)).toBe(false);
  });
});

describe("createGenflowClient", () => {
  it("creates nothing and sends nothing until the first call", () => {
    let requests = 0;
    createGenflowClient({
      url: base,
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    expect(requests).toBe(0);
  });

  it("sends the API key and headers, and reports a failed call without the envelope as no GenFlow error", async () => {
    const seen: Headers[] = [];
    const client = createGenflowClient({
      url: base,
      apiKey: "gf_secret",
      headers: { "x-client": "tests" },
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    // This server is not a GenFlow server: the answer is not a tRPC response.
    const error = await client.system.info.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(isGenflowError(error)).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.get("authorization")).toBe("Bearer gf_secret");
    expect(seen[0]?.get("x-client")).toBe("tests");
  });
});

describe("isGenflowError", () => {
  it("recognises the error envelope and rejects anything else", () => {
    const envelope = TRPCClientError.from({
      error: {
        code: -32004,
        message: "API key not found",
        data: {
          code: "NOT_FOUND",
          message: "API key not found",
          details: null,
          requestId: "r-1",
          httpStatus: 404,
        },
      },
    });
    expect(isGenflowError(envelope)).toBe(true);
    expect(isGenflowError(new Error("plain"))).toBe(false);
    expect(isGenflowError(TRPCClientError.from(new TypeError("fetch failed")))).toBe(false);
    expect(isGenflowError({ data: { code: "NOT_FOUND" } })).toBe(false);
  });
});
