import { request } from "node:http";

import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { GenFlowServer } from "../src/server";
import { signUp, startServer } from "./support";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(process.env.DATABASE_URL);
});

afterAll(async () => {
  await db.destroy();
});

async function gauge(
  server: GenFlowServer,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await server.metrics.registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return value?.value ?? 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A sign-up whose body arrives in two parts, so the request stays in flight until `finish()`. */
function slowSignUp(port: number, email: string) {
  const body = JSON.stringify(
    superjson.serialize({ email, password: "correct horse battery", name: "Slow" }),
  );
  const req = request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/trpc/auth.signUp",
    headers: {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      origin: "http://localhost:3000",
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { response, finish: () => req.end(body.slice(half)) };
}

describe("event streams", () => {
  it("stream subscriptions uncompressed and uncached, and end them on shutdown while requests finish", async () => {
    const s = await startServer({}, { db });
    try {
      const { cookie } = await signUp(s.url);

      // An open subscription over SSE.
      const stream = await fetch(`${s.url}/trpc/system.onEvents`, {
        headers: { accept: "text/event-stream", "accept-encoding": "gzip, br", cookie },
      });
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toContain("text/event-stream");
      expect(stream.headers.get("cache-control")).toContain("no-cache");
      expect(stream.headers.get("x-accel-buffering")).toBe("no");
      expect(stream.headers.get("content-encoding")).toBeNull();
      const reader = stream.body?.getReader();
      if (!reader) throw new Error("no stream body");
      await eventually(
        async () =>
          (await gauge(s.server, "sse_open_subscriptions", { path: "system.onEvents" })) === 1,
      );

      // A request still uploading its body when shutdown begins.
      const slow = slowSignUp(s.port, `slow-${Date.now()}@example.com`);
      await eventually(async () => (await gauge(s.server, "http_requests_in_flight")) >= 2);

      let closed = false;
      const shutdownStarted = Date.now();
      const closing = s.server.close().then(() => (closed = true));

      // The stream ends promptly (the client reconnects elsewhere); it does not hold shutdown up.
      const streamEnded = (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // A dropped connection ends the stream too.
        }
      })();
      await streamEnded;
      // Well inside SHUTDOWN_TIMEOUT_MS (10 s): the stream was ended, not left to time out.
      expect(Date.now() - shutdownStarted).toBeLessThan(5_000);

      // No new connections are accepted.
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();

      // The in-flight request is not cut off: shutdown waits for it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(closed).toBe(false);
      slow.finish();
      const done = await slow.response;
      expect(done.status).toBe(200);
      expect(done.body).toContain('"user"');

      await closing;
      expect(closed).toBe(true);
      expect(await gauge(s.server, "sse_open_subscriptions", { path: "system.onEvents" })).toBe(0);
    } finally {
      await s.stop();
    }
  });
});

describe("shutdown timeout", () => {
  it("closes requests that outlive SHUTDOWN_TIMEOUT_MS", async () => {
    const s = await startServer({ SHUTDOWN_TIMEOUT_MS: "300" }, { db });
    try {
      const stuck = slowSignUp(s.port, `stuck-${Date.now()}@example.com`);
      const outcome = stuck.response.then(
        () => "answered",
        () => "dropped",
      );
      await eventually(async () => (await gauge(s.server, "http_requests_in_flight")) >= 1);
      const started = Date.now();
      await s.server.close();
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5_000);
      expect(await outcome).toBe("dropped");
    } finally {
      await s.stop();
    }
  });
});

describe("WebSocket connections", () => {
  it("are told to reconnect and closed on shutdown", async () => {
    const { WebSocket } = await import("ws");
    const s = await startServer({}, { db });
    try {
      const socket = new WebSocket(`ws://127.0.0.1:${s.port}/trpc`);
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      const messages: string[] = [];
      socket.on("message", (data: Buffer) => messages.push(data.toString()));
      const closed = new Promise<number>((resolve) => socket.once("close", resolve));
      await s.server.close();
      expect(await closed).toBe(1012);
      expect(messages.map((m) => (JSON.parse(m) as { method?: string }).method)).toContain(
        "reconnect",
      );
    } finally {
      await s.stop();
    }
  });
});
