import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import net from "node:net";
import { fileURLToPath } from "node:url";

import {
  createGenflowClient,
  isGenflowError,
  TRPCClientError,
  type GenflowClient,
} from "@genflow/client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startServer, type RunningServer } from "./support";

/** The server's public origin in these tests (PUBLIC_URL), trusted for cookie-authenticated calls. */
const ORIGIN = "http://localhost:3000";

let running: RunningServer;

beforeAll(async () => {
  running = await startServer({
    LOG_LEVEL: "warn",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
  });
});

afterAll(async () => {
  await running.stop();
});

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps cookies the way a browser would: later Set-Cookie values replace earlier ones. */
function mergeCookies(current: Map<string, string>, setCookies: string[]): void {
  for (const setCookie of setCookies) {
    const [pair = ""] = setCookie.split(";", 1);
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value || /;\s*max-age=0/i.test(setCookie)) current.delete(name);
    else current.set(name, value);
  }
}

/** The SDK used the way the web app uses the API: session cookie plus the app's Origin. */
function browserClient(url: string): GenflowClient {
  const cookies = new Map<string, string>();
  return createGenflowClient({
    url,
    headers: () => {
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
      return { origin: ORIGIN, cookie: cookie || undefined };
    },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      mergeCookies(cookies, response.headers.getSetCookie());
      return response;
    },
  });
}

