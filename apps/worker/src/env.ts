import { existsSync } from "node:fs";
import path from "node:path";

import { isDomainError } from "@genflow/core/errors";
import { parseImageProviderEnv, type ImageProviderConfig } from "@genflow/core/image-providers";
import { createEnv } from "@t3-oss/env-core";
import { cutoutEnvShape } from "@genflow/core/cutout";
import { z } from "zod";

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** `a, b ,c` → ["a", "b", "c"]. */
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** `cards.batch=2, image.generate=8` → { "cards.batch": 2, "image.generate": 8 }. */
const concurrencyList = z.string().transform((v, ctx) => {
  const result: Record<string, number> = {};
  for (const entry of v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z][a-z0-9.-]*)\s*=\s*(\d+)$/.exec(entry);
    const count = match ? Number(match[2]) : 0;
    if (!match?.[1] || count < 1 || count > 1_000) {
      ctx.addIssue({
        code: "custom",
        message: `"${entry}" is not kind=count (a count from 1 to 1000)`,
      });
      return z.NEVER;
    }
    result[match[1]] = count;
  }
  return result;
});

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const schema = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.url({
    protocol: /^postgres(ql)?$/,
    error: "is required: a postgres:// URL (workers share the server's database)",
  }),
  DATABASE_POOL_MAX: integer(1, 1_000).default(10),
  REDIS_URL: z.url({
    protocol: /^rediss?$/,
    error: "is required: a redis:// or rediss:// URL (the task queues live there)",
  }),
  REDIS_KEY_PREFIX: z.string().default("genflow:"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  BLOB_DIR: z.string().optional(),
  RENDER_THREADS: integer(1, 64).optional(),
  RENDER_QUEUE: integer(0).optional(),
  RENDER_AVIF_THREADS: integer(1, 16).default(1),
  RENDER_TIMEOUT_MS: integer(100).default(20_000),
  WORKER_KINDS: list.optional(),
  ...cutoutEnvShape,
  WORKER_CONCURRENCY: concurrencyList.default({}),
  WORKER_HEALTH_PORT: integer(0, 65_535).optional(),
  WORKER_HEALTH_HOST: z.string().default("0.0.0.0"),
  TASK_HEARTBEAT_MS: integer(50).default(5_000),
  TASK_STALE_AFTER_MS: integer(100).default(30_000),
  TASK_RECONCILE_MS: integer(100).default(60_000),
  TASK_LOCK_DURATION_MS: integer(100).default(30_000),
  TASK_STALLED_INTERVAL_MS: integer(100).default(30_000),
  WORKER_SHUTDOWN_TIMEOUT_MS: integer(0).default(30_000),
};

function issueName(issue: { path?: readonly (PropertyKey | { key: PropertyKey })[] | undefined }) {
  const name = issue.path?.map((p) => String(typeof p === "object" ? p.key : p)).join(".");
  return name === undefined || name === "" ? "(environment)" : name;
}

/** The text-to-image provider, as the server reads it (a worker runs image.generate with it). */
function readImageProvider(source: Record<string, string | undefined>): {
  config: ImageProviderConfig | null;
  problems: string[];
} {
  try {
    return { config: parseImageProviderEnv(source), problems: [] };
  } catch (error) {
    if (!isDomainError(error) || error.code !== "VALIDATION") throw error;
    const fieldErrors = (error.details?.["fieldErrors"] ?? {}) as Record<string, string[]>;
    const problems = Object.entries(fieldErrors).flatMap(([variable, messages]) =>
      messages.map((message) => `  - ${variable}: ${message}`),
    );
    return { config: null, problems: problems.length > 0 ? problems : [`  - ${error.message}`] };
  }
}

const invalidConfiguration = (lines: string[]) =>
  new EnvError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example.`);

/**
 * Every variable a worker reads, validated once at start (see .env.example, "Workers"). Throws an
 * {@link EnvError} naming every problem at once. `imageProvider` carries credentials: never log it.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  // env-core deletes empty strings from the object it is given; never touch the caller's.
  const runtimeEnv = { ...source };
  const imageProvider = readImageProvider({ ...source });
  const env = createEnv({
    runtimeEnv,
    emptyStringAsUndefined: true,
    server: schema,
    onValidationError(issues) {
      const lines = issues.map((issue) => `  - ${issueName(issue)}: ${issue.message}`);
      throw invalidConfiguration([...lines, ...imageProvider.problems]);
    },
  });
  if (imageProvider.problems.length > 0) throw invalidConfiguration(imageProvider.problems);
  return {
    ...env,
    BLOB_DIR: env.BLOB_DIR ?? path.join(env.DATA_DIR, "blobs"),
    imageProvider: imageProvider.config,
  };
}

export type Env = ReturnType<typeof loadEnv>;

/** Reads `.env` from the working directory into process.env when present; real variables win. */
export function loadDotEnvFile(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export class EnvError extends Error {
  override readonly name = "EnvError";
}
