import type { IncomingHttpHeaders } from "node:http";

import type { Request, RequestHandler } from "express";
import type { Logger } from "pino";

import { redactUrl } from "./logger";
import { isEventStream } from "./metrics";
import { requestIdOf } from "./request-id";

declare module "http" {
  interface IncomingMessage {
    /** The request's logger: every line it writes carries the request id. */
    log: Logger;
  }
}

const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Request headers worth having when a request fails. Credentials (authorization, cookie, API keys)
 * are never among them, so the request line needs no redaction pass of its own.
 */
const DIAGNOSTIC_HEADERS = [
  "host",
  "origin",
  "referer",
  "user-agent",
  "accept",
  "content-type",
  "content-length",
  "x-forwarded-for",
] as const;

function diagnosticHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const picked: Record<string, string | string[]> = {};
  for (const name of DIAGNOSTIC_HEADERS) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

type Level = "debug" | "info" | "warn" | "error";

/**
 * One log line per request, when its response ends or its connection closes, carrying the request
 * id: method, URL (sensitive query values redacted), caller address, status, size and duration.
 * 5xx are errors; 4xx and requests abandoned mid-response are warnings (the caller's doing, not
 * ours) and also carry a few diagnostic request headers; successful probe hits are debug noise.
 * Event streams end when the watcher leaves, which is an ordinary close.
 *
 * `req.log` is the request's logger for anything else worth saying about it.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: requestIdOf(req) });
    req.log = log;
    res.once("close", () => {
      const status = res.statusCode;
      const finished = res.writableFinished || isEventStream(res.getHeader("content-type"));
      let level: Level;
      if (status >= 500) level = "error";
      else if (status >= 400 || !finished) level = "warn";
      else level = PROBES.has(pathOf(req)) ? "debug" : "info";
      if (!log.isLevelEnabled(level)) return;

      const responseTime = Math.round(performance.now() - started);
      const failed = level === "warn" || level === "error";
      log[level](
        {
          req: {
            method: req.method,
            url: redactUrl(req.originalUrl),
            remoteAddress: req.ip,
            ...(failed ? { headers: diagnosticHeaders(req.headers) } : {}),
          },
          res: { statusCode: status, contentLength: res.getHeader("content-length") },
          responseTime,
        },
        finished
          ? `${req.method} ${pathOf(req)} ${status} ${responseTime}ms`
          : `${req.method} ${pathOf(req)} closed before the response was sent`,
      );
    });
    next();
  };
}

function pathOf(req: Request): string {
  // Express rewrites `url` inside mounted routers; `originalUrl` is what the client asked for.
  const url = req.originalUrl;
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}
