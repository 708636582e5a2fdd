import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { deleteKeys } from "@genflow/core/testing";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import superjson from "superjson";
import { z } from "zod";

import { loadEnv, type Env } from "../src/env";
import { createServer, type GenFlowServer } from "../src/server";

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** Collects the JSON lines the server logs. */
export class LogSink {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as LogLine);
    }
  }

  /** Lines bound to the given request id. */
  forRequest(requestId: string): LogLine[] {
    return this.lines.filter((line) => line.requestId === requestId);
  }
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `genflow-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A test environment: quiet, isolated data folder, whatever the caller overrides. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Env {
  return loadEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "debug",
    HOST: "127.0.0.1",
    PORT: "0",
    PUBLIC_URL: "http://localhost:3000",
    SERVE_WEB: "false",
    // Every test server shares one assembled copy of the models.
    CUTOUT_MODEL_DIR: path.join(tmpdir(), "genflow-test-models"),
    ...overrides,
  });
}

export interface RunningServer {
  server: GenFlowServer;
  db: TestDatabase;
  url: string;
  port: number;
  logs: LogSink;
  /** Closes the server (if still open) and drops the database it created. */
  stop(): Promise<void>;
}

/**
 * The whole host, in this process, on a free port, over a throwaway database (PGlite, or a fresh
 * Postgres database when DATABASE_URL is set).
 */
export async function startServer(
  overrides: Record<string, string | undefined> = {},
  options: { db?: TestDatabase } = {},
): Promise<RunningServer> {
  const ownsDb = options.db === undefined;
  const db = options.db ?? (await createTestDatabase(process.env.DATABASE_URL));
  const logs = new LogSink();
  const data = await tempDir("data");
  const env = testEnv({ DATA_DIR: data.dir, ...overrides });
  const server = await createServer(env, { db, logDestination: logs });
  const listening = await server.listen(0, "127.0.0.1");
  return {
    server,
    db,
    url: listening.url,
    port: listening.port,
    logs,
    async stop() {
      await server.close();
      if (ownsDb) await db.destroy().catch(() => undefined);
      await data.remove();
      // A test's own key prefix goes with it (BullMQ keeps some keys without an expiry).
      const prefix = overrides["REDIS_KEY_PREFIX"];
      if (env.REDIS_URL && prefix) await deleteKeys(env.REDIS_URL, prefix).catch(() => undefined);
    },
  };
}

const TrpcErrorBody = z.object({
  error: z.object({
    json: z.object({
      message: z.string(),
      code: z.number(),
      data: z.object({
        code: z.string(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).nullable(),
        requestId: z.string(),
        httpStatus: z.number(),
      }),
    }),
  }),
});

/** The error envelope of a failed tRPC call (it travels in `error.data`). */
export async function trpcError(response: Response) {
  return TrpcErrorBody.parse(await response.json()).error.json.data;
}

const RestErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string(),
  }),
});

/** The error envelope of a failed REST call. */
export async function restError(response: Response) {
  return RestErrorBody.parse(await response.json()).error;
}

/** A tRPC mutation over plain HTTP, from the server's own origin unless told otherwise. */
export function mutate(
  url: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000", ...headers },
    body: JSON.stringify(superjson.serialize(input)),
  });
}

/** A tRPC query over plain HTTP. */
export function query(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/trpc/${path}`, { headers });
}

let accounts = 0;

/** Signs a fresh user up over HTTP; returns the session cookie. */
export async function signUp(url: string): Promise<{ cookie: string; email: string }> {
  accounts += 1;
  const email = `user${accounts}-${Date.now()}@example.com`;
  const response = await mutate(url, "auth.signUp", {
    email,
    password: "correct horse battery",
    name: "Test",
  });
  if (response.status !== 200)
    throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";", 1)[0])
    .join("; ");
  return { cookie, email };
}
