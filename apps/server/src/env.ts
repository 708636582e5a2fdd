import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

/** Every variable the server reads, validated once at start. See .env.example. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    server: {
      NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
      HOST: z.string().default("0.0.0.0"),
      PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
      DATA_DIR: z.string().default("./data"),
      DATABASE_URL: z
        .string()
        .url()
        .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// URL")
        .optional(),
      REDIS_URL: z
        .string()
        .url()
        .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// URL")
        .optional(),
      REDIS_KEY_PREFIX: z.string().default("genflow:"),
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      DEBUG: bool.default(false),
    },
    onValidationError(issues) {
      const lines = issues.map((issue) => {
        const name = issue.path?.map((p) => (typeof p === "object" ? p.key : p)).join(".");
        return `  - ${name ?? "(environment)"}: ${issue.message}`;
      });
      throw new EnvError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example.`);
    },
  });
}

export type Env = ReturnType<typeof loadEnv>;

export class EnvError extends Error {
  override readonly name = "EnvError";
}
