import { createRequire } from "node:module";

import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

import type { Env } from "./env";

/** Field names whose values never reach the logs (top level and one level down). */
const SECRET_FIELDS = [
  "password",
  "key",
  "token",
  "secret",
  "apiKey",
  "accessToken",
  "secretAccessKey",
];

function prettyTransport(env: Pick<Env, "NODE_ENV">): LoggerOptions["transport"] {
  if (env.NODE_ENV !== "development" || !process.stdout.isTTY) return undefined;
  try {
    // Only installed for development; production always logs JSON.
    createRequire(import.meta.url).resolve("pino-pretty");
  } catch {
    return undefined;
  }
  return {
    target: "pino-pretty",
    options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" },
  };
}

/** The process logger: JSON lines on stdout (or `destination`), secrets redacted. */
export function createLogger(
  env: Pick<Env, "LOG_LEVEL" | "NODE_ENV">,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: env.LOG_LEVEL,
    base: { service: "genflow-worker" },
    redact: {
      paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
      censor: "[redacted]",
    },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  const transport = prettyTransport(env);
  return transport ? pino({ ...options, transport }) : pino(options);
}
