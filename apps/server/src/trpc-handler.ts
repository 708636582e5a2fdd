import { appRouter, createContext, domainCodeOf, type ApiServices } from "@genflow/api";
import { DomainError } from "@genflow/core/errors";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import type { TRPCError, TRPCProcedureType } from "@trpc/server";
import type { Request, RequestHandler, Response } from "express";

import { headersOf } from "./request-headers";
import { requestIdOf } from "./request-id";
import { queryFastPath } from "./trpc-queries";

interface ProcedureErrorInfo {
  error: TRPCError;
  path: string | undefined;
  type: TRPCProcedureType | "unknown";
  req: Request;
}

/** Calls per batched request; a batch is one HTTP request, so this bounds the work it can ask for. */
const MAX_BATCH_SIZE = 50;

export interface TrpcHandlerOptions {
  services: ApiServices;
  /** Largest request body accepted, in bytes; larger ones get PAYLOAD_TOO_LARGE (413). */
  maxBodySize: number;
  /** Largest multipart body accepted by the procedures that take a file (see UPLOAD_PROCEDURES). */
  maxUploadBodySize: number;
  /** Counts every error by domain code. */
  onErrorCode: (code: string) => void;
}

/** Procedures that take multipart form data (a file) as well as JSON. */
const UPLOAD_PROCEDURES = new Set(["cutout.process"]);

/**
 * The API over HTTP at /trpc: superjson, batching, SSE subscriptions. Internal errors are logged
 * here with their cause and the request id; the client only sees a generic message.
 */
export function trpcHandler(options: TrpcHandlerOptions): RequestHandler {
  const { services } = options;
  const contextOf = (req: Request, res: Response) =>
    createContext(services, {
      requestId: requestIdOf(req),
      ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
      headers: headersOf(req.headers),
      appendResponseHeader: (name, value) => {
        if (!res.headersSent) res.appendHeader(name, value);
      },
    });
  const onError = ({ error, path, type, req }: ProcedureErrorInfo) => {
    const code = domainCodeOf(error);
    options.onErrorCode(code);
    // req.log carries the request id.
    const fields = { path, type, code };
    if (code === "INTERNAL") {
      req.log.error({ ...fields, err: error.cause ?? error }, "procedure failed");
    } else {
      req.log.debug({ ...fields, reason: error.message }, "procedure rejected");
    }
  };
  const middleware = (maxBodySize: number) =>
    createExpressMiddleware({
      router: appRouter,
      maxBodySize,
      allowBatching: true,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ req, res }) => contextOf(req, res),
      onError,
    });
  const trpc = middleware(options.maxBodySize);
  // Multipart bodies carry a photo; only the procedures that take one get the larger limit.
  const uploads = middleware(options.maxUploadBodySize);
  // Plain GET queries skip the adapter's web-standard request and response objects.
  const queries = queryFastPath({
    router: appRouter,
    createContext: contextOf,
    onError,
    maxBatchSize: MAX_BATCH_SIZE,
  });

  return (req, res, next) => {
    if (queries(req, res)) return;
    // Checked here rather than in tRPC so the envelope carries the request id (tRPC rejects these
    // before a context exists).
    if (req.method !== "GET" && req.method !== "POST") {
      next(
        new DomainError(
          "VALIDATION",
          `${req.method} is not supported; use GET for queries and POST for mutations`,
        ),
      );
      return;
    }
    const multipart = req.method === "POST" && isMultipart(req.headers["content-type"]);
    if (multipart && UPLOAD_PROCEDURES.has(req.path.slice(1))) {
      uploads(req, res, next);
      return;
    }
    if (req.method === "POST" && !isJson(req.headers["content-type"])) {
      next(
        new DomainError(
          "VALIDATION",
          multipart
            ? `Only ${[...UPLOAD_PROCEDURES].join(", ")} takes multipart form data; send JSON (Content-Type: application/json)`
            : "Send the request body as JSON (Content-Type: application/json)",
          {
            details: { contentType: req.headers["content-type"] ?? null },
          },
        ),
      );
      return;
    }
    if (wantsEventStream(req.headers.accept)) {
      // Subscriptions stream over SSE: no caching, no proxy buffering. (tRPC sets the same
      // headers on the stream itself; these cover the response before its first event.)
      res.setHeader("Cache-Control", "no-cache, no-transform");
      res.setHeader("X-Accel-Buffering", "no");
    }
    trpc(req, res, next);
  };
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);
}

function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && /^multipart\/form-data\s*(;|$)/i.test(contentType);
}

function wantsEventStream(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes("text/event-stream");
}