let accounts = 0;
async function newAccount(url: string) {
  accounts += 1;
  const email = `sdk${accounts}-${randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery staple";
  const browser = browserClient(url);
  await browser.auth.signUp.mutate({ email, password, name: "SDK User" });
  await browser.auth.signIn.mutate({ email, password });
  const key = await browser.auth.apiKeys.create.mutate({ name: "service" });
  return { email, browser, key };
}

/** Subscribes to the caller's event stream and records what arrives. */
function follow(client: GenflowClient, lastEventId: number | undefined) {
  const events: { id: string; type: string; dataId: unknown; eventId: number; createdAt: Date }[] =
    [];
  const errors: unknown[] = [];
  const subscription = client.system.onEvents.subscribe(
    { lastEventId },
    {
      onData: ({ id, data }) => {
        events.push({
          id,
          type: data.type,
          dataId: data.data.id,
          eventId: data.id,
          createdAt: data.createdAt,
        });
      },
      onError: (error) => errors.push(error),
    },
  );
  return { events, errors, unsubscribe: () => subscription.unsubscribe() };
}

async function openWebSockets(): Promise<number> {
  const gauge = await running.server.metrics.registry
    .getSingleMetric("websocket_connections")
    ?.get();
  return gauge?.values[0]?.value ?? 0;
}

async function openSubscriptions(): Promise<number> {
  const gauge = await running.server.metrics.registry
    .getSingleMetric("sse_open_subscriptions")
    ?.get();
  return gauge?.values.find((v) => v.labels.path === "system.onEvents")?.value ?? 0;
}

describe("the SDK against the running server", () => {
  it("authenticates with an API key, follows the event stream and resumes without loss or duplicates", async () => {
    const { email, browser, key } = await newAccount(running.url);
    const sdk = createGenflowClient({ url: running.url, apiKey: key.key });

    const session = await sdk.auth.session.query();
    expect(session).toMatchObject({ via: "apiKey", user: { email } });
    const info = await sdk.system.info.query();
    expect(info).toMatchObject({ name: "GenFlow", via: "apiKey", user: { email } });

    // From the start of the log: the account's history, then live events.
    const first = follow(sdk, 0);
    await waitFor(() =>
      first.events.some((e) => e.type === "apiKey.created" && e.dataId === key.id),
    );
    expect(first.events.map((e) => e.type)).toContain("session.signedIn");
    const second = await browser.auth.apiKeys.create.mutate({ name: "second" });
    await waitFor(() => first.events.some((e) => e.dataId === second.id));
    expect(first.errors).toEqual([]);
    for (const event of first.events) {
      expect(event.id).toBe(String(event.eventId));
      expect(event.createdAt).toBeInstanceOf(Date);
    }

    first.unsubscribe();
    // The server notices the disconnect and releases the subscription.
    await waitFor(async () => (await openSubscriptions()) === 0);
    const lastSeen = first.events.at(-1);
    expect(lastSeen?.dataId).toBe(second.id);

    // Events that happen while nobody is listening.
    const third = await browser.auth.apiKeys.create.mutate({ name: "third" });
    await browser.auth.apiKeys.revoke.mutate({ id: second.id });

    const resumed = follow(sdk, lastSeen?.eventId);
    await waitFor(() => resumed.events.length >= 2);
    await sleep(300);
    expect(resumed.events.map((e) => [e.type, e.dataId])).toEqual([
      ["apiKey.created", third.id],
      ["apiKey.revoked", second.id],
    ]);

    // And it stays live after the resume.
    const fourth = await browser.auth.apiKeys.create.mutate({ name: "fourth" });
    await waitFor(() => resumed.events.length >= 3);
    expect(resumed.events[2]).toMatchObject({ type: "apiKey.created", dataId: fourth.id });
    resumed.unsubscribe();

    // Together the two connections saw the whole log, each event once, in order.
    const replay = follow(sdk, 0);
    const seen = [...first.events, ...resumed.events].map((e) => e.eventId);
    await waitFor(() => replay.events.length >= seen.length);
    await sleep(200);
    expect(replay.events.map((e) => e.eventId)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    replay.unsubscribe();
    await waitFor(async () => (await openSubscriptions()) === 0);
  });

  it("splits many calls made at once into batches the server accepts", async () => {
    const { key } = await newAccount(running.url);
    const sdk = createGenflowClient({ url: running.url, apiKey: key.key });
    const answers = await Promise.all(Array.from({ length: 120 }, () => sdk.system.info.query()));
    expect(answers).toHaveLength(120);
    expect(answers.every((answer) => answer.via === "apiKey")).toBe(true);
  });

  it("starts with the next event when no lastEventId is given", async () => {
    const { browser, key } = await newAccount(running.url);
    const sdk = createGenflowClient({ url: running.url, apiKey: key.key });
    const live = follow(sdk, undefined);
    await waitFor(async () => (await openSubscriptions()) === 1);

    // The stream settles its starting position right after it opens; create keys until it is live.
    const created: string[] = [];
    while (live.events.length === 0 && created.length < 20) {
      created.push(
        (await browser.auth.apiKeys.create.mutate({ name: `next ${created.length}` })).id,
      );
      await sleep(100);
    }
    await sleep(200);
    // Nothing from before the subscription (sign-up, sign-in, the first key) was replayed...
    expect(live.events.map((e) => e.type)).not.toContain("session.signedIn");
    expect(live.events.map((e) => e.dataId)).not.toContain(key.id);
    // ...and from the first delivered key on, every later key arrived, in order.
    const delivered = live.events.map((e) => e.dataId);
    const firstDelivered = created.indexOf(String(delivered[0]));
    expect(firstDelivered).toBeGreaterThanOrEqual(0);
    expect(delivered).toEqual(created.slice(firstDelivered));
    live.unsubscribe();
    await waitFor(async () => (await openSubscriptions()) === 0);
  });

  it("rejects a subscription without valid credentials with the error envelope", async () => {
    for (const apiKey of [undefined, "gf_not-a-real-key"]) {
      const anonymous = follow(createGenflowClient({ url: running.url, apiKey }), 0);
      await waitFor(() => anonymous.errors.length > 0);
      const [error] = anonymous.errors;
      expect(isGenflowError(error)).toBe(true);
      if (isGenflowError(error)) expect(error.data.code).toBe("UNAUTHORIZED");
      anonymous.unsubscribe();
    }
  });

  it("surfaces server errors through isGenflowError with code, details and request id", async () => {
    const { key } = await newAccount(running.url);
    const sdk = createGenflowClient({ url: running.url, apiKey: key.key });

    const forbidden = await sdk.auth.apiKeys.create
      .mutate({ name: "from a key" })
      .catch((e: unknown) => e);
    expect(isGenflowError(forbidden)).toBe(true);
    if (!isGenflowError(forbidden)) return;
    expect(forbidden.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    expect(forbidden.data.requestId).toMatch(/\S/);

    const invalid = await sdk.auth.apiKeys.revoke.mutate({ id: "" }).catch((e: unknown) => e);
    expect(isGenflowError(invalid)).toBe(true);
    if (!isGenflowError(invalid)) return;
    expect(invalid.data.code).toBe("VALIDATION");
    expect(invalid.data.details).toMatchObject({
      fieldErrors: { id: expect.any(Array) as unknown },
    });

    const missing = await sdk.auth.apiKeys.revoke
      .mutate({ id: "no-such-key" })
      .catch((e: unknown) => e);
    expect(isGenflowError(missing) && missing.data.code).toBe("NOT_FOUND");
  });
});

/**
 * A TCP proxy in front of the server that can break the next request: `reset` kills its connection
 * once the request has been sent, `hang` swallows it and never answers. Works on kept-alive
 * connections too, since the plan is applied to whichever connection carries the next request.
 */
async function startProxy(targetPort: number) {
  const plan: ("reset" | "hang")[] = [];
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect(targetPort, "127.0.0.1");
    track(upstream);
    upstream.on("close", () => client.destroy());
    upstream.pipe(client);
    let hanging = false;
    client.on("data", (chunk: Buffer) => {
      if (hanging) return;
      // A chunk that starts with a method is a new request.
      if (/^(GET|POST) /.test(chunk.toString("latin1", 0, 5))) requests += 1;
      const mode = plan.shift();
      if (mode === "reset") {
        upstream.destroy();
        client.resetAndDestroy();
      } else if (mode === "hang") {
        hanging = true;
      } else {
        upstream.write(chunk);
      }
    });
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    plan,
    requests: () => requests,
    /** Cuts every open connection, as a network failure would. */
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `fetch` that counts the requests it sends. */
function countingFetch() {
  const calls: string[] = [];
  const fetchImpl = (input: string | URL | Request, init?: RequestInit) => {
    calls.push(init?.method ?? "GET");
    return fetch(input, init);
  };
  return { calls, fetch: fetchImpl };
}

describe("the SDK with files", () => {
  it("sends a photo as form data to cutout.process and gets typed results back", async () => {
    const { key } = await newAccount(running.url);
    const sdk = createGenflowClient({ url: running.url, apiKey: key.key, timeoutMs: 120_000 });
    const photo = await sharp(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150"><rect width="100%" height="100%" fill="#eef2f5"/><circle cx="100" cy="75" r="45" fill="#1e88e5"/></svg>',
      ),
    )
      .png()
      .toBuffer();
    const form = new FormData();
    form.append("image", new Blob([photo]), "ball.png");
    form.append("options", JSON.stringify({ tier: "fast", output: "mask" }));
    const result = await sdk.cutout.process.mutate(form);
    if (result.status !== "done")
      throw new Error(`expected an answer at once, got ${result.status}`);
    expect(result.cutout).toMatchObject({ fileName: "ball.png", width: 200, height: 150 });
    expect(result.output).toMatchObject({ contentType: "image/png", width: 200, height: 150 });
    expect(result.timings.inferMs).toBeGreaterThan(0);
    const listed = await sdk.cutout.list.query({});
    expect(listed.items.map((item) => item.id)).toContain(result.cutout.id);
  }, 180_000);
});

describe("SDK resilience", () => {
  let apiKey: string;
  beforeAll(async () => {
    apiKey = (await newAccount(running.url)).key.key;
  });

  it("retries a query once when the connection is refused, then reports the failure", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const counter = countingFetch();
    const sdk = createGenflowClient({
      url: `http://127.0.0.1:${port}`,
      apiKey,
      fetch: counter.fetch,
      retryDelayMs: 10,
    });
    const error = await sdk.system.info.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(isGenflowError(error)).toBe(false);
    expect(counter.calls).toEqual(["GET", "GET"]);

    // A mutation whose connection was never established cannot have reached the server: retried too.
    counter.calls.length = 0;
    await sdk.auth.signOut.mutate().catch((e: unknown) => e);
    expect(counter.calls).toEqual(["POST", "POST"]);
  });

  it("retries a query whose connection dropped, but never a mutation that may have been received", async () => {
    const proxy = await startProxy(running.port);
    try {
      const counter = countingFetch();
      const sdk = createGenflowClient({
        url: proxy.url,
        apiKey,
        fetch: counter.fetch,
        retryDelayMs: 10,
      });

      proxy.plan.push("reset");
      const session = await sdk.auth.session.query();
      expect(session?.via).toBe("apiKey");
      expect(counter.calls).toEqual(["GET", "GET"]);

      counter.calls.length = 0;
      proxy.plan.push("reset");
      const error = await sdk.auth.signOut.mutate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(counter.calls).toEqual(["POST"]);

      // The next mutation goes through normally.
      await expect(sdk.auth.signOut.mutate()).resolves.toEqual({ ok: true });
    } finally {
      await proxy.close();
    }
  });

  it("fails a call that takes longer than timeoutMs, without retrying it", async () => {
    const proxy = await startProxy(running.port);
    try {
      const counter = countingFetch();
      const sdk = createGenflowClient({
        url: proxy.url,
        apiKey,
        fetch: counter.fetch,
        timeoutMs: 300,
      });
      proxy.plan.push("hang");
      const started = Date.now();
      const error = await sdk.system.info.query().catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(error instanceof TRPCClientError && error.cause?.name).toBe("TimeoutError");
      expect(counter.calls).toHaveLength(1);

      // The caller's own signal still cancels a call.
      const controller = new AbortController();
      proxy.plan.push("hang");
      const before = proxy.requests();
      const pending = sdk.system.info
        .query(undefined, { signal: controller.signal })
        .catch((e: unknown) => e);
      await waitFor(() => proxy.requests() > before);
      controller.abort();
      expect(await pending).toBeInstanceOf(TRPCClientError);
      expect(counter.calls).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});

/**
 * Follows the caller's events through a proxy, cuts every connection, makes two events while the
 * client is cut off, and checks they arrive after it reconnects: once each, in order.
 */
async function resumesAcrossDrop(
  account: Awaited<ReturnType<typeof newAccount>>,
  transport: "http" | "websocket",
) {
  const { browser, key } = account;
  const proxy = await startProxy(running.port);
  try {
    const sdk = createGenflowClient({ url: proxy.url, apiKey: key.key, transport });
    const stream = follow(sdk, 0);
    await waitFor(() => stream.events.some((e) => e.dataId === key.id));
    const before = stream.events.length;

    proxy.dropAll();
    // Produced while the connection is down; delivered after the client reconnects.
    const second = await browser.auth.apiKeys.create.mutate({ name: "while down" });
    await browser.auth.apiKeys.revoke.mutate({ id: second.id });

    await waitFor(() => stream.events.length >= before + 2, 20_000);
    await sleep(200);
    expect(stream.events.slice(before).map((e) => [e.type, e.dataId])).toEqual([
      ["apiKey.created", second.id],
      ["apiKey.revoked", second.id],
    ]);
    const ids = stream.events.map((e) => e.eventId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    stream.unsubscribe();
    return { requests: proxy.requests() };
  } finally {
    await proxy.close();
  }
}

describe("SDK subscriptions across a network failure", () => {
  it("reconnect by themselves and resume after the last event received", async () => {
    await resumesAcrossDrop(await newAccount(running.url), "http");
  }, 40_000);
});

describe("the SDK over one WebSocket", () => {
  // One account for these tests: sign-ups are rate-limited per address.
  let account: ReturnType<typeof newAccount>;
  beforeAll(() => {
    account = newAccount(running.url);
  });

  it("sends calls and subscriptions over one connection, with the same results and errors", async () => {
    const { browser, key } = await account;
    const proxy = await startProxy(running.port);
    try {
      const sdk = createGenflowClient({ url: proxy.url, apiKey: key.key, transport: "websocket" });
      const info = await sdk.system.info.query();
      expect(info).toMatchObject({ via: "apiKey" });
      const streams = [follow(sdk, 0), follow(sdk, 0)];
      for (const stream of streams) {
        await waitFor(() => stream.events.some((e) => e.dataId === key.id));
      }
      const second = await browser.auth.apiKeys.create.mutate({ name: "second" });
      for (const stream of streams) {
        await waitFor(() => stream.events.some((e) => e.dataId === second.id));
        expect(stream.errors).toEqual([]);
      }
      const missing = await sdk.tasks.cancel.mutate({ id: randomUUID() }).catch((e: unknown) => e);
      expect(isGenflowError(missing)).toBe(true);
      if (isGenflowError(missing)) {
        expect(missing.data.code).toBe("NOT_FOUND");
        expect(missing.data.requestId).toMatch(/\S/);
      }
      const invalid = await sdk.tasks.cancel.mutate({ id: "" }).catch((e: unknown) => e);
      expect(isGenflowError(invalid) && invalid.data.code).toBe("VALIDATION");
      // Each call over the socket has a request id of its own: the connection's, numbered.
      const ids = [missing, invalid].map((e) => (isGenflowError(e) ? e.data.requestId : ""));
      const [connection] = ids[0]?.split(".", 1) ?? [];
      expect(ids[0]).toMatch(/^[A-Za-z0-9_-]+\.\d+$/);
      expect(ids[1]).toMatch(/^[A-Za-z0-9_-]+\.\d+$/);
      expect(ids[1]?.startsWith(`${connection}.`)).toBe(true);
      expect(ids[0]).not.toBe(ids[1]);
      // All of it went over the one upgraded connection.
      expect(proxy.requests()).toBe(1);
      expect(await openWebSockets()).toBe(1);
      for (const stream of streams) stream.unsubscribe();
    } finally {
      await proxy.close();
    }
  });

  it("reconnects by itself and resumes subscriptions after the last event received", async () => {
    const { requests } = await resumesAcrossDrop(await account, "websocket");
    // One upgrade before the drop, one after.
    expect(requests).toBe(2);
  }, 40_000);

  it("stops serving a key revoked while the connection is open", async () => {
    const { browser } = await account;
    const revoked = await browser.auth.apiKeys.create.mutate({ name: "to revoke" });
    const sdk = createGenflowClient({
      url: running.url,
      apiKey: revoked.key,
      transport: "websocket",
    });
    expect(await sdk.system.info.query()).toMatchObject({ via: "apiKey" });
    await sdk.tasks.list.query({});
    await browser.auth.apiKeys.revoke.mutate({ id: revoked.id });
    await sleep(1_100);
    expect(await sdk.system.info.query()).toMatchObject({ via: null, user: null });
    const refused = await sdk.tasks.list.query({}).catch((e: unknown) => e);
    expect(isGenflowError(refused) && refused.data.code).toBe("UNAUTHORIZED");
  });

  it("refuses upgrades from untrusted origins and on other paths", async () => {
    const { WebSocket } = await import("ws");
    const statusOf = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${running.url.replace("http", "ws")}${path}`, { headers });
        socket.on("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.on("open", () => {
          resolve(101);
          socket.close();
        });
        socket.on("error", reject);
      });
    expect(await statusOf("/trpc", { origin: "https://evil.example" })).toBe(403);
    expect(await statusOf("/elsewhere", {})).toBe(404);
    expect(await statusOf("/trpc", { origin: ORIGIN })).toBe(101);
    expect(await statusOf("/trpc", {})).toBe(101);
  });

  it("answers a request offering another protocol (Upgrade: h2c) as an ordinary request", async () => {
    const { request } = await import("node:http");
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
        (resolve, reject) => {
          const req = request(`${running.url}${path}`, {
            method,
            headers: {
              connection: "Upgrade, HTTP2-Settings",
              upgrade: "h2c",
              "http2-settings": "AAMAAABkAARAAAAAAAIAAAAA",
              ...(body !== undefined && { "content-type": "application/json" }),
            },
          });
          req.on("response", (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, text }),
            );
          });
          req.on("upgrade", () => reject(new Error("the server switched protocols")));
          req.on("error", reject);
          req.end(body);
        },
      );
    const ready = await send("GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ status: "ok" });
    expect(ready.headers["connection"]).toBe("close");

    const info = await send("GET", "/trpc/system.info");
    expect(info.status).toBe(200);

    const unknown = await send("GET", "/api/nothing-here");
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: { code: "NOT_FOUND" } });

    const withBody = await send("POST", "/trpc/system.info", "{}");
    expect(withBody.status).toBe(400);
    const envelope = (JSON.parse(withBody.text) as { error: Record<string, unknown> }).error;
    expect(envelope).toMatchObject({ code: "VALIDATION", details: null });
    expect(envelope["requestId"]).toBe(withBody.headers["x-request-id"]);
  });
});

describe("the list-events example", () => {
  it("prints the caller and the replayed events, then exits", async () => {
    const { email, browser, key } = await newAccount(running.url);
    await browser.auth.apiKeys.create.mutate({ name: "another" });
    const history = follow(createGenflowClient({ url: running.url, apiKey: key.key }), 0);
    await waitFor(() => history.events.length >= 3);
    history.unsubscribe();

    const require = createRequire(import.meta.url);
    const tsx = require.resolve("tsx/cli");
    const example = fileURLToPath(
      new URL("../../../packages/client/examples/list-events.ts", import.meta.url),
    );
    const child = spawn(process.execPath, [tsx, example, "--after", "0", "--limit", "3"], {
      env: { ...process.env, GENFLOW_URL: running.url, GENFLOW_API_KEY: key.key },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe(`Signed in as ${email} (apiKey)`);
    const printed = lines
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { id: number; type: string });
    expect(printed.map((e) => [e.id, e.type])).toEqual(
      history.events.slice(0, 3).map((e) => [e.eventId, e.type]),
    );
    expect(lines.at(-1)).toBe("Done after 3 event(s).");
  }, 60_000);
});
