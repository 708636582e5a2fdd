import { createRequire } from "node:module";

import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

import type { Env } from "./env";

/** Headers that carry credentials, wherever a request or response is logged. */
const SECRET_HEADERS = ["authorization", "cookie", "x-api-key", "proxy-authorization"];
/** Field names whose values are never written to logs, at any depth. */
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

/** Credential headers of logged requests and responses: fixed paths, which pino redacts cheaply. */
function headerPaths(): string[] {
  const paths: string[] = [];
  for (const header of SECRET_HEADERS) {
    paths.push(`req.headers["${header}"]`, `headers["${header}"]`);
  }
  paths.push('res.headers["set-cookie"]', 'headers["set-cookie"]');
  return paths;
}

const SECRET_FIELD_NAMES = new Set(SECRET_FIELDS);
/** True for a serialised line with a secret field name as an object key (`"password":`). */
const NAMES_SECRET_FIELD = new RegExp(`"(?:${SECRET_FIELDS.join("|")})":`);

function censorFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(censorFields);
  if (value === null || typeof value !== "object") return value;
  const censored: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    censored[name] = SECRET_FIELD_NAMES.has(name) ? REDACTED : censorFields(inner);
  }
  return censored;
}

/**
 * Replaces the value of every secret field, at any depth, in one serialised log line. A line that
 * names no secret field (nearly every line) costs one regular-expression test; the others are
 * parsed, censored and serialised again. (pino's wildcard redaction paths walk every line's object
 * tree once per path, which cost more than serialising and writing the line itself.)
 */
export function redactLine(line: string): string {
  if (!NAMES_SECRET_FIELD.test(line)) return line;
  try {
    return `${JSON.stringify(censorFields(JSON.parse(line)))}\n`;
  } catch {
    // pino writes one JSON object per line; anything else is withheld rather than risked.
    return `${JSON.stringify({ level: 50, time: Date.now(), msg: "log line withheld: it could not be checked for secrets" })}\n`;
  }
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
    redact: { paths: headerPaths(), censor: REDACTED },
    hooks: { streamWrite: redactLine },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  const transport = prettyTransport(env);
  return transport ? pino({ ...options, transport }) : pino(options);
}
