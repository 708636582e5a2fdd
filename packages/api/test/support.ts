import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";

import {
  buildChatProviders,
  createReplyRunner,
  DEFAULT_AI_CHAT_LIMITS,
  parseChatProviderEnv,
  type AiChatServices,
} from "@genflow/core/ai-chat";
import { type AuthConfig, authRateLimitPolicies, createAuth } from "@genflow/core/auth";
import { createMemoryAdapters } from "@genflow/core/adapters/memory";
import { createRedisAdapters } from "@genflow/core/adapters/redis";
import { DiskBlobStorage } from "@genflow/core/adapters/disk";
import {
  createCardRenderer,
  sourceRenderWorker,
  type CardRenderer,
  type GenerateDeps,
} from "@genflow/core/generate";
import { ERROR_CODES } from "@genflow/core/errors";
import { createInProcessRunner, type TaskKinds, type TasksConfig } from "@genflow/core/tasks";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "@genflow/core/uploads";
import type {
  BlobStorage,
  Cache,
  Logger,
  PubSub,
  RateLimiter,
  RateLimitPolicy,
} from "@genflow/core/ports";
import { systemClock } from "@genflow/core/ports";
import { deleteKeys } from "@genflow/core/testing";
import type { Database } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson, { type SuperJSONResult } from "superjson";
import { z } from "zod";

import {
  appRouter,
  type ApiMetrics,
  type ApiServices,
  type AuthUser,
  createCallerFactory,
  createContext,
  domainCodeOf,
  type ErrorEnvelope,
} from "../src/index";

/** The server's public URL in tests; requests from this origin are same-origin. */
export const TEST_BASE_URL = "http://localhost:3000";
/** A second origin the server trusts (a separately served SPA). */
export const TEST_TRUSTED_ORIGIN = "http://localhost:5173";
/** An origin the server does not trust. */
export const FOREIGN_ORIGIN = "https://evil.example";

export interface CallerOptions {
  /** A `Cookie` header, e.g. the `cookie` returned by `signUp`. */
  cookie?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The caller's address. Default `203.0.113.1`. */
  ip?: string;
  /** The `Origin` header; `null` sends none. Default: the server's own origin. */
  origin?: string | null;
  /** Any further request headers. */
  headers?: Record<string, string>;
}

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  bindings: Record<string, unknown>;
  message: string | undefined;
}

export interface RecordedMetrics extends ApiMetrics {
  procedures: { path: string; type: string; code: string; durationMs: number }[];
  rateLimitedPolicies: string[];
}

export interface HarnessOptions {
  /** Rate-limit policies, merged over the defaults (a generous `api` policy plus the auth policies). */
  policies?: Record<string, RateLimitPolicy>;
  /** Overrides for the auth configuration (secret, baseURL, trustedOrigins…). */
  auth?: Partial<AuthConfig>;
  /** Upload limits, merged over the defaults. */
  uploadLimits?: Partial<UploadLimits>;
  /**
   * Task kinds the harness's in-process runner knows (none by default); a function gets the
   * harness's task file storage, for kinds that store files.
   */
  taskKinds?: TaskKinds | ((deps: { storage: BlobStorage }) => TaskKinds);
  /** `AI_PROVIDERS`-style settings for the assistant; none configured by default. */
  aiProviders?: Record<string, string | undefined>;
}

interface HttpResult<T> {
  status: number;
  headers: Headers;
  /** The procedure's result, when it succeeded. */
  data: T | undefined;
  /** The error envelope, when it failed. */
  error: (ErrorEnvelope & { httpStatus: number }) | undefined;
}

const HttpFailure = z.object({
  error: z.object({
    json: z.object({
      data: z.object({
        code: z.enum(ERROR_CODES),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).nullable(),
        requestId: z.string(),
        httpStatus: z.number(),
      }),
    }),
  }),
});
const HttpSuccess = z.object({
  result: z.object({
    data: z.custom<SuperJSONResult>((v) => typeof v === "object" && v !== null && "json" in v),
  }),
});

function recordingLogger(entries: LogEntry[], base: Record<string, unknown> = {}): Logger {
  const at =
    (level: LogEntry["level"]) =>
    (first: string | Record<string, unknown>, message?: string): void => {
      if (typeof first === "string") entries.push({ level, bindings: base, message: first });
      else entries.push({ level, bindings: { ...base, ...first }, message });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => recordingLogger(entries, { ...base, ...bindings }),
  };
}

function recordingMetrics(): RecordedMetrics {
  const procedures: RecordedMetrics["procedures"] = [];
  const rateLimitedPolicies: string[] = [];
  return {
    procedures,
    rateLimitedPolicies,
    procedureDone: (info) => procedures.push(info),
    rateLimited: (policy) => rateLimitedPolicies.push(policy),
    subscriptionOpened: () => undefined,
    subscriptionClosed: () => undefined,
  };
}

