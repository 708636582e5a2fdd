import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

import { initTRPC, TRPCError } from "@trpc/server";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express, { type Request, type Response } from "express";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { queryFastPath } from "../src/trpc-queries";

interface Ctx {
  res: Response;
  tag: string;
}

const t = initTRPC.context<Ctx>().create({
  transformer: superjson,
  isDev: false,
  // Everything the shape can carry, so that a difference in input, path or context shows.
  errorFormatter: ({ shape, input, ctx, path, type }) => ({
    ...shape,
    data: { ...shape.data, input, ctxTag: ctx?.tag ?? null, path, type },
  }),
});

const router = t.router({
  hello: t.procedure
    .input(z.object({ name: z.string().max(10) }).optional())
    .query(({ input, ctx }) => ({
      greeting: `hello ${input?.name ?? "world"}`,
      at: new Date(0),
      tags: new Set(["a", "b"]),
      tag: ctx.tag,
    })),
  nothing: t.procedure.query(() => undefined),
  fail: t.router({
    forbidden: t.procedure.query(() => {
      throw new TRPCError({ code: "FORBIDDEN", message: "not yours" });
    }),
    plain: t.procedure.query(() => {
      throw new Error("boom");
    }),
  }),
  streamLike: t.procedure.query(() => ({ later: Promise.resolve(1) })),
  accepted: t.procedure.query(({ ctx }) => {
    ctx.res.statusCode = 202;
    return "queued";
  }),
  signal: t.procedure.query(({ signal }) => ({
    isSignal: signal instanceof AbortSignal,
    aborted: signal?.aborted ?? null,
  })),
  change: t.procedure.mutation(() => "changed"),
  events: t.procedure.subscription(async function* () {
    yield await Promise.resolve(1);
  }),
});

interface ErrorSeen {
  code: string;
  path: string | undefined;
  type: string;
}

function createContext(req: Request, res: Response): Ctx {
  if (req.headers["x-fail-context"]) throw new TRPCError({ code: "UNAUTHORIZED", message: "who?" });
  return { res, tag: String(req.headers["x-tag"] ?? "none") };
}

