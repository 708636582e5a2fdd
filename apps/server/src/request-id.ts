import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

import type { RequestHandler } from "express";

declare module "http" {
  interface IncomingMessage {
    /** This request's id, set by {@link requestId}. */
    id?: string;
  }
}

export const REQUEST_ID_HEADER = "X-Request-Id";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A caller-supplied id when it is short and plain; otherwise a fresh one. */
export function acceptRequestId(incoming: string | string[] | undefined): string {
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  return candidate !== undefined && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/** Assigns every request its id (`req.id`) and echoes it in the `X-Request-Id` response header. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = acceptRequestId(req.headers["x-request-id"]);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

/** The id assigned by {@link requestId}. */
export function requestIdOf(req: IncomingMessage): string {
  return req.id ?? "unknown";
}
