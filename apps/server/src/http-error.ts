import { ERROR_MAP, INTERNAL_MESSAGE, type ErrorEnvelope } from "@genflow/api";
import { DomainError, type ErrorCode } from "@genflow/core/errors";
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { z } from "zod";

import { requestIdOf } from "./request-id";

export interface RestErrorOptions {
  /** Include the stack trace of internal errors in the envelope. */
  debug: boolean;
  /** Counts every error response by domain code. */
  onError?: (code: ErrorCode) => void;
}

interface Classified {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown> | null;
  retryAfterMs?: number | undefined;
}

/** The shape of errors raised by Express's body parsers and static file serving (http-errors). */
interface HttpLibraryError {
  status: number;
  type?: string;
  limit?: number;
}

function isHttpLibraryError(error: unknown): error is HttpLibraryError {
  return (
    typeof error === "object" &&
    error !== null &&
    "status" in error &&
    typeof error.status === "number" &&
    error.status >= 400 &&
    error.status < 600
  );
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_MAP) as [ErrorCode, { http: number }][]).map(([code, { http }]) => [
    http,
    code,
  ]),
);

/** Safe client-facing messages for library errors; their own messages may name files or internals. */
const LIBRARY_MESSAGES: Record<string, string> = {
  "entity.parse.failed": "Malformed JSON in request body",
  "entity.too.large": "Request body is too large",
  "encoding.unsupported": "Unsupported content encoding",
  "charset.unsupported": "Unsupported charset",
  "request.aborted": "Request aborted",
  "request.size.invalid": "Request size did not match Content-Length",
};

function classify(error: unknown): Classified {
  if (error instanceof DomainError) {
    return {
      code: error.code,
      message: error.message,
      details: error.details ?? null,
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (error instanceof z.ZodError) {
    return { code: "VALIDATION", message: "Invalid input", details: { ...z.flattenError(error) } };
  }
  if (isHttpLibraryError(error) && error.status < 500) {
    const code =
      CODE_BY_STATUS.get(error.status) ?? (error.status === 408 ? "TIMEOUT" : "VALIDATION");
    const message = (error.type && LIBRARY_MESSAGES[error.type]) ?? defaultMessage(code);
    const details =
      code === "PAYLOAD_TOO_LARGE" && typeof error.limit === "number"
        ? { limitBytes: error.limit }
        : null;
    return { code, message, details };
  }
  return { code: "INTERNAL", message: INTERNAL_MESSAGE, details: null };
}

function defaultMessage(code: ErrorCode): string {
  switch (code) {
    case "NOT_FOUND":
      return "Not found";
    case "UNAUTHORIZED":
      return "Sign in or provide an API key";
    case "FORBIDDEN":
      return "You are not allowed to do this";
    case "PAYLOAD_TOO_LARGE":
      return "Request body is too large";
    default:
      return "Invalid request";
  }
}

/** The REST error body: `{ error: { code, message, details, requestId } }` and its HTTP status. */
export function toErrorResponse(
  error: unknown,
  requestId: string,
  options: { debug: boolean },
): { status: number; body: { error: ErrorEnvelope & { stack?: string } } } {
  const classified = classify(error);
  let details = classified.details;
  if (classified.retryAfterMs !== undefined)
    details = { ...details, retryAfterMs: classified.retryAfterMs };
  const envelope: ErrorEnvelope & { stack?: string } = {
    code: classified.code,
    message: classified.message,
    details,
    requestId,
  };
  if (options.debug && classified.code === "INTERNAL" && error instanceof Error && error.stack) {
    envelope.stack = error.stack;
  }
  return { status: ERROR_MAP[classified.code].http, body: { error: envelope } };
}

/**
 * Writes an error as the REST envelope. The one place REST routes turn failures into responses:
 * internal errors are logged with their cause (the client sees a generic message and the request
 * id), everything else is the caller's mistake and is left to the request log line.
 */
export function sendError(
  req: Request,
  res: Response,
  error: unknown,
  options: RestErrorOptions,
): void {
  // The caller went away and its work was stopped for that reason (a render abandoned on close):
  // nothing failed, and there is nobody to answer. The request line already says it closed.
  if (isAbort(error) && req.socket.destroyed) {
    if (!res.writableEnded) res.end();
    return;
  }
  const { status, body } = toErrorResponse(error, requestIdOf(req), { debug: options.debug });
  options.onError?.(body.error.code);
  if (status >= 500) {
    req.log.error({ err: error, requestId: body.error.requestId }, "request failed");
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (body.error.details && typeof body.error.details.retryAfterMs === "number") {
    res.setHeader(
      "Retry-After",
      String(Math.max(1, Math.ceil(body.error.details.retryAfterMs / 1000))),
    );
  }
  res.status(status).json(body);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

/** Express error middleware for REST routes. */
export function restErrorHandler(options: RestErrorOptions): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    sendError(req, res, error, options);
  };
}

/** 404 with the envelope, for unknown routes under API prefixes. */
export function notFoundHandler(options: RestErrorOptions): RequestHandler {
  return (req, res) => {
    sendError(
      req,
      res,
      new DomainError("NOT_FOUND", `No route for ${req.method} ${req.baseUrl}${req.path}`),
      options,
    );
  };
}
