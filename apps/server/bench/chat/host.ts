// A child process of `pnpm bench:chat`: GenFlow's real host as in production (embedded PGlite in a
// fresh data folder, `info` logs to /dev/null, metrics and limits on) with the benchmark's provider
// configured. Signs a user up, creates an API key, prints `{"url": …, "key": …}`; stops on SIGTERM.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { createGenflowClient } from "@genflow/client";
import { monitorEventLoopDelay } from "node:perf_hooks";

import { pino } from "pino";
import postgres from "postgres";

import { loadEnv } from "../../src/env";
import { createServer } from "../../src/server";

const providerUrl = process.argv[2];
if (!providerUrl) throw new Error("usage: host.ts <provider base URL>");
const ORIGIN = "http://localhost:3000";
const dataDir = await mkdtemp(path.join(tmpdir(), "genflow-bench-chat-"));
// On Postgres, a throwaway database of its own, dropped on exit.
const adminUrl = process.env["BENCH_CHAT_DATABASE_URL"];
let databaseUrl: string | undefined;
let dropDatabase = () => Promise.resolve();
if (adminUrl) {
  const name = `genflow_bench_chat_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  };
}
const env = loadEnv({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  DATA_DIR: dataDir,
  PUBLIC_URL: ORIGIN,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  LOG_LEVEL: "info",
  SERVE_WEB: "false",
  DATABASE_URL: databaseUrl,
  REDIS_URL: process.env["BENCH_CHAT_REDIS_URL"],
  DATABASE_POOL_MAX: process.env["DATABASE_POOL_MAX"],
  // Keys of its own, so that limits and caches of one run never reach the next.
  REDIS_KEY_PREFIX: `genflow-bench-chat-${randomBytes(4).toString("hex")}:`,
  AI_PROVIDERS: JSON.stringify([
    {
      id: "bench",
      baseUrl: providerUrl,
      models: [{ id: "scripted", contextWindow: 131_072, maxOutputTokens: 32_000 }],
    },
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
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
process.on("SIGUSR2", () => {
  process.stderr.write(
    `  host event-loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(0)} ms\n`,
  );
  loop.reset();
});

process.once("SIGTERM", () => {
  void (async () => {
    await server.close();
    logDestination.flushSync();
    await rm(dataDir, { recursive: true, force: true });
    await dropDatabase();
    process.exit(0);
  })();
});
