import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { parseChatProviderEnv } from "@genflow/core/ai-chat";
import { cutoutEnvShape } from "@genflow/core/cutout";
import { isDomainError } from "@genflow/core/errors";
import { parseImageProviderEnv } from "@genflow/core/image-providers";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const TRUE = ["true", "1", "yes", "on"];
const FALSE = ["false", "0", "no", "off"];

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => TRUE.includes(v) || FALSE.includes(v), "must be true or false")
  .transform((v) => TRUE.includes(v));

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

/** `a,b , c` → ["a", "b", "c"]; every entry must be an http(s) origin. */
const originList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(httpUrl.transform((u) => new URL(u).origin)));

/** Express `trust proxy`: true/false, a hop count, or a comma-separated list of addresses/subnets. */
const trustProxy = z
  .string()
  .trim()
  .min(1)
  .transform((v): boolean | number | string => {
    const lower = v.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    // A number is a hop count ("1": trust the one proxy in front of us), not a boolean.
    if (/^\d+$/.test(v)) return Number(v);
    return v;
  });

/** Where `vite build` puts the SPA, relative to this module (src/ in development, dist/ when bundled). */
const defaultWebDistDir = fileURLToPath(new URL("../../web/dist", import.meta.url));

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function schema(production: boolean) {
  return {
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().default("0.0.0.0"),
    PORT: integer(0, 65_535).default(3000),
    DATA_DIR: z.string().default("./data"),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" })
      .optional(),
    DATABASE_POOL_MAX: integer(1, 1_000).default(10),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
      .optional(),
    REDIS_KEY_PREFIX: z.string().default("genflow:"),
    PUBLIC_URL: httpUrl.transform((u) => u.replace(/\/+$/, "")).optional(),
    AUTH_SECRET: production
      ? z
          .string({ error: "is required in production (at least 32 random characters)" })
          .min(32, "must be at least 32 characters")
      : z.string().min(32, "must be at least 32 characters").optional(),
    CORS_ORIGINS: originList.default([]),
    TRUST_PROXY: trustProxy.default(false),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    DEBUG: bool.default(false),
    BODY_LIMIT_BYTES: integer(1024).default(8_388_608),
    RATE_LIMIT_API_PER_MINUTE: integer(1).default(600),
    RATE_LIMIT_GENERATE_PER_MINUTE: integer(1).default(120),
    RATE_LIMIT_IMAGES_PER_MINUTE: integer(1).default(6_000),
    RATE_LIMIT_UPLOADS_PER_MINUTE: integer(1).default(60),
    RATE_LIMIT_CUTOUT_PER_MINUTE: integer(1).default(30),
    RATE_LIMIT_CHAT_PER_MINUTE: integer(1).default(20),
    AI_DAILY_TOKENS_PER_USER: integer(1).default(200_000),
    AI_MAX_MESSAGE_CHARS: integer(100, 1_000_000).default(32_000),
    AI_LOCAL_MODEL: z.string().optional(),
    AI_LOCAL_THREADS: integer(1, 256).optional(),
    AI_LOCAL_CONTEXT: integer(256, 1_048_576).default(2048),
    UPLOAD_MAX_BYTES: integer(1024, 100 * 1024 * 1024).default(10_485_760),
    BLOB_DIR: z.string().optional(),
    RENDER_THREADS: integer(1, 64).optional(),
    RENDER_QUEUE: integer(0).optional(),
    RENDER_AVIF_THREADS: integer(1, 16).default(1),
    RENDER_TIMEOUT_MS: integer(100).default(20_000),
    SHUTDOWN_TIMEOUT_MS: integer(0).default(10_000),
    WEB_DIST_DIR: z.string().default(defaultWebDistDir),
    SERVE_WEB: bool.default(true),
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    RUN_WORKERS: bool.default(true),
    TASK_RETENTION_DAYS: integer(1, 3650).default(30),
    STORAGE_MAX_GB: z.coerce.number().positive().optional(),
    ...cutoutEnvShape,
  };
}

function issueName(issue: { path?: readonly (PropertyKey | { key: PropertyKey })[] | undefined }) {
  const name = issue.path?.map((p) => String(typeof p === "object" ? p.key : p)).join(".");
  return name === undefined || name === "" ? "(environment)" : name;
}

/**
 * A provider setting parsed by core (`parseImageProviderEnv`, `parseChatProviderEnv`), or its
 * problems as lines of the configuration message. The messages name variables, never values.
 */
function readProviderEnv<T>(
  parse: (source: Record<string, string | undefined>) => T,
  source: Record<string, string | undefined>,
): { config: T | null; problems: string[] } {
  try {
    return { config: parse(source), problems: [] };
  } catch (error) {
    if (!isDomainError(error) || error.code !== "VALIDATION") throw error;
    const fieldErrors = (error.details?.["fieldErrors"] ?? {}) as Record<string, string[]>;
    const problems = Object.entries(fieldErrors).flatMap(([variable, messages]) =>
      messages.map((message) => {
        const said = message.startsWith(`${variable} `)
          ? message.slice(variable.length + 1)
          : message;
        return `  - ${variable}: ${said}`;
      }),
    );
    return { config: null, problems: problems.length > 0 ? problems : [`  - ${error.message}`] };
  }
}

const invalidConfiguration = (lines: string[]) =>
  new EnvError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example.`);

/**
 * Every variable the server reads, validated once at start (see .env.example). Throws an
 * {@link EnvError} naming every problem at once. `imageProvider` is the parsed text-to-image
 * provider (with its credentials; never log it), or null when IMAGE_PROVIDER is unset.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  // env-core deletes empty strings from the object it is given; never touch the caller's.
  const runtimeEnv = { ...source };
  const production = runtimeEnv.NODE_ENV === "production";
  const imageProvider = readProviderEnv(parseImageProviderEnv, { ...source });
  const chatProviders = readProviderEnv(parseChatProviderEnv, { ...source });
  const providerProblems = [...imageProvider.problems, ...chatProviders.problems];
  const env = createEnv({
    runtimeEnv,
    emptyStringAsUndefined: true,
    server: schema(production),
    onValidationError(issues) {
      const lines = issues.map((issue) => `  - ${issueName(issue)}: ${issue.message}`);
      throw invalidConfiguration([...lines, ...providerProblems]);
    },
  });
  if (providerProblems.length > 0) throw invalidConfiguration(providerProblems);
  return {
    ...env,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    BLOB_DIR: env.BLOB_DIR ?? path.join(env.DATA_DIR, "blobs"),
    imageProvider: imageProvider.config,
    chatProviders: chatProviders.config ?? { providers: [], timeoutMs: 60_000 },
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