/** Turns Set-Cookie values into the `Cookie` header a browser would send next (cleared cookies dropped). */
export function cookieHeaderFrom(setCookies: string[]): string {
  const pairs: string[] = [];
  for (const setCookie of setCookies) {
    const [pair = ""] = setCookie.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const value = pair.slice(eq + 1).trim();
    if (!value || /;\s*max-age=0/i.test(setCookie)) continue;
    pairs.push(`${pair.slice(0, eq).trim()}=${value}`);
  }
  return pairs.join("; ");
}

/**
 * Awaits a procedure call that must fail and returns its domain error code (`NOT_FOUND`,
 * `UNAUTHORIZED`…) and the underlying TRPCError.
 */
export async function failureOf(
  call: Promise<unknown>,
): Promise<{ code: string; error: TRPCError }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return { code: domainCodeOf(error), error };
    throw error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

let ipCounter = 0;
/** A fresh client address, so per-address limits of one test do not leak into another. */
export function uniqueIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

/**
 * Real services on a throwaway database: PGlite in memory, or a fresh Postgres database when
 * `DATABASE_URL` is set; in-process cache, limiter and pub/sub, or Redis (under a random key
 * prefix) when `REDIS_URL` is set. Call `close()` in `afterAll`.
 */
export async function createTestHarness(options: HarnessOptions = {}) {
  const testDb: TestDatabase = await createTestDatabase(process.env.DATABASE_URL);
  const logs: LogEntry[] = [];
  const log = recordingLogger(logs);
  const metrics = recordingMetrics();
  const policies: Record<string, RateLimitPolicy> = {
    api: { points: 100_000, durationSec: 60 },
    generate: { points: 100_000, durationSec: 60 },
    aiChat: { points: 100_000, durationSec: 60 },
    ...authRateLimitPolicies,
    ...options.policies,
  };

  let adapters: { cache: Cache; rateLimiter: RateLimiter; pubsub: PubSub; close(): Promise<void> };
  const redisUrl = process.env.REDIS_URL;
  const keyPrefix = `genflow-test:${randomBytes(6).toString("hex")}:`;
  if (redisUrl) {
    adapters = await createRedisAdapters({
      url: redisUrl,
      keyPrefix,
      policies,
      log,
    });
  } else {
    adapters = createMemoryAdapters({ policies, log });
  }

  const db: Database = testDb.db;
  const blobDir = await mkdtemp(path.join(tmpdir(), "genflow-api-blobs-"));
  // Worker threads start on the first render, so suites that never render don't pay for them.
  let pool: CardRenderer | undefined;
  const renderer: CardRenderer = {
    render: (job, opts) =>
      (pool ??= createCardRenderer({ worker: sourceRenderWorker(), threads: 1, log })).render(
        job,
        opts,
      ),
    queued: () => pool?.queued() ?? { standard: 0, avif: 0 },
    close: async () => pool?.close(),
  };
  const createCaller = createCallerFactory(appRouter);
  let requestCounter = 0;

  // One runner for the harness, with short timings so tests see heartbeats and retries quickly.
  const taskStorage = new DiskBlobStorage(blobDir);
  const tasks: TasksConfig = {
    kinds:
      typeof options.taskKinds === "function"
        ? options.taskKinds({ storage: taskStorage })
        : (options.taskKinds ?? new Map()),
    storage: taskStorage,
    queue: { enqueue: () => Promise.resolve() },
  };
  const runner = createInProcessRunner(
    { db, pubsub: adapters.pubsub, log, clock: systemClock, tasks },
    { workerId: "api-tests", heartbeatMs: 100, pollMs: 50 },
  );
  tasks.queue = runner.queue;
  await runner.start();

  const replies = await createReplyRunner(
    { db, pubsub: adapters.pubsub, log, clock: systemClock },
    { workerId: "api-tests", flushIntervalMs: 30 },
  );
  const aiChat: AiChatServices = {
    providers: buildChatProviders(parseChatProviderEnv(options.aiProviders ?? {})),
    replies,
    limits: { ...DEFAULT_AI_CHAT_LIMITS },
  };

  /** Services and callers for a server with the given auth configuration, over the shared database and adapters. */
  function serve(authOverrides: Partial<AuthConfig> = {}) {
    const authConfig: AuthConfig = {
      secret: randomBytes(32).toString("hex"),
      baseURL: TEST_BASE_URL,
      trustedOrigins: [TEST_TRUSTED_ORIGIN],
      ...authOverrides,
    };
    const auth = createAuth({ db, cache: adapters.cache, clock: systemClock, log }, authConfig);
    const core = {
      db,
      cache: adapters.cache,
      rateLimiter: adapters.rateLimiter,
      pubsub: adapters.pubsub,
      log,
      clock: systemClock,
    };
    const blobs = new DiskBlobStorage(blobDir);
    const generate: GenerateDeps = { ...core, blobs, renderer };
    const uploads = {
      ...core,
      blobs,
      limits: { ...DEFAULT_UPLOAD_LIMITS, ...options.uploadLimits },
    };
    const services: ApiServices = {
      ...core,
      config: {
        debug: false,
        trustedOrigins: authConfig.trustedOrigins,
        production: false,
        publicUrl: authConfig.baseURL.replace(/\/+$/, ""),
      },
      metrics,
      auth,
      authenticate: auth.authenticate,
      generate,
      uploads,
      tasks,
      aiChat,
    };
    const host = new URL(authConfig.baseURL).host;

    function requestHeaders(opts: CallerOptions): Headers {
      const headers = new Headers({ host, "user-agent": "genflow-tests/1.0", ...opts.headers });
      const origin = opts.origin === undefined ? authConfig.baseURL : opts.origin;
      if (origin !== null) headers.set("origin", origin);
      if (opts.cookie) headers.set("cookie", opts.cookie);
      if (opts.apiKey) headers.set("authorization", `Bearer ${opts.apiKey}`);
      return headers;
    }

    /** A caller plus the response headers its calls produce (Set-Cookie, Retry-After…). */
    function request(opts: CallerOptions = {}) {
      const responseHeaders = new Headers();
      requestCounter += 1;
      const ctx = createContext(services, {
        requestId: `test-${requestCounter}`,
        ip: opts.ip ?? "203.0.113.1",
        headers: requestHeaders(opts),
        appendResponseHeader: (name, value) => responseHeaders.append(name, value),
      });
      return { api: createCaller(ctx), responseHeaders };
    }

    /** Calls a procedure the way the HTTP host does, returning status, headers and the error envelope. */
    async function http<T = unknown>(
      type: "query" | "mutation",
      path: string,
      input: unknown,
      opts: CallerOptions = {},
    ): Promise<HttpResult<T>> {
      const headers = requestHeaders(opts);
      const encoded = JSON.stringify(superjson.serialize(input));
      let url = `${authConfig.baseURL}/trpc/${path}`;
      let init: RequestInit = { method: "GET", headers };
      if (type === "query") url += `?input=${encodeURIComponent(encoded)}`;
      else {
        headers.set("content-type", "application/json");
        init = { method: "POST", headers, body: encoded };
      }
      requestCounter += 1;
      const requestId = `test-http-${requestCounter}`;
      const response = await fetchRequestHandler({
        endpoint: "/trpc",
        req: new Request(url, init),
        router: appRouter,
        createContext: ({ resHeaders }) =>
          createContext(services, {
            requestId,
            ip: opts.ip ?? "203.0.113.1",
            headers,
            appendResponseHeader: (name, value) => resHeaders.append(name, value),
          }),
      });
      const body: unknown = await response.json();
      let data: T | undefined;
      let error: HttpResult<T>["error"];
      const failed = HttpFailure.safeParse(body);
      if (failed.success) error = failed.data.error.json.data;
      else {
        const ok = HttpSuccess.parse(body);
        data = superjson.deserialize<T>(ok.result.data);
      }
      return { status: response.status, headers: response.headers, data, error };
    }

    return {
      services,
      authConfig,
      /** A tRPC caller for one request with the given credentials and headers. */
      caller: (opts: CallerOptions = {}) => request(opts).api,
      request,
      http,
    };
  }

  const main = serve(options.auth);
  const { request } = main;

  let userCounter = 0;
  /** Creates an account through `auth.signUp` and returns it with the session cookie. */
  async function signUp(
    overrides: Partial<{ email: string; password: string; name: string }> = {},
  ) {
    userCounter += 1;
    const input = {
      email: overrides.email ?? `user${userCounter}-${randomBytes(4).toString("hex")}@example.com`,
      password: overrides.password ?? `correct horse ${userCounter}`,
      name: overrides.name ?? `User ${userCounter}`,
    };
    const { api, responseHeaders } = request({ ip: uniqueIp() });
    const { user } = await api.auth.signUp(input);
    const cookie = cookieHeaderFrom(responseHeaders.getSetCookie());
    if (!cookie) throw new Error("sign-up set no session cookie");
    return { user: user satisfies AuthUser, cookie, email: input.email, password: input.password };
  }

  return {
    ...main,
    db,
    testDb,
    blobDir,
    logs,
    metrics,
    signUp,
    /**
     * Another server configuration (e.g. an https `baseURL`) over the same database, cache and
     * limiter: `{ services, authConfig, caller, request, http }`.
     */
    serve,
    tasks,
    runner,
    aiChat,
    async close() {
      await replies.close();
      await runner.stop();
      await renderer.close();
      await adapters.close();
      if (redisUrl) await deleteKeys(redisUrl, keyPrefix);
      await testDb.destroy();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

export type TestHarness = Awaited<ReturnType<typeof createTestHarness>>;

/** A 32×24 PNG of one random colour (encoded here), so no two uploads share bytes. */
export function uniquePng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const [width, height] = [32, 24];
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const colour = [0, 0, 0].map(() => Math.floor(Math.random() * 256));
  const row = Buffer.from([0, ...Array.from({ length: width }, () => colour).flat()]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
