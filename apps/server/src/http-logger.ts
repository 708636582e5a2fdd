import type { IncomingMessage, ServerResponse } from "node:http";

import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

import { redactUrl } from "./logger";
import { requestIdOf } from "./request-id";

const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

function pathOf(req: IncomingMessage & { originalUrl?: string }): string {
  // Express rewrites `url` inside mounted routers; `originalUrl` is what the client asked for.
  const url = req.originalUrl ?? req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * One log line per request, carrying its request id. 5xx are errors; 4xx are warnings (the caller's
 * mistake, not ours); successful probe hits are debug noise. `req.log` is the request's logger.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req) => requestIdOf(req),
    customAttributeKeys: { reqId: "requestId" },
    quietReqLogger: true,
    customLogLevel(req: IncomingMessage, res: ServerResponse, error?: Error) {
      if (res.statusCode >= 500 || (error && res.statusCode < 400)) return "error";
      if (res.statusCode >= 400) return "warn";
      return PROBES.has(pathOf(req)) ? "debug" : "info";
    },
    customSuccessMessage: (req, res, responseTime) =>
      `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(responseTime)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    serializers: {
      req(req: {
        id: unknown;
        method: string;
        url: string;
        remoteAddress?: string;
        headers: Record<string, unknown>;
      }) {
        return {
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
          headers: req.headers,
        };
      },
      res(res: { statusCode: number; headers: Record<string, unknown> }) {
        return { statusCode: res.statusCode, contentLength: res.headers["content-length"] };
      },
    },
  });
}
