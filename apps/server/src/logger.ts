import { createRequire } from "node:module";

import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

import type { Env } from "./env";

/** Headers that carry credentials, wherever a request or response is logged. */
const SECRET_HEADERS = ["authorization", "cookie", "x-api-key", "proxy-authorization"];
/** Field names that are never written to logs, at any of the first few levels of nesting. */
const SECRET_FIELDS = [
  "password",
  "key",
  "token",
  "secret",
  "apiKey",
  "accessToken",
  "refreshToken",
];

export const REDACTED = "[redacted]";

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const header of SECRET_HEADERS) {
    paths.push(`req.headers["${header}"]`, `headers["${header}"]`);
  }
  paths.push('res.headers["set-cookie"]', 'headers["set-cookie"]');
  for (const field of SECRET_FIELDS) {
    paths.push(field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`);
  }
  return paths;
}

/** Query parameters whose values are replaced before a URL is logged. */
const SECRET_QUERY = /token|key|secret|password|connectionparams|session/i;

/** The request URL as logged: sensitive query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const name of new Set(params.keys())) {
    if (SECRET_QUERY.test(name)) {
      params.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

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

/**
 * The process logger: JSON lines with secrets redacted. Pass `destination` to send them somewhere
 * other than stdout.
 */
export function createLogger(
  env: Pick<Env, "LOG_LEVEL" | "NODE_ENV">,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: env.LOG_LEVEL,
    base: { service: "genflow-server" },
    redact: { paths: redactPaths(), censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  const transport = prettyTransport(env);
  return transport ? pino({ ...options, transport }) : pino(options);
}
