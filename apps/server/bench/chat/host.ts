// A child process of `pnpm bench:chat`: GenFlow's real host as in production (embedded PGlite in a
// fresh data folder, `info` logs to /dev/null, metrics and limits on) with the benchmark's provider
// configured. Signs a user up, creates an API key, prints `{"url": …, "key": …}`; stops on SIGTERM.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { createGenflowClient } from "@genflow/client";
import { pino } from "pino";

import { loadEnv } from "../../src/env";
import { createServer } from "../../src/server";

const providerUrl = process.argv[2];
if (!providerUrl) throw new Error("usage: host.ts <provider base URL>");
const ORIGIN = "http://localhost:3000";
const dataDir = await mkdtemp(path.join(tmpdir(), "genflow-bench-chat-"));
const env = loadEnv({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  DATA_DIR: dataDir,
  PUBLIC_URL: ORIGIN,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  LOG_LEVEL: "info",
  SERVE_WEB: "false",
  DATABASE_URL: process.env["BENCH_CHAT_DATABASE_URL"],
  REDIS_URL: process.env["BENCH_CHAT_REDIS_URL"],
  AI_PROVIDERS: JSON.stringify([
    { id: "bench", baseUrl: providerUrl, models: [{ id: "scripted", contextWindow: 32_768 }] },
  ]),
  // Never reject: every call is still counted against the limits.
  RATE_LIMIT_API_PER_MINUTE: String(1_000_000_000),
  RATE_LIMIT_CHAT_PER_MINUTE: String(1_000_000_000),
  AI_DAILY_TOKENS_PER_USER: String(1_000_000_000),
});
const logDestination = pino.destination({ dest: "/dev/null", sync: false });
const server = await createServer(env, { logDestination });
const listening = await server.listen(0, "127.0.0.1");
const url = `http://127.0.0.1:${listening.port}`;

// Sign up and create an API key the way a client would.
const cookies: string[] = [];
const browser = createGenflowClient({
  url,
  headers: () => ({ origin: ORIGIN, cookie: cookies.join("; ") || undefined }),
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = setCookie.split(";", 1)[0];
      if (pair) cookies.push(pair);
    }
    return response;
  },
});
await browser.auth.signUp.mutate({
  email: `bench-${randomBytes(4).toString("hex")}@example.com`,
  password: randomBytes(12).toString("base64url"),
  name: "Benchmark",
});
const { key } = await browser.auth.apiKeys.create.mutate({ name: "bench-chat" });
process.stdout.write(`${JSON.stringify({ url, key })}\n`);

process.once("SIGTERM", () => {
  void (async () => {
    await server.close();
    logDestination.flushSync();
    await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  })();
});
