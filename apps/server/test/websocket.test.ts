import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";

import { startServer, type RunningServer } from "./support";

let running: RunningServer;

beforeAll(async () => {
  running = await startServer({
    LOG_LEVEL: "warn",
    TRUST_PROXY: "127.0.0.1",
    RATE_LIMIT_API_PER_MINUTE: "3",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
  });
});

afterAll(async () => {
  await running.stop();
});

interface Answer {
  id: number;
  result?: { data: { json: unknown } }; // superjson-encoded
  error?: { json: { data: { code: string; requestId: string } } };
}

/** A raw tRPC WebSocket connection from `forwardedFor`, as a trusted proxy would pass it on. */
async function connect(forwardedFor: string) {
  const socket = new WebSocket(`ws://127.0.0.1:${running.port}/trpc`, {
    headers: { "x-forwarded-for": forwardedFor },
  });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let next = 0;
  return {
    query(path: string): Promise<Answer> {
      next += 1;
      const id = next;
      return new Promise((resolve) => {
        const onMessage = (data: Buffer) => {
          const text = data.toString();
          if (text === "PING") return; // the server's keep-alive
          const answer = JSON.parse(text) as Answer;
          if (answer.id !== id) return;
          socket.off("message", onMessage);
          resolve(answer);
        };
        socket.on("message", onMessage);
        socket.send(
          JSON.stringify({ id, method: "query", params: { path, input: { json: null } } }),
        );
      });
    },
    close: () => socket.close(),
  };
}

describe("the API over WebSocket", () => {
  it("counts anonymous calls per client address, taken from X-Forwarded-For behind a trusted proxy", async () => {
    const first = await connect("203.0.113.7");
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await first.query("system.info"));
    expect(answers.slice(0, 3).every((answer) => answer.result !== undefined)).toBe(true);
    expect(answers[3]?.error?.json.data.code).toBe("LIMIT_EXCEEDED");
    expect(answers[3]?.error?.json.data.requestId).toMatch(/\S/);

    // Another client behind the same proxy has a budget of its own.
    const second = await connect("203.0.113.8");
    expect((await second.query("system.info")).result).toBeDefined();
    first.close();
    second.close();
  });
});