/** tRPC's own Express adapter, and the same adapter behind the fast path; both record their errors. */
function servers() {
  const seen = { stock: [] as ErrorSeen[], fast: [] as ErrorSeen[] };
  const answeredFast: string[] = [];
  const adapter = (errors: ErrorSeen[]) =>
    createExpressMiddleware({
      router,
      maxBatchSize: 3,
      createContext: ({ req, res }) => createContext(req, res),
      onError: ({ error, path, type }) => errors.push({ code: error.code, path, type }),
    });
  const stockApp = express();
  stockApp.use("/trpc", adapter(seen.stock));

  const fallback = adapter(seen.fast);
  const fast = queryFastPath({
    router,
    maxBatchSize: 3,
    createContext,
    onError: ({ error, path, type }) => seen.fast.push({ code: error.code, path, type }),
  });
  const fastApp = express();
  fastApp.use("/trpc", (req, res, next) => {
    if (fast(req, res)) {
      answeredFast.push(req.url);
      return;
    }
    void fallback(req, res, next);
  });
  return { stockApp, fastApp, seen, answeredFast };
}

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/trpc` });
    });
  });
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify(superjson.serialize(value)));
const batchInput = (values: Record<number, unknown>) =>
  encodeURIComponent(
    JSON.stringify(
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, superjson.serialize(v)])),
    ),
  );

interface Case {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** Whether the fast path answers it (the rest go to the adapter). */
  fast: boolean;
}

const cases: Case[] = [
  { name: "a query without input", url: "/hello", fast: true },
  { name: "a query with input", url: `/hello?input=${input({ name: "ada" })}`, fast: true },
  { name: "a query answering undefined", url: "/nothing", fast: true },
  { name: "invalid input", url: `/hello?input=${input({ name: 42 })}`, fast: true },
  { name: "input that is not JSON", url: "/hello?input=%7Bnope", fast: true },
  { name: "a TRPCError", url: "/fail.forbidden", fast: true },
  { name: "a plain Error", url: "/fail.plain", fast: true },
  { name: "a stream-like result", url: "/streamLike", fast: true },
  { name: "a status set by the procedure", url: "/accepted", fast: true },
  { name: "the abort signal", url: "/signal", fast: true },
  { name: "a failing context", url: "/hello", headers: { "x-fail-context": "1" }, fast: true },
  { name: "context reaches the procedure", url: "/hello", headers: { "x-tag": "t1" }, fast: true },
  {
    name: "a batch",
    url: `/hello,hello,fail.forbidden?batch=1&input=${batchInput({ 1: { name: "bo" } })}`,
    fast: true,
  },
  { name: "a batch without input", url: "/hello,nothing?batch=1", fast: true },
  {
    name: "a batch of one",
    url: `/hello?batch=1&input=${batchInput({ 0: { name: "x" } })}`,
    fast: true,
  },
  {
    name: "a batch whose input is not an object",
    url: "/hello,hello?batch=1&input=%5B1%5D",
    fast: true,
  },
  {
    name: "a batch with invalid input",
    url: `/hello,hello?batch=1&input=${batchInput({ 0: { name: 1 } })}`,
    fast: true,
  },
  { name: "a batch with a stream-like result", url: "/hello,streamLike?batch=1", fast: true },
  {
    name: "a batch with a failing context",
    url: "/hello,nothing?batch=1",
    headers: { "x-fail-context": "1" },
    fast: true,
  },
  { name: "a percent-encoded path", url: "/hello%2Cnothing?batch=1", fast: true },
  { name: "an unknown procedure", url: "/missing", fast: false },
  { name: "a batch with an unknown procedure", url: "/hello,missing?batch=1", fast: false },
  { name: "a mutation over GET", url: "/change", fast: false },
  { name: "a subscription over GET", url: "/events", fast: false },
  { name: "a batch over the limit", url: "/hello,hello,hello,hello?batch=1", fast: false },
  {
    name: "a streaming batch",
    url: "/hello,nothing?batch=1",
    headers: { "trpc-accept": "application/jsonl" },
    fast: false,
  },
  { name: "connection params", url: "/hello?connectionParams=%7B%7D", fast: false },
  { name: "a path that does not decode", url: "/hello%E0%A4%A", fast: false },
];

describe("the GET query fast path", () => {
  let stock: { server: Server; url: string };
  let fast: { server: Server; url: string };
  let setup: ReturnType<typeof servers>;

  beforeAll(async () => {
    setup = servers();
    stock = await listen(setup.stockApp);
    fast = await listen(setup.fastApp);
  });
  afterAll(() => {
    stock.server.close();
    fast.server.close();
  });

  it.each(cases)("answers $name exactly as tRPC's adapter does", async (testCase) => {
    setup.seen.stock.length = 0;
    setup.seen.fast.length = 0;
    setup.answeredFast.length = 0;
    const [expected, actual] = await Promise.all(
      [stock.url, fast.url].map((base) =>
        fetch(base + testCase.url, { headers: testCase.headers }),
      ),
    );
    if (!expected || !actual) throw new Error("no response");
    const [expectedBody, actualBody] = await Promise.all([expected.text(), actual.text()]);

    expect(actual.status).toBe(expected.status);
    expect(actualBody).toBe(expectedBody);
    expect(actual.headers.get("content-type")).toBe(expected.headers.get("content-type"));
    expect(actual.headers.get("vary")).toBe(expected.headers.get("vary"));
    expect(setup.seen.fast).toEqual(setup.seen.stock);
    expect(setup.answeredFast.length).toBe(testCase.fast ? 1 : 0);
  });

  it("serialises results with the transformer", async () => {
    const response = await fetch(`${fast.url}/hello?input=${input({ name: "ada" })}`);
    const body = (await response.json()) as { result: { data: unknown } };
    expect(superjson.deserialize(body.result.data as never)).toEqual({
      greeting: "hello ada",
      at: new Date(0),
      tags: new Set(["a", "b"]),
      tag: "none",
    });
    expect(response.headers.get("content-length")).not.toBeNull();
  });

  it("leaves everything but GET to the adapter", async () => {
    setup.answeredFast.length = 0;
    const response = await fetch(`${fast.url}/change`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(setup.answeredFast).toEqual([]);
  });
});
